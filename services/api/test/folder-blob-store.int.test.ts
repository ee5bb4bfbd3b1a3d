import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesDir } from '../src/files/blob-layout.ts';
import { openFolderBlobStore } from '../src/files/folder-blob-store.ts';
import { STALE_STAGED_MS } from '../src/files/staging.ts';
import { describeBlobStoreContract, idOf, stage, startStoringProcess } from './blob-store.contract.ts';

const FOLDER = { kind: 'folder' } as const;

describeBlobStoreContract('folder', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'qingmiao-folder-blobs-'));
  const store = openFolderBlobStore(dataDir);
  const root = filesDir(dataDir);
  return {
    store,
    async crashWhileStoring(bytes) {
      const bytesFile = join(dataDir, 'bytes');
      writeFileSync(bytesFile, bytes);
      const storing = startStoringProcess({ dataDir, files: FOLDER }, 'stage-half', bytesFile);
      await storing.said('staged-half');
      storing.child.kill('SIGKILL');
      await storing.exited;
    },
    async breakStorage() {
      renameSync(root, `${root}.away`);
    },
    async repairStorage() {
      renameSync(`${root}.away`, root);
    },
    async cleanup() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

/** Every blob file under the store's folder (staging aside), by its path relative to it. */
function blobFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !relative(root, entry.parentPath).startsWith('.staging'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe('folder blob store on disk', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'qingmiao-folder-blobs-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lays blobs out as ab/cd/<id> under <dataDir>/files, owner only, staging in files/.staging', async () => {
    const store = openFolderBlobStore(dataDir);
    const bytes = Buffer.from('青苗 essay');
    const id = idOf(bytes);
    // Staged readable by all, as a careless uploader might: the kept blob is the owner's only all the same.
    const staged = join(store.stagingDir, 'upload');
    writeFileSync(staged, bytes, { mode: 0o644 });
    await store.put(id, staged);
    const root = filesDir(dataDir);
    expect(store.stagingDir).toBe(join(root, '.staging'));
    expect(blobFiles(root)).toEqual([join(id.slice(0, 2), id.slice(2, 4), id)]);
    expect(readFileSync(join(root, id.slice(0, 2), id.slice(2, 4), id))).toEqual(bytes);
    expect(statSync(join(root, id.slice(0, 2), id.slice(2, 4), id)).mode & 0o777).toBe(0o600);
    for (const dir of [
      root,
      store.stagingDir,
      join(root, id.slice(0, 2)),
      join(root, id.slice(0, 2), id.slice(2, 4)),
    ]) {
      expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    }
    expect(store.backupAdvice).toContain(root);
  });

  it('removes staged files over a day old when opened, and keeps younger ones (another process may be writing)', async () => {
    const store = openFolderBlobStore(dataDir);
    const old = await stage(store, Buffer.from('left by a crash'));
    const young = await stage(store, Buffer.from('being uploaded'));
    const aDayAgo = (Date.now() - STALE_STAGED_MS - 60_000) / 1000;
    utimesSync(old, aDayAgo, aDayAgo);
    openFolderBlobStore(dataDir);
    expect(readdirSync(store.stagingDir).sort()).toEqual([relative(store.stagingDir, young)]);
    // A day later, the younger one is a leftover too.
    openFolderBlobStore(dataDir, Date.now() + STALE_STAGED_MS + 60_000);
    expect(readdirSync(store.stagingDir)).toEqual([]);
  });

  it('treats an unusable folder (a file where a shard folder belongs) as unavailable storage', async () => {
    const store = openFolderBlobStore(dataDir);
    const bytes = Buffer.from('x');
    const id = idOf(bytes);
    writeFileSync(join(filesDir(dataDir), id.slice(0, 2)), 'not a folder');
    await expect(store.put(id, await stage(store, bytes))).rejects.toThrow(/file storage is unavailable/);
    await expect(store.size(id)).rejects.toThrow(/file storage is unavailable/);
    await expect(store.read(id)).rejects.toThrow(/file storage is unavailable/);
  });

  /**
   * Another process keeps staging and putting blobs (fsync, rename). It is frozen (SIGSTOP) at a hundred arbitrary
   * moments, each freeze being what a crash at that moment would leave on disk, and finally killed with SIGKILL: at
   * every look, each file under a final name is whole (its bytes hash to its name), and every blob it reported kept
   * is there. (A kill cannot lose what the kernel holds; fsync guards against power loss, which no test here causes.)
   */
  it('never shows a half file under a final name, whenever the putting process stops or is killed', async () => {
    const root = filesDir(dataDir);
    const source = fileURLToPath(new URL('../src/files/folder-blob-store.ts', import.meta.url));
    const script = `
      const { openFolderBlobStore } = await import(${JSON.stringify(source)});
      const { createHash, randomBytes, randomUUID } = await import('node:crypto');
      const { writeFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const store = openFolderBlobStore(${JSON.stringify(dataDir)});
      for (;;) {
        const bytes = randomBytes(64 * 1024 + Math.floor(Math.random() * 1024 * 1024));
        const staged = join(store.stagingDir, randomUUID());
        await writeFile(staged, bytes, { flush: true });
        const id = createHash('sha256').update(bytes).digest('hex');
        await store.put(id, staged);
        console.log(id);
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // 'close', not 'exit': the lines it wrote before dying are all read by then.
    const closed = new Promise((resolve) => child.once('close', resolve));
    const pid = child.pid ?? expect.fail('no child process');
    const reported: string[] = [];
    createInterface({ input: child.stdout }).on('line', (id) => reported.push(id));
    const whole = new Set<string>();
    const expectWhole = (fresh: boolean) => {
      for (const file of blobFiles(root)) {
        const id = file.split('/').at(-1) ?? '';
        if (fresh && whole.has(id)) continue;
        expect(file).toBe(join(id.slice(0, 2), id.slice(2, 4), id));
        expect(idOf(readFileSync(join(root, file))), file).toBe(id);
        whole.add(id);
      }
    };
    const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    while (reported.length < 5) await setTimeout(10);
    for (let look = 0; look < 100; look++) {
      await setTimeout(Math.random() * 15);
      process.kill(pid, 'SIGSTOP');
      while (state() !== 'T') await setTimeout(1);
      expectWhole(true);
      process.kill(pid, 'SIGCONT');
    }
    await setTimeout(Math.random() * 15);
    child.kill('SIGKILL');
    await closed;
    expectWhole(false);
    expect(reported.length).toBeGreaterThan(5);
    expect(reported.filter((id) => !whole.has(id))).toEqual([]);
  });
});
