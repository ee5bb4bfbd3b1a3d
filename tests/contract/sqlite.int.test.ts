import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore, type SqliteEventStoreOptions, WrongExpectedVersion } from '@qingmiao/event-store';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeEventStoreContract } from './event-store-contract.ts';
import { expectWrongVersion, ids, newEvents, Recorder, range, streamName } from './helpers.ts';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'qingmiao-event-store-'));
}

describeEventStoreContract('SqliteEventStore', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore({ path: path.join(dir, 'events.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteEventStore on a file', () => {
  let dir: string;
  let file: string;
  let opened: SqliteEventStore[];

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'events.db');
    opened = [];
  });

  afterEach(async () => {
    for (const store of opened) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function openStore(options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore {
    const store = new SqliteEventStore({ path: file, pollIntervalMs: 5, ...options });
    opened.push(store);
    return store;
  }

  it('runs its connection in WAL mode with synchronous=FULL', () => {
    // synchronous is a setting of each connection, so only the store's own connection can show it (the writer
    // thread's connection, which appends, is set up the same way in sqlite-writer.ts).
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    try {
      openStore();
      const connection = pragma.mock.contexts[0] as Database.Database | undefined;
      if (!connection) throw new Error('the store issued no pragma');
      expect(connection.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(connection.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(connection.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    } finally {
      pragma.mockRestore();
    }
    const direct = new Database(file, { readonly: true });
    try {
      expect(direct.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      direct.close();
    }
  });

  it('keeps acknowledged events across close and reopen', async () => {
    const stream = streamName();
    const first = openStore();
    const result = await first.append(stream, newEvents(3), { expectedRevision: 'no_stream' });
    const log = await first.readAll();
    await first.close();

    const reopened = openStore();
    expect(await reopened.readAll()).toEqual(log);
    expect(await reopened.headPosition()).toEqual(result.position);
    await expectWrongVersion(reopened.append(stream, newEvents(1), { expectedRevision: 'no_stream' }), 2);
    const next = await reopened.append(stream, newEvents(1), { expectedRevision: 2 });
    expect(next.position.commit).toBeGreaterThan(result.position.commit);
  });

  it('commits appends still queued when it is closed', async () => {
    const store = openStore();
    const stream = streamName();
    const events = newEvents(2);
    const pending = store.append(stream, events, { expectedRevision: 'no_stream' });
    await store.close();
    expect((await pending).nextExpectedRevision).toBe(1);
    await expect(store.append(stream, newEvents(1), { expectedRevision: 'any' })).rejects.toThrow(/closed/);
    expect(ids(await openStore().readStream(stream))).toEqual(ids(events));
  });

  it('orders appends of two stores on one file by their expected revisions', async () => {
    const [a, b] = [openStore(), openStore()];
    const stream = streamName();
    await a.append(stream, newEvents(2), { expectedRevision: 'no_stream' });
    await expectWrongVersion(b.append(stream, newEvents(1), { expectedRevision: 'no_stream' }), 1);
    await b.append(stream, newEvents(1), { expectedRevision: 1 });
    await expectWrongVersion(a.append(stream, newEvents(1), { expectedRevision: 1 }), 2);

    const outcomes = await Promise.allSettled(
      range(0, 6).map((i) => (i % 2 ? a : b).append(stream, newEvents(1), { expectedRevision: 2 })),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WrongExpectedVersion);
    }
    const log = await a.readAll();
    expect(await b.readAll()).toEqual(log);
    expect(log.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
  });

  it("delivers another store's commits on the same file to a subscription", async () => {
    const [reader, writer] = [openStore(), openStore()];
    await writer.append(streamName(), newEvents(2), { expectedRevision: 'no_stream' });
    const recorder = new Recorder(reader.subscribeAll());
    try {
      await recorder.untilCaughtUp();
      expect(recorder.events).toHaveLength(2);
      await writer.append(streamName(), newEvents(1), { expectedRevision: 'no_stream' });
      await recorder.untilEvents(3);
      await reader.append(streamName(), newEvents(1), { expectedRevision: 'no_stream' });
      await writer.append(streamName(), newEvents(2), { expectedRevision: 'no_stream' });
      await recorder.untilEvents(6);
      expect(recorder.events).toEqual(await writer.readAll());
    } finally {
      await recorder.close();
    }
  });
});
