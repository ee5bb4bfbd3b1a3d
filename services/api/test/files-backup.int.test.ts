import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SqliteEventStore } from '@qingmiao/event-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesDir } from '../src/files/blob-layout.ts';
import type { BlobStore } from '../src/files/blob-store.ts';
import { openFolderBlobStore } from '../src/files/folder-blob-store.ts';
import { bytesOf, idOf, stage } from './blob-store.contract.ts';

const API = fileURLToPath(new URL('..', import.meta.url));

/** `qingmiao …` as its own process on a data dir, the way `npm run qingmiao` runs it. */
async function qingmiao(dataDir: string, args: string[], env: Record<string, string> = {}) {
  const environment = { ...process.env, DEBUG: '', QINGMIAO_DATA_DIR: dataDir, ...env };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: API,
      env: environment,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The files under a folder, relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

const layout = (id: string) => join(id.slice(0, 2), id.slice(2, 4), id);

// Each test starts the CLI once or more (a few seconds each on a loaded machine).
describe('qingmiao backup, restore and export with files', { timeout: 120_000 }, () => {
  let dir: string;
  let dataDir: string;
  let store: BlobStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qingmiao-files-backup-'));
    dataDir = join(dir, 'data');
    const events = new SqliteEventStore({ path: join(dataDir, 'events.db') });
    await events.append('campaign-1', [{ id: crypto.randomUUID(), type: 'Tested', data: {}, metadata: {} }], {
      expectedRevision: 'no_stream',
    });
    await events.close();
    store = openFolderBlobStore(dataDir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function keep(bytes: Buffer): Promise<string> {
    const id = idOf(bytes);
    await store.put(id, await stage(store, bytes));
    return id;
  }

  it('copies the finished files beside the event backup, leaving staging and strays, and restores them', async () => {
    const blobs = [randomBytes(100_000), Buffer.from('作品'), Buffer.alloc(0)];
    const ids = await Promise.all(blobs.map(keep));
    await stage(store, Buffer.from('an upload on its way'));
    writeFileSync(join(filesDir(dataDir), 'notes.txt'), 'not a blob');
    const backup = join(dir, 'backup.db');

    const made = await qingmiao(dataDir, ['backup', '--to', backup]);
    expect(made).toEqual({
      code: 0,
      stdout:
        `backed up 1 events to ${backup}\n` +
        `backed up 3 files (${100_000 + 6} bytes) from ${filesDir(dataDir)} to ${backup}.files\n`,
      stderr: '',
    });
    expect(filesUnder(`${backup}.files`)).toEqual(ids.map(layout).sort());
    for (const [i, id] of ids.entries()) expect(readFileSync(join(`${backup}.files`, layout(id)))).toEqual(blobs[i]);

    // Into a fresh data dir: the events, and the files the store lacks.
    const elsewhere = join(dir, 'elsewhere');
    const other = openFolderBlobStore(elsewhere);
    await other.put(ids[1] ?? '', await stage(other, blobs[1] ?? Buffer.alloc(0)));
    const restored = await qingmiao(elsewhere, ['restore', '--from', backup]);
    expect(restored.stdout).toBe(
      `restored 1 events from ${backup}; read models will be rebuilt at start\n` +
        `restored 2 files (100000 bytes) from ${backup}.files; 1 were there already\n`,
    );
    for (const [i, id] of ids.entries())
      expect((await bytesOf(await other.read(id))).equals(blobs[i] ?? Buffer.alloc(1))).toBe(true);
    expect(readdirSync(other.stagingDir)).toEqual([]);
  });

  it('takes a consistent copy while another process keeps putting files', async () => {
    const source = fileURLToPath(new URL('../src/files/folder-blob-store.ts', import.meta.url));
    const script = `
      const { openFolderBlobStore } = await import(${JSON.stringify(source)});
      const { createHash, randomBytes, randomUUID } = await import('node:crypto');
      const { writeFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const store = openFolderBlobStore(${JSON.stringify(dataDir)});
      for (;;) {
        const bytes = randomBytes(Math.floor(Math.random() * 512 * 1024));
        const staged = join(store.stagingDir, randomUUID());
        await writeFile(staged, bytes);
        await store.put(createHash('sha256').update(bytes).digest('hex'), staged);
        console.log(createHash('sha256').update(bytes).digest('hex'));
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const closed = new Promise((resolve) => child.once('close', resolve));
    const reported: string[] = [];
    createInterface({ input: child.stdout }).on('line', (id) => reported.push(id));
    try {
      while (reported.length < 10) await new Promise((resolve) => setTimeout(resolve, 10));
      const before = [...reported];
      const backup = join(dir, 'live.db');
      const made = await qingmiao(dataDir, ['backup', '--to', backup]);
      expect(made.code, made.stderr).toBe(0);
      const copied = filesUnder(`${backup}.files`);
      for (const file of copied)
        expect(idOf(readFileSync(join(`${backup}.files`, file))), file).toBe(file.split('/')[2]);
      expect(before.map(layout).filter((file) => !copied.includes(file))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await closed;
    }
  });

  it('copies what is intact, then fails naming the files whose bytes no longer match their id', async () => {
    const intact = await keep(Buffer.from('intact'));
    const damaged = await keep(Buffer.from('will rot'));
    writeFileSync(join(filesDir(dataDir), layout(damaged)), 'has rotted');
    const backup = join(dir, 'backup.db');
    const made = await qingmiao(dataDir, ['backup', '--to', backup]);
    expect(made.code).toBe(1);
    expect(made.stderr).toBe(
      `backup: 1 files are damaged (their bytes no longer hash to their id) and were left out: ${damaged}; ` +
        'the events and 1 other files are backed up\n',
    );
    expect(filesUnder(`${backup}.files`)).toEqual([layout(intact)]);
  });

  it('refuses to back files up into a folder that exists', async () => {
    const backup = join(dir, 'backup.db');
    writeFileSync(join(dir, 'backup.db.files'), '');
    const made = await qingmiao(dataDir, ['backup', '--to', backup]);
    expect(made.stderr).toBe(`backup: ${backup}.files exists; choose a new backup file\n`);
    expect(made.code).toBe(1);
  });

  it('says so when no file was ever kept', async () => {
    rmSync(filesDir(dataDir), { recursive: true });
    const backup = join(dir, 'backup.db');
    const made = await qingmiao(dataDir, ['backup', '--to', backup]);
    expect(made.stdout).toBe(`backed up 1 events to ${backup}\nno files in ${filesDir(dataDir)} to back up\n`);
    expect(existsSync(`${backup}.files`)).toBe(false);
  });

  it('says where the folder keeps files when exporting', async () => {
    const exported = await qingmiao(dataDir, ['export', '--to', join(dir, 'log.jsonl')]);
    expect(exported.stdout.split('\n')[1]).toBe(
      `files are kept in ${filesDir(dataDir)}, outside the event log: \`qingmiao backup --to FILE\` copies them ` +
        'to FILE.files (back that folder up with the file)',
    );
  });

  it('leaves an S3 bucket to its own replication, and says so in backup, export and restore', async () => {
    const s3 = {
      QINGMIAO_FILES: 's3://qingmiao-files?endpoint=http://127.0.0.1:9&region=us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const advice =
      'files are kept in the S3 bucket qingmiao-files (http://127.0.0.1:9), not copied by `qingmiao backup`: ' +
      "the operator must configure the bucket's own versioning and replication to back them up";
    const backup = join(dir, 'backup.db');
    const [made, exported] = await Promise.all([
      qingmiao(dataDir, ['backup', '--to', backup], s3),
      qingmiao(dataDir, ['export', '--to', join(dir, 'log.jsonl')], s3),
    ]);
    expect(made).toEqual({ code: 0, stdout: `backed up 1 events to ${backup}\n${advice}\n`, stderr: '' });
    expect(existsSync(`${backup}.files`)).toBe(false);
    expect(exported.stdout.split('\n')[1]).toBe(advice);
    const restored = await qingmiao(dataDir, ['restore', '--from', backup], s3);
    expect(restored.stdout.split('\n')[1]).toBe(`no ${backup}.files beside the backup: files are left as they are`);
  });
});
