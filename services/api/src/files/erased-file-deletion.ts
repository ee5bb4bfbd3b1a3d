import type { ReadModelQueries } from '@qingmiao/projections';
import { type BlobStore, BlobStoreUnavailable } from './blob-store.ts';
import type { FileLocks } from './file-locks.ts';
import type { UploadRegistry } from './upload-registry.ts';

export interface ErasedFileDeletionOptions {
  /** The read models, caught up at least with the erasures to finish. */
  readonly read: () => Pick<ReadModelQueries, 'erasedFilesToDelete'>;
  readonly registry: UploadRegistry;
  readonly blobStore: BlobStore;
  readonly locks: FileLocks;
  readonly now?: () => number;
}

/**
 * Storage could not be reached while deleting erased files. The erasure is recorded and its keys are gone; the files
 * are deleted by a retry of the erasure or by the next hourly run.
 */
export class ErasedFilesNotDeleted extends BlobStoreUnavailable {}

/**
 * Deletes the files that erasures and expiries erased (an essay's PDF carries the child's name): once no entry that
 * was not erased holds a file, its bytes leave the store and every upload record naming it leaves the registry.
 * Runs right after an erasure (before it answers), hourly and at start, so that one cut short by a crash or a storage
 * outage is finished later; runs are serialised, and each covers every erasure projected when it starts.
 *
 * An upload of the same bytes after the run began (a school submitting the work again as new data) keeps its record
 * and the bytes, as the sweeper lets an upload racing with it win. The registry remembers up to which log position
 * the erasures' files are deleted, so each run looks only at newer ones; except the first run of a process, which
 * deletes every erased file again: files restored from a backup cannot bring an erased essay back.
 */
export class ErasedFileDeletion {
  readonly #options: ErasedFileDeletionOptions;
  readonly #now: () => number;
  #queue: Promise<unknown> = Promise.resolve();
  /** Whether a run of this process went over every erased file, not only those erased since the last run. */
  #checkedAll = false;

  constructor(options: ErasedFileDeletionOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Deletes every erased file not deleted yet; how many files it deleted (bytes and records), or made sure of. */
  run(): Promise<number> {
    // After the run under way, not joined with it: that one may have started before the caller's erasure.
    const run = this.#queue.catch(() => undefined).then(() => this.#run());
    this.#queue = run;
    return run;
  }

  async #run(): Promise<number> {
    const { read, registry, blobStore, locks } = this.#options;
    const startedAt = this.#now();
    const files = read().erasedFilesToDelete(this.#checkedAll ? registry.erasedFilesDeletedThrough() : 0n);
    if (files.length === 0) {
      this.#checkedAll = true;
      return 0;
    }
    let through = 0n;
    try {
      for (const { fileId, erasedAt } of files) {
        if (erasedAt > through) through = erasedAt;
        await locks.run(fileId, async () => {
          registry.forgetFile(fileId, startedAt);
          if (!registry.isKnown(fileId)) await blobStore.delete(fileId);
        });
      }
    } catch (error) {
      throw error instanceof BlobStoreUnavailable ? new ErasedFilesNotDeleted(error.cause) : error;
    }
    registry.erasedFilesDeleted(through);
    this.#checkedAll = true;
    return files.length;
  }
}
