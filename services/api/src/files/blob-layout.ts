import { join } from 'node:path';
import { FileId } from '@qingmiao/schema';

/** Where the folder store keeps blobs, and where uploads are staged whatever the store: on the data dir's disk. */
export function filesDir(dataDir: string): string {
  return join(dataDir, 'files');
}

/** Inside `filesDir`: a name no blob shard (two hex digits) can take, skipped by backups. */
export const STAGING = '.staging';

/**
 * A blob's name under the store's root, `ab/cd/abcd…`: two levels of 256 shards keep folders small (a million files
 * make about 15 per folder). Refuses anything but a file id, so no caller's text ever becomes a path or a key.
 */
export function blobKey(id: string): string {
  if (!FileId.safeParse(id).success) throw new TypeError(`not a file id (64 lowercase hex digits): ${id.slice(0, 80)}`);
  return `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
}

/** Refuses a range that is not `0 ≤ start ≤ end` in whole bytes (whether it fits the blob is the store's check). */
export function checkRange(range: { readonly start: number; readonly end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`not a byte range: ${start}-${end}`);
  }
}
