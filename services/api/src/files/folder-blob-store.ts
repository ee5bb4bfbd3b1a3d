import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { blobKey, checkRange, filesDir } from './blob-layout.ts';
import { BlobNotFound, type BlobStore, BlobStoreUnavailable, type ByteRange } from './blob-store.ts';
import { checkStaged, prepareStagingDir } from './staging.ts';

/**
 * Blobs as files under `<dataDir>/files`, named `ab/cd/abcd…` by their id. A blob appears under its name only by a
 * rename of a complete, fsynced staged file on the same file system, so a crash at any moment leaves it whole or
 * absent; blobs are never rewritten, so copying the folder file by file is a consistent backup.
 */
class FolderBlobStore implements BlobStore {
  readonly stagingDir: string;
  readonly backupAdvice: string;

  constructor(
    private readonly root: string,
    now: number,
  ) {
    this.stagingDir = prepareStagingDir(root, now);
    this.backupAdvice = folderBackupAdvice(root);
  }

  async put(id: string, stagedPath: string): Promise<void> {
    const path = this.#path(id);
    const staged = checkStaged(this.stagingDir, stagedPath);
    try {
      if (await this.#exists(path)) {
        // Blobs are immutable: the same id is the same bytes, already kept.
        await rm(staged, { force: true });
        return;
      }
      await syncFile(staged);
      const shard = dirname(path);
      const created = await mkdir(shard, { recursive: true, mode: 0o700 });
      await rename(staged, path);
      await syncDirectory(shard);
      if (created !== undefined) {
        // New shard folders are entries of their parents: persist those too, or the renamed file could vanish.
        await syncDirectory(dirname(shard));
        await syncDirectory(this.root);
      }
    } catch (error) {
      if (isMissing(error) && (await this.#rootExists())) {
        throw new Error(`no staged file ${stagedPath} to keep as ${id}`, { cause: error });
      }
      throw unavailable(error);
    }
  }

  async size(id: string): Promise<number | undefined> {
    const path = this.#path(id);
    try {
      return (await stat(path)).size;
    } catch (error) {
      if (isMissing(error) && (await this.#rootExists())) return undefined;
      throw unavailable(error);
    }
  }

  async read(id: string, range?: ByteRange): Promise<Readable> {
    const path = this.#path(id);
    if (range) checkRange(range);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isMissing(error) && (await this.#rootExists())) throw new BlobNotFound(id);
      throw unavailable(error);
    }
    try {
      if (!range) return handle.createReadStream();
      const { size } = await handle.stat();
      if (range.start >= size) throw new RangeError(`range ${range.start}-${range.end} starts past the end of ${id}`);
      return handle.createReadStream({ start: range.start, end: Math.min(range.end, size - 1) });
    } catch (error) {
      await handle.close();
      throw unavailable(error);
    }
  }

  async delete(id: string): Promise<void> {
    const path = this.#path(id);
    try {
      await rm(path);
      await syncDirectory(dirname(path));
    } catch (error) {
      if (isMissing(error) && (await this.#rootExists())) return;
      throw unavailable(error);
    }
  }

  async close(): Promise<void> {}

  #path(id: string): string {
    return join(this.root, blobKey(id));
  }

  async #exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** A missing blob is only "not found" while the folder itself is there; without it the storage is gone. */
  async #rootExists(): Promise<boolean> {
    try {
      return (await stat(this.root)).isDirectory();
    } catch {
      return false;
    }
  }
}

/** How files in the folder store at `root` are backed up. */
export function folderBackupAdvice(root: string): string {
  return (
    `files are kept in ${resolve(root)}, outside the event log: \`qingmiao backup --to FILE\` copies them to ` +
    'FILE.files (back that folder up with the file)'
  );
}

/** The folder store of a data dir; staged files a crash left there over a day ago are removed now. */
export function openFolderBlobStore(dataDir: string, now = Date.now()): BlobStore {
  return folderBlobStoreAt(filesDir(dataDir), now);
}

/** A folder store on any folder (a backup's copy of the files), created if need be. */
export function folderBlobStoreAt(root: string, now = Date.now()): BlobStore {
  return new FolderBlobStore(resolve(root), now);
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    // Owner only, as every data file; the uploader may have created it with the default mode.
    await handle.chmod(0o600);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** The file system's refusals (EIO, ENOSPC, EACCES, ENOTDIR…) mean the storage is unusable; other errors are ours. */
function unavailable(error: unknown): unknown {
  return typeof (error as NodeJS.ErrnoException | undefined)?.errno === 'number'
    ? new BlobStoreUnavailable(error)
    : error;
}
