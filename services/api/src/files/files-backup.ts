import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileId } from '@qingmiao/schema';
import type { QingmiaoConfig } from '../config.ts';
import { blobKey, filesDir } from './blob-layout.ts';
import type { BlobStore } from './blob-store.ts';
import { folderBackupAdvice, folderBlobStoreAt } from './folder-blob-store.ts';
import { openBlobStore } from './open-blob-store.ts';
import { s3BackupAdvice } from './s3-blob-store.ts';

/** The folder `qingmiao backup --to FILE` copies the files to, beside the events: `FILE.files`, laid out as the store. */
function filesBackupDir(backupFile: string): string {
  return `${backupFile}.files`;
}

interface FilesCopy {
  /** Files copied, and their bytes. */
  readonly files: number;
  readonly bytes: number;
  /** Files already where they were copied to (restore only). */
  readonly present: number;
  /** Files whose bytes no longer hash to their id: left out of the copy, for the operator to look into. */
  readonly damaged: readonly string[];
}

/**
 * `qingmiao backup`'s line about files, run after the events are backed up. With the folder store, copies its
 * finished blobs to `FILE.files`: blobs are immutable and appear whole (renamed from staging, which is skipped), so
 * a copy taken file by file while the server runs is consistent, and, taken after the events, holds every file they
 * refer to. Each copy is checked against its id; damaged files are left out and fail the command once the rest is
 * copied. An S3 bucket is not copied: the line says how it must be backed up instead.
 */
export async function backUpFiles(
  config: Pick<QingmiaoConfig, 'dataDir' | 'files'>,
  backupFile: string,
): Promise<string> {
  if (config.files.kind !== 'folder') return filesAdvice(config);
  const destination = filesBackupDir(backupFile);
  if (existsSync(destination)) throw new Error(`${destination} exists; choose a new backup file`);
  const source = filesDir(config.dataDir);
  if (!existsSync(source)) return `no files in ${source} to back up`;
  const target = folderBlobStoreAt(destination);
  let copy: FilesCopy;
  try {
    copy = await copyBlobs(source, target);
  } finally {
    await rm(target.stagingDir, { recursive: true, force: true });
    await target.close();
  }
  refuseDamaged(copy, `the events and ${copy.files} other files are backed up`);
  return `backed up ${copy.files} files (${copy.bytes} bytes) from ${source} to ${destination}`;
}

/** `qingmiao restore`'s line about files: puts those of `FILE.files` the configured store lacks back into it. */
export async function restoreFilesOf(
  config: Pick<QingmiaoConfig, 'dataDir' | 'files'>,
  backupFile: string,
): Promise<string> {
  const source = filesBackupDir(backupFile);
  if (!existsSync(source)) return `no ${source} beside the backup: files are left as they are`;
  const store = openBlobStore(config);
  try {
    const copy = await copyBlobs(source, store);
    refuseDamaged(copy, `the events and ${copy.files} other files are restored`);
    return `restored ${copy.files} files (${copy.bytes} bytes) from ${source}; ${copy.present} were there already`;
  } finally {
    await store.close();
  }
}

/**
 * `qingmiao export`'s line about files (an export holds events only): how the configured store is backed up, the
 * store's `backupAdvice`, told without opening it (which would make folders).
 */
export function filesAdvice(config: Pick<QingmiaoConfig, 'dataDir' | 'files'>): string {
  return config.files.kind === 's3' ? s3BackupAdvice(config.files) : folderBackupAdvice(filesDir(config.dataDir));
}

function refuseDamaged(copy: FilesCopy, rest: string): void {
  if (copy.damaged.length === 0) return;
  throw new Error(
    `${copy.damaged.length} files are damaged (their bytes no longer hash to their id) and were left out: ` +
      `${copy.damaged.join(', ')}; ${rest}`,
  );
}

async function copyBlobs(sourceRoot: string, target: BlobStore): Promise<FilesCopy> {
  let files = 0;
  let bytes = 0;
  let present = 0;
  const damaged: string[] = [];
  for await (const id of blobIds(sourceRoot)) {
    if ((await target.size(id)) !== undefined) {
      present++;
      continue;
    }
    const staged = join(target.stagingDir, randomUUID());
    try {
      const copied = await copyHashing(join(sourceRoot, blobKey(id)), staged);
      if (copied === undefined) continue; // deleted meanwhile (an unreferenced upload swept): nothing to keep
      if (copied.sha256 !== id) {
        damaged.push(id);
        continue;
      }
      await target.put(id, staged);
      files++;
      bytes += copied.bytes;
    } finally {
      await rm(staged, { force: true });
    }
  }
  return { files, bytes, present, damaged };
}

/** The ids of the blobs under a folder store's root, shard by shard; staging and strays are not blobs. */
async function* blobIds(root: string): AsyncGenerator<string> {
  const shard = /^[0-9a-f]{2}$/;
  for (const first of (await readdir(root)).filter((name) => shard.test(name)).sort()) {
    for (const second of (await readdir(join(root, first))).filter((name) => shard.test(name)).sort()) {
      for (const name of (await readdir(join(root, first, second))).sort()) {
        if (FileId.safeParse(name).success && name.startsWith(first + second)) yield name;
      }
    }
  }
}

/** Copies a file, hashing what it reads; undefined when the file is gone. */
async function copyHashing(from: string, to: string): Promise<{ sha256: string; bytes: number } | undefined> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(from), tap, createWriteStream(to, { mode: 0o600, flags: 'wx' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(from)) return undefined;
    throw error;
  }
  return { sha256: hash.digest('hex'), bytes };
}
