import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteEventStore } from '@qingmiao/event-store';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projections } from '../src/read-models/index.ts';
import { ProjectionRunner } from '../src/runner.ts';
import { WalCheckpointer } from '../src/wal-checkpointer.ts';
import { ORGANIZER, toAppend } from './to-append.ts';

let dir: string;
let store: SqliteEventStore;
let path: string;
let runner: ProjectionRunner | undefined;
let schools = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-checkpointer-'));
  store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
  path = join(dir, 'read-models.db');
  schools = 0;
});

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Registers one more school and waits until the read models hold it: one durable projection transaction. */
async function registerSchool(started: ProjectionRunner): Promise<void> {
  schools++;
  const schoolId = `school-${schools}`;
  const data = { schoolId, name: `第${schools}小学`, kind: 'PRIMARY' as const, town: '城关镇', private: false };
  const { position } = await store.append(
    `school-${schoolId}`,
    [toAppend({ type: 'SchoolRegistered', data }, ORGANIZER, Date.parse('2022-04-01T00:00:00Z'))],
    { expectedRevision: 'any' },
  );
  await started.waitFor(position);
}

/**
 * The WAL header's checkpoint sequence number (bytes 12–15): SQLite increments it each time a writer restarts the
 * WAL from its beginning, which it does only once a checkpoint has copied every frame back into the database.
 */
function walRestarts(file: string): number {
  const header = Buffer.alloc(16);
  const fd = openSync(`${file}-wal`, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(12);
}

async function startedRunner(): Promise<ProjectionRunner> {
  const started = new ProjectionRunner({ store, path, projections });
  runner = started;
  await started.start();
  return started;
}

describe('the read models’ WAL checkpointer', () => {
  it('checkpoints the WAL in its own thread while the projection’s connection never does', async () => {
    const started = await startedRunner();
    await registerSchool(started);
    expect(started.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const until = Date.now() + 10_000;
    while (walRestarts(path) === 0 && Date.now() < until) {
      await sleep(50);
      await registerSchool(started);
    }
    expect(walRestarts(path)).toBeGreaterThan(0);
    expect(started.db.prepare('SELECT count(*) FROM schools').pluck().get()).toBe(schools);
  });

  it('empties the WAL on request while the thread checkpoints, and the read models keep every row', async () => {
    const started = await startedRunner();
    for (let i = 0; i < 20; i++) await registerSchool(started);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    await Promise.all([started.emptyWal(), registerSchool(started)]);
    await started.emptyWal();
    expect(statSync(`${path}-wal`).size).toBe(0);
    const reader = new Database(path, { readonly: true });
    try {
      expect(reader.prepare('SELECT count(*) FROM schools').pluck().get()).toBe(schools);
    } finally {
      reader.close();
    }
  });

  it('ends its thread before the runner closes the file, so the last connection removes the WAL', async () => {
    const started = await startedRunner();
    await registerSchool(started);
    expect(existsSync(`${path}-wal`)).toBe(true);
    await started.stop();
    runner = undefined;
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('hands the checkpoints back to the connection when its thread fails', async () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x TEXT)');
    const failures: Error[] = [];
    const checkpointer = new WalCheckpointer(db, join(dir, 'missing', 'read-models.db'), {
      onFailure: (error) => failures.push(error),
    });
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const until = Date.now() + 10_000;
      while (checkpointer.running && Date.now() < until) await sleep(20);
      expect(checkpointer.running).toBe(false);
      expect(failures.map((error) => error.message).join()).toMatch(/unable to open|does not exist|directory/);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      db.prepare('INSERT INTO t VALUES (?)').run('still written');
      await checkpointer.empty();
      expect(statSync(`${path}-wal`).size).toBe(0);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });
});
