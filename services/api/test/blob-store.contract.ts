import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobNotFound, type BlobStore, BlobStoreUnavailable } from '../src/files/blob-store.ts';
import type { FilesLocation } from '../src/files/files-setting.ts';

/** What a test of one adapter gives the contract: a fresh, empty store and the means to hurt it. */
export interface BlobStoreHarness {
  readonly store: BlobStore;
  /** Starts storing `bytes` in another process and kills that process with SIGKILL while the bytes are on their way. */
  crashWhileStoring(bytes: Buffer): Promise<void>;
  /** Makes the storage unreachable (S3 stopped, the folder gone), and reachable again as it was. */
  breakStorage(): Promise<void>;
  repairStorage(): Promise<void>;
  cleanup(): Promise<void>;
}

/** The bound for an unreachable store: a clear answer within seconds (loose for a loaded 2-core box). */
const UNAVAILABLE_WITHIN_MS = 10_000;

export function idOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes `bytes` to a new file in the store's staging folder, as an upload would. */
export async function stage(store: BlobStore, bytes: Buffer): Promise<string> {
  const path = join(store.stagingDir, randomUUID());
  await writeFile(path, bytes, { mode: 0o600, flag: 'wx', flush: true });
  return path;
}

export async function bytesOf(stream: Readable): Promise<Buffer> {
  return Buffer.concat((await stream.toArray()) as Buffer[]);
}

async function refusal<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E) {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) return expect.fail(`expected ${type.name}, got ${String(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as E;
}

/**
 * The behaviour every BlobStore adapter must have, written only against the port. `open` gives a harness on an empty
 * store used by nothing else until `cleanup`.
 */
export function describeBlobStoreContract(name: string, open: () => Promise<BlobStoreHarness>): void {
  describe(`${name} (BlobStore contract)`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    async function keep(bytes: Buffer): Promise<string> {
      const id = idOf(bytes);
      await store.put(id, await stage(store, bytes));
      return id;
    }

    it('keeps a blob whole under its id and consumes the staged file', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const id = idOf(bytes);
      const staged = await stage(store, bytes);
      await store.put(id, staged);
      expect(existsSync(staged)).toBe(false);
      expect(await store.size(id)).toBe(bytes.length);
      expect((await bytesOf(await store.read(id))).equals(bytes)).toBe(true);
    });

    it('keeps an empty blob', async () => {
      const id = await keep(Buffer.alloc(0));
      expect(await store.size(id)).toBe(0);
      expect(await bytesOf(await store.read(id))).toHaveLength(0);
      await expect(store.read(id, { start: 0, end: 0 })).rejects.toThrow(RangeError);
    });

    it('reads byte ranges, both ends inclusive, an end past the last byte reading to the end', async () => {
      const bytes = randomBytes(100_000);
      const id = await keep(bytes);
      const ranges: [number, number][] = [
        [0, 0],
        [0, 9],
        [1, 1],
        [50_000, 60_000],
        [99_999, 99_999],
        [0, 99_999],
        [99_990, 200_000],
      ];
      for (const [start, end] of ranges) {
        const part = await bytesOf(await store.read(id, { start, end }));
        expect(part.equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
    });

    it('refuses a range that is not one, or starts past the end', async () => {
      const id = await keep(randomBytes(10));
      await expect(store.read(id, { start: 10, end: 20 })).rejects.toThrow(RangeError);
      await expect(store.read(id, { start: 5, end: 4 })).rejects.toThrow(RangeError);
      await expect(store.read(id, { start: -1, end: 4 })).rejects.toThrow(RangeError);
      await expect(store.read(id, { start: 0.5, end: 4 })).rejects.toThrow(RangeError);
    });

    it('answers an absent blob: no size, BlobNotFound on reading (whole or a range)', async () => {
      const id = idOf(randomBytes(8));
      expect(await store.size(id)).toBeUndefined();
      const error = await refusal(store.read(id), BlobNotFound);
      expect(error.id).toBe(id);
      await refusal(store.read(id, { start: 0, end: 1 }), BlobNotFound);
    });

    it('refuses an id that is not a SHA-256 in hex, before touching the storage', async () => {
      const staged = await stage(store, Buffer.from('x'));
      for (const id of ['../../etc/passwd', 'AB'.repeat(32), `${'a'.repeat(63)}/`, '']) {
        await expect(store.put(id, staged)).rejects.toThrow(TypeError);
        await expect(store.size(id)).rejects.toThrow(TypeError);
        await expect(store.read(id)).rejects.toThrow(TypeError);
        await expect(store.delete(id)).rejects.toThrow(TypeError);
      }
      expect(existsSync(staged)).toBe(true);
    });

    it('refuses a staged file outside the staging folder, leaving it', async () => {
      const outside = join(store.stagingDir, '..', `outside-${randomUUID()}`);
      await writeFile(outside, 'x');
      await expect(store.put(idOf(Buffer.from('x')), outside)).rejects.toThrow(/not in the staging folder/);
      expect(existsSync(outside)).toBe(true);
    });

    it('deletes a blob; deleting an absent one is not an error', async () => {
      const kept = randomBytes(1000);
      const id = await keep(kept);
      const other = await keep(randomBytes(1000));
      await store.delete(id);
      expect(await store.size(id)).toBeUndefined();
      await refusal(store.read(id), BlobNotFound);
      await store.delete(id);
      await store.delete(idOf(randomBytes(8)));
      expect(await store.size(other)).toBe(1000);
      // Gone means gone, and the same bytes can be kept again.
      expect(await keep(kept)).toBe(id);
      expect((await bytesOf(await store.read(id))).equals(kept)).toBe(true);
    });

    it('keeps the same bytes put twice as one blob, consuming both staged files', async () => {
      const bytes = randomBytes(50_000);
      const id = idOf(bytes);
      const [first, second] = [await stage(store, bytes), await stage(store, bytes)];
      await store.put(id, first);
      await store.put(id, second);
      expect([existsSync(first), existsSync(second)]).toEqual([false, false]);
      expect(await store.size(id)).toBe(bytes.length);
      expect((await bytesOf(await store.read(id))).equals(bytes)).toBe(true);
    });

    it('takes 8 puts of the same bytes at once: all succeed and one whole blob remains', async () => {
      const bytes = randomBytes(1024 * 1024);
      const id = idOf(bytes);
      const staged = await Promise.all(Array.from({ length: 8 }, () => stage(store, bytes)));
      const outcomes = await Promise.allSettled(staged.map((path) => store.put(id, path)));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(8).fill('fulfilled'));
      expect(staged.filter((path) => existsSync(path))).toEqual([]);
      expect(await store.size(id)).toBe(bytes.length);
      expect((await bytesOf(await store.read(id))).equals(bytes)).toBe(true);
    });

    it('reads a blob while the same bytes are put again', async () => {
      const bytes = randomBytes(2 * 1024 * 1024);
      const id = await keep(bytes);
      const [read] = await Promise.all([
        store.read(id).then(bytesOf),
        store.put(id, await stage(store, bytes)),
        store.put(id, await stage(store, bytes)),
      ]);
      expect(read.equals(bytes)).toBe(true);
    });

    it('shows nothing under the id when the process storing it is killed midway, and keeps it on a retry', async () => {
      const bytes = randomBytes(8 * 1024 * 1024);
      const id = idOf(bytes);
      await harness.crashWhileStoring(bytes);
      expect(await store.size(id)).toBeUndefined();
      await refusal(store.read(id), BlobNotFound);
      expect(await keep(bytes)).toBe(id);
      expect((await bytesOf(await store.read(id))).equals(bytes)).toBe(true);
    });

    it('answers BlobStoreUnavailable within seconds while the storage is unreachable, and works once it is back', async () => {
      const before = randomBytes(5000);
      const id = await keep(before);
      const later = randomBytes(7000);
      const laterId = idOf(later);
      const staged = await stage(store, later);
      await harness.breakStorage();
      const calls: [string, () => Promise<unknown>][] = [
        ['put', () => store.put(laterId, staged)],
        ['size', () => store.size(id)],
        ['read', () => store.read(id)],
        ['read a range', () => store.read(id, { start: 1, end: 2 })],
        ['delete', () => store.delete(id)],
      ];
      for (const [call, run] of calls) {
        const started = performance.now();
        await refusal(run(), BlobStoreUnavailable);
        expect(performance.now() - started, call).toBeLessThan(UNAVAILABLE_WITHIN_MS);
      }
      await harness.repairStorage();
      // The failed put left its staged file for the retry.
      await store.put(laterId, staged);
      expect((await bytesOf(await store.read(laterId))).equals(later)).toBe(true);
      expect((await bytesOf(await store.read(id))).equals(before)).toBe(true);
    });

    it('has a staging folder and says how its files are backed up', () => {
      expect(existsSync(store.stagingDir)).toBe(true);
      expect(store.backupAdvice).toMatch(/files/);
    });
  });
}

const OPEN_BLOB_STORE = fileURLToPath(new URL('../src/files/open-blob-store.ts', import.meta.url));

/** What a storing process does: stage half the bytes and stop there, or stage them all and put them. */
export type StoringStep = 'stage-half' | 'put';

/**
 * Another process storing `bytesFile` in the store at `location`, the way the server would (staged with fsync, then
 * put), saying `staged-half`, `staged` and `kept` on stdout as it goes; after `stage-half` it waits to be killed.
 */
export function startStoringProcess(
  location: { readonly dataDir: string; readonly files: FilesLocation },
  step: StoringStep,
  bytesFile: string,
): { readonly child: ChildProcess; said(line: string): Promise<void>; exited: Promise<unknown> } {
  const script = `
    const { openBlobStore } = await import(${JSON.stringify(OPEN_BLOB_STORE)});
    const { createHash, randomUUID } = await import('node:crypto');
    const { open, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const store = openBlobStore(${JSON.stringify(location)});
    const bytes = await readFile(${JSON.stringify(bytesFile)});
    const staged = join(store.stagingDir, randomUUID());
    const file = await open(staged, 'wx', 0o600);
    const half = ${JSON.stringify(step)} === 'stage-half';
    await file.write(half ? bytes.subarray(0, bytes.length >> 1) : bytes);
    await file.sync();
    await file.close();
    if (half) {
      console.log('staged-half');
      setInterval(() => {}, 60_000);
    } else {
      console.log('staged');
      await store.put(createHash('sha256').update(bytes).digest('hex'), staged);
      console.log('kept');
    }
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines: string[] = [];
  const waiting = new Map<string, () => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiting.get(line)?.();
  });
  return {
    child,
    exited,
    said: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiting.set(line, resolve)),
            exited.then((code) => expect.fail(`the storing process exited (${String(code)}) before saying ${line}`)),
          ]),
  };
}
