import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment } from '@qingmiao/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../src/files/blob-store.ts';
import { FileLocks } from '../src/files/file-locks.ts';
import { openFolderBlobStore } from '../src/files/folder-blob-store.ts';
import { UploadRegistry, uploadRegistryFile } from '../src/files/upload-registry.ts';
import { UploadSweeper } from '../src/files/upload-sweeper.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2022-06-01T00:00:00.000Z');
const shiyan = { schoolId: 'tc-shiyan' };
const other = { schoolId: 'tc-other' };

let dir: string;
let now: number;
let registry: UploadRegistry;
let blobStore: BlobStore;
let locks: FileLocks;
let referenced: Set<string>;
let sweeper: UploadSweeper;

/** Keeps `text` as a blob, recorded as uploaded by `owner` now; its attachment. */
async function uploaded(owner: { schoolId: string }, text: string): Promise<Attachment> {
  const bytes = Buffer.from(text);
  const id = createHash('sha256').update(bytes).digest('hex');
  const staged = join(blobStore.stagingDir, `staged-${id}`);
  writeFileSync(staged, bytes);
  await blobStore.put(id, staged);
  const attachment = { id, name: `${text}.pdf`, mediaType: 'application/pdf' as const, size: bytes.length };
  registry.record(owner, attachment);
  return attachment;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-sweeper-'));
  now = T0;
  registry = new UploadRegistry(uploadRegistryFile(dir), () => now);
  blobStore = openFolderBlobStore(dir);
  locks = new FileLocks();
  referenced = new Set();
  sweeper = new UploadSweeper({
    registry,
    blobStore,
    locks,
    isReferenced: (id) => referenced.has(id),
    now: () => now,
    everyMs: 0,
  });
});

afterEach(async () => {
  await sweeper.close();
  registry.close();
  await blobStore.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the sweeper of unused uploads', () => {
  it('keeps everything younger than 24 hours', async () => {
    const file = await uploaded(shiyan, 'fresh');
    now = T0 + 23 * HOUR;
    expect(await sweeper.sweep()).toEqual({ forgotten: 0, deleted: 0 });
    expect(await blobStore.size(file.id)).toBe(file.size);
  });

  it('deletes an upload idle for 24 hours that no entry refers to, row and file', async () => {
    const file = await uploaded(shiyan, 'abandoned');
    now = T0 + 24 * HOUR + 1;
    expect(await sweeper.sweep()).toEqual({ forgotten: 1, deleted: 1 });
    expect(await blobStore.size(file.id)).toBeUndefined();
    expect(await registry.attachmentsFor(shiyan, [file.id])).toEqual([{ missing: 'unknown' }]);
  });

  it('never touches a file an entry refers to, however old', async () => {
    const file = await uploaded(shiyan, 'attached');
    referenced.add(file.id);
    now = T0 + 1000 * HOUR;
    expect(await sweeper.sweep()).toEqual({ forgotten: 0, deleted: 0 });
    expect(await blobStore.size(file.id)).toBe(file.size);
    expect(await registry.attachmentsFor(shiyan, [file.id])).toEqual([{ found: file }]);
  });

  it('counts the last use: a file named by an entry lookup 10 hours ago stays', async () => {
    const file = await uploaded(shiyan, 'used');
    now = T0 + 20 * HOUR;
    await registry.attachmentsFor(shiyan, [file.id]);
    now = T0 + 30 * HOUR;
    expect(await sweeper.sweep()).toEqual({ forgotten: 0, deleted: 0 });
    now = T0 + 44 * HOUR + 1;
    expect(await sweeper.sweep()).toEqual({ forgotten: 1, deleted: 1 });
  });

  it('keeps the file while another owner’s row still names it', async () => {
    const file = await uploaded(shiyan, 'shared');
    now = T0 + 12 * HOUR;
    await uploaded(other, 'shared');
    now = T0 + 25 * HOUR;
    expect(await sweeper.sweep()).toEqual({ forgotten: 1, deleted: 0 });
    expect(await blobStore.size(file.id)).toBe(file.size);
    now = T0 + 37 * HOUR;
    expect(await sweeper.sweep()).toEqual({ forgotten: 1, deleted: 1 });
    expect(await blobStore.size(file.id)).toBeUndefined();
  });

  it('pages past referenced uploads: more than a page of them never hides an unused one', async () => {
    for (let index = 0; index < 520; index++) {
      // Rows only: the sweeper reads no blob of a referenced file.
      const id = createHash('sha256').update(`kept-${index}`).digest('hex');
      registry.record(shiyan, { id, name: `kept-${index}.pdf`, mediaType: 'application/pdf', size: 1 });
      referenced.add(id);
    }
    const unused = await uploaded(other, 'unused');
    now = T0 + 25 * HOUR;
    expect(await sweeper.sweep()).toEqual({ forgotten: 1, deleted: 1 });
    expect(await blobStore.size(unused.id)).toBeUndefined();
  });

  it('loses to an upload of the same bytes racing with it: the new row keeps its file', async () => {
    const file = await uploaded(shiyan, 'again');
    now = T0 + 25 * HOUR;
    const [sweep, again] = await Promise.all([
      sweeper.sweep(),
      locks.run(file.id, async () => {
        // As uploadFile does: blob, then row, under the file's lock.
        const staged = join(blobStore.stagingDir, 'staged-again');
        writeFileSync(staged, 'again');
        await blobStore.put(file.id, staged);
        registry.record(other, file);
      }),
    ]);
    expect(again).toBeUndefined();
    expect(sweep.forgotten).toBe(1);
    expect(await blobStore.size(file.id)).toBe(file.size);
    expect(await registry.attachmentsFor(other, [file.id])).toEqual([{ found: file }]);
  });
});
