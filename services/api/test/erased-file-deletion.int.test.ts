import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErasedFile } from '@qingmiao/projections';
import type { Attachment } from '@qingmiao/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BlobStore, BlobStoreUnavailable } from '../src/files/blob-store.ts';
import { ErasedFileDeletion, ErasedFilesNotDeleted } from '../src/files/erased-file-deletion.ts';
import { FileLocks } from '../src/files/file-locks.ts';
import { openFolderBlobStore } from '../src/files/folder-blob-store.ts';
import { UploadRegistry, uploadRegistryFile } from '../src/files/upload-registry.ts';

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const shiyan = { schoolId: 'tc-shiyan' };
const other = { schoolId: 'tc-other' };

let dir: string;
let now: number;
let registry: UploadRegistry;
let blobStore: BlobStore;
/** What the erased files read model answers (tested on its own in the projections). */
let erased: ErasedFile[];
let deletion: ErasedFileDeletion;

async function uploaded(owner: { schoolId: string }, text: string): Promise<Attachment> {
  const bytes = Buffer.from(text);
  const id = createHash('sha256').update(bytes).digest('hex');
  const staged = join(blobStore.stagingDir, `staged-${id}-${now}`);
  writeFileSync(staged, bytes);
  await blobStore.put(id, staged);
  const attachment = { id, name: `${text}.pdf`, mediaType: 'application/pdf' as const, size: bytes.length };
  registry.record(owner, attachment);
  return attachment;
}

function deletionWith(store: BlobStore): ErasedFileDeletion {
  return new ErasedFileDeletion({
    read: () => ({ erasedFilesToDelete: (after) => erased.filter((file) => file.erasedAt > after) }),
    registry,
    blobStore: store,
    locks: new FileLocks(),
    now: () => now,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-erased-files-'));
  now = T0;
  registry = new UploadRegistry(uploadRegistryFile(dir), () => now);
  blobStore = openFolderBlobStore(dir);
  erased = [];
  deletion = deletionWith(blobStore);
});

afterEach(() => {
  registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ErasedFileDeletion', () => {
  it('deletes the bytes and every upload record of an erased file, leaves the others, and remembers how far it got', async () => {
    const essay = await uploaded(shiyan, '林小雨的作文');
    await uploaded(other, '林小雨的作文');
    const kept = await uploaded(shiyan, '陈一的画');
    now += 1000;
    erased = [{ fileId: essay.id, erasedAt: 12n }];
    expect(await deletion.run()).toBe(1);
    expect(await blobStore.size(essay.id)).toBeUndefined();
    expect(registry.isKnown(essay.id)).toBe(false);
    expect(await blobStore.size(kept.id)).toBe(kept.size);
    expect(registry.erasedFilesDeletedThrough()).toBe(12n);
    // secure_delete and the emptied write-ahead log: the uploaded name is on no page of the registry's files.
    for (const file of ['uploads.db', 'uploads.db-wal'].map((name) => join(dir, name))) {
      if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from('林小雨的作文.pdf'))).toBe(false);
    }
    expect(await deletion.run()).toBe(0);
  });

  it('keeps an upload of the same bytes made after the run began: new data', async () => {
    const essay = await uploaded(shiyan, '林小雨的作文');
    erased = [{ fileId: essay.id, erasedAt: 5n }];
    await deletion.run();
    now += 60_000;
    await uploaded(other, '林小雨的作文');
    expect(await deletion.run()).toBe(0);
    expect(await blobStore.size(essay.id)).toBe(essay.size);
    expect(registry.isKnown(essay.id)).toBe(true);
  });

  it('when storage is unavailable, fails with ErasedFilesNotDeleted and finishes at the next run', async () => {
    const essay = await uploaded(shiyan, '林小雨的作文');
    now += 1000;
    erased = [{ fileId: essay.id, erasedAt: 7n }];
    const unreachable: BlobStore = {
      ...blobStore,
      delete: async () => {
        throw new BlobStoreUnavailable(new Error('connect ECONNREFUSED'));
      },
    };
    await expect(deletionWith(unreachable).run()).rejects.toBeInstanceOf(ErasedFilesNotDeleted);
    expect(registry.erasedFilesDeletedThrough()).toBe(0n);
    expect(await blobStore.size(essay.id)).toBe(essay.size);
    expect(await deletion.run()).toBe(1);
    expect(await blobStore.size(essay.id)).toBeUndefined();
    expect(registry.erasedFilesDeletedThrough()).toBe(7n);
  });

  it('runs one after another: a run asked for during another covers what was erased meanwhile', async () => {
    const first = await uploaded(shiyan, '一');
    const second = await uploaded(shiyan, '二');
    now += 1000;
    erased = [{ fileId: first.id, erasedAt: 3n }];
    const running = deletion.run();
    erased = [...erased, { fileId: second.id, erasedAt: 4n }];
    const next = deletion.run();
    await running;
    await next;
    expect(await blobStore.size(first.id)).toBeUndefined();
    expect(await blobStore.size(second.id)).toBeUndefined();
    expect(registry.erasedFilesDeletedThrough()).toBe(4n);
  });

  it('deletes every erased file again at its first run in a process: restored bytes do not come back', async () => {
    const essay = await uploaded(shiyan, '林小雨的作文');
    now += 1000;
    erased = [{ fileId: essay.id, erasedAt: 9n }];
    expect(await deletion.run()).toBe(1);
    // A backup's files are restored into the store: the blob is back, without any upload record.
    const staged = join(blobStore.stagingDir, 'restored');
    writeFileSync(staged, '林小雨的作文');
    await blobStore.put(essay.id, staged);
    expect(await deletion.run()).toBe(0);
    expect(await blobStore.size(essay.id)).toBe(essay.size);
    // The next start.
    expect(await deletionWith(blobStore).run()).toBe(1);
    expect(await blobStore.size(essay.id)).toBeUndefined();
  });
});
