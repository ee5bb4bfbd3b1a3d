import type { Readable } from 'node:stream';

/** Bytes `start` to `end`, both inclusive, as an HTTP Range counts them. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Content-addressed storage of uploaded files (the port; adapters: a folder under the data dir, an S3-compatible
 * bucket). A blob's id is the SHA-256 of its bytes, lowercase hex, so storing the same bytes twice is one blob.
 * Every method throws `BlobStoreUnavailable` when the storage cannot be reached, so callers can answer with a clear
 * error and append nothing.
 */
export interface BlobStore {
  /**
   * Keeps the complete, fsynced file at `stagedPath` (under `stagingDir`) as blob `id`; the staged file is consumed.
   * Atomic: a blob is either absent or whole under its id, never half written, whatever crashes when.
   */
  put(id: string, stagedPath: string): Promise<void>;
  /** The blob's size in bytes, or undefined when there is no such blob. */
  size(id: string): Promise<number | undefined>;
  /**
   * The blob's bytes, or the range of them; throws `BlobNotFound` when there is no such blob. A range's `end` past the
   * last byte reads to the end (as HTTP does); a range starting past it throws `RangeError`. Every method refuses an
   * id that is not a `FileId` with a `TypeError`, before touching the storage.
   */
  read(id: string, range?: ByteRange): Promise<Readable>;
  /** Removes the blob; removing an absent blob is not an error. */
  delete(id: string): Promise<void>;
  /** A local folder, on the data dir's file system, where uploads are staged before `put`. */
  readonly stagingDir: string;
  /** One sentence for `qingmiao backup` and `export`: how files are backed up with this storage. */
  readonly backupAdvice: string;
  close(): Promise<void>;
}

export class BlobNotFound extends Error {
  constructor(readonly id: string) {
    super(`no file ${id}`);
    this.name = 'BlobNotFound';
  }
}

export class BlobStoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`file storage is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'BlobStoreUnavailable';
  }
}
