import type { BlobStore } from './blob-store.ts';
import type { FileLocks } from './file-locks.ts';
import type { IdleUpload, UploadRegistry } from './upload-registry.ts';

const HOUR_MS = 3_600_000;
/** How long an upload no entry refers to is kept after it was last uploaded or named by an entry. */
const UNREFERENCED_UPLOAD_MS = 24 * HOUR_MS;
const PAGE = 500;

export interface UploadSweeperOptions {
  readonly registry: UploadRegistry;
  readonly blobStore: BlobStore;
  readonly locks: FileLocks;
  /** Whether any entry refers to the file (the entries read model, caught up). */
  readonly isReferenced: (fileId: string) => boolean | Promise<boolean>;
  readonly now?: () => number;
  /** How often `start` sweeps (after a first sweep at once); 0 never repeats (tests call sweep()). */
  readonly everyMs?: number;
  /** Told when a periodic sweep fails (the next one tries again). */
  readonly onError?: (error: unknown) => void;
}

/** What one sweep did. */
export interface SweepOutcome {
  /** Registry rows deleted: uploads idle for 24 hours that no entry refers to. */
  readonly forgotten: number;
  /** Blobs deleted: files no row and no entry refers to any more. */
  readonly deleted: number;
}

/**
 * Removes uploads nobody used: registry rows idle (neither uploaded nor named by an entry) for 24 hours whose file no
 * entry refers to, then the file itself once no row and no entry refers to it. Referenced files are never touched.
 * Per file it holds the same lock as keeping an upload, and a row is only deleted if it is still idle at that
 * moment, so an upload or an entry's lookup (which marks the row used) racing with the sweep always wins.
 */
export class UploadSweeper {
  readonly #options: UploadSweeperOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<SweepOutcome> | undefined;
  #closed = false;

  constructor(options: UploadSweeperOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Sweeps now, then every `everyMs` (an hour by default). Call it once the read models have caught up: before, an
   * entry not yet projected would not count as referring to its files.
   */
  start(): void {
    if (this.#closed) return;
    const every = this.#options.everyMs ?? HOUR_MS;
    const onError = this.#options.onError ?? ((error: unknown) => process.emitWarning(`upload sweep: ${error}`));
    const sweep = () => void this.sweep().catch(onError);
    if (every > 0) this.#timer = setInterval(sweep, every).unref();
    sweep();
  }

  /** One sweep; a sweep already running is joined, not repeated. */
  sweep(): Promise<SweepOutcome> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<SweepOutcome> {
    const { registry } = this.#options;
    const before = this.#now() - UNREFERENCED_UPLOAD_MS;
    let forgotten = 0;
    let deleted = 0;
    for (let page = registry.idleSince(before, PAGE); page.length > 0; ) {
      for (const upload of page) {
        const outcome = await this.#options.locks.run(upload.id, () => this.#sweepOne(upload, before));
        if (outcome !== 'kept') forgotten++;
        if (outcome === 'deleted') deleted++;
      }
      page = page.length < PAGE ? [] : registry.idleSince(before, PAGE, page.at(-1));
    }
    return { forgotten, deleted };
  }

  async #sweepOne(upload: IdleUpload, before: number): Promise<'kept' | 'forgotten' | 'deleted'> {
    const { registry, blobStore, isReferenced } = this.#options;
    if (await isReferenced(upload.id)) return 'kept';
    if (!registry.forget(upload, before)) return 'kept';
    if (registry.isKnown(upload.id)) return 'forgotten';
    await blobStore.delete(upload.id);
    return 'deleted';
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#sweeping?.catch(() => undefined);
  }
}
