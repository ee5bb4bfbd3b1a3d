import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuplicateEventIds, WrongExpectedVersion } from '../src/errors.ts';
import type { EventToAppend } from '../src/port.ts';
import { SqliteEventStore } from '../src/sqlite-event-store.ts';

const event = (): EventToAppend => ({ id: randomUUID(), type: 'Noted', data: { n: 1 }, metadata: {} });
const ids = (events: readonly { id: string }[]) => events.map((e) => e.id);

let dir: string;
let stores: SqliteEventStore[];

function openStore(): SqliteEventStore {
  const store = new SqliteEventStore({ path: join(dir, 'events.db') });
  stores.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-write-path-'));
  stores = [];
});

afterEach(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteEventStore write path', () => {
  it('undoes a refused append that was alone in its transaction and releases the write lock', async () => {
    const [first, other] = [openStore(), openStore()];
    const earlier = [event()];
    await first.append('s', earlier, { expectedRevision: 'no_stream' });
    // The first event is inserted before the duplicate is found: the rollback must take it back.
    await expect(first.append('s', [event(), ...earlier], { expectedRevision: 0 })).rejects.toBeInstanceOf(
      DuplicateEventIds,
    );
    await expect(first.append('s', [event()], { expectedRevision: 5 })).rejects.toBeInstanceOf(WrongExpectedVersion);
    const later = [event()];
    expect(await other.append('s', later, { expectedRevision: 0 })).toMatchObject({ nextExpectedRevision: 1 });
    expect(ids(await first.readStream('s'))).toEqual(ids([...earlier, ...later]));
  });

  it('checks each of the appends sharing a transaction against the ones before it', async () => {
    const store = openStore();
    const chained = [[event()], [event(), event()], [event()]];
    const outcomes = await Promise.allSettled([
      store.append('s', chained[0] ?? [], { expectedRevision: 'no_stream' }),
      store.append('s', chained[1] ?? [], { expectedRevision: 0 }),
      store.append('s', [event()], { expectedRevision: 0 }),
      store.append('s', [event(), ...(chained[0] ?? [])], { expectedRevision: 'any' }),
      store.append('s', chained[2] ?? [], { expectedRevision: 2 }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    const results = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(results.map((result) => result.nextExpectedRevision)).toEqual([0, 2, 3]);
    const stored = await store.readStream('s');
    expect(ids(stored)).toEqual(ids(chained.flat()));
    expect(results.map((result) => result.position)).toEqual([0, 2, 3].map((i) => stored[i]?.position));
  });

  it('commits the appends issued before close, then refuses new ones', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    const told: Error[] = [];
    store.onWriterStopped((error) => told.push(error));
    const written = Array.from({ length: 20 }, () => [event()]);
    const appends = written.map((events) => store.append('s', events, { expectedRevision: 'any' }));
    await store.close();
    expect((await Promise.all(appends)).map((result) => result.nextExpectedRevision)).toEqual(written.map((_, i) => i));
    await expect(store.append('s', [event()], { expectedRevision: 'any' })).rejects.toThrow(/closed/);
    // Closing hands the thread back to the idle pool (or ends it): no failure to report.
    expect(told).toEqual([]);
    const reopened = openStore();
    expect(ids(await reopened.readStream('s'))).toEqual(ids(written.flat()));
  });

  it('fails every waiting and later append once its writer thread stops, and the file stays whole for the next store', async () => {
    // The store keeps its writer thread to itself: found as the `this` of the first message sent to it.
    const sent = vi.spyOn(Worker.prototype, 'postMessage');
    const store = openStore();
    const first = [event()];
    await store.append('s', first, { expectedRevision: 'no_stream' });
    const writer = sent.mock.contexts[0] as Worker;
    sent.mockRestore();
    const told: Error[] = [];
    store.onWriterStopped((error) => told.push(error));
    const waiting = Array.from({ length: 20 }, () => [event()]);
    const outcomes = Promise.allSettled(
      waiting.map((events) => store.append('s', events, { expectedRevision: 'any' })),
    );
    await writer.terminate();
    const settled = await outcomes;
    const stopped = /writer thread for .* stopped \(it exited with code 1\).*may or may not have been committed/;
    for (const outcome of settled) {
      if (outcome.status === 'rejected') expect(String(outcome.reason)).toMatch(stopped);
    }
    await expect(store.append('s', [event()], { expectedRevision: 'any' })).rejects.toThrow(stopped);
    expect(told.map(String)).toEqual([expect.stringMatching(stopped)]);

    // A commit the thread had begun is either in the log whole or not at all, and nothing holds the write lock.
    const reopened = openStore();
    const stored = ids(await reopened.readStream('s'));
    const acknowledged = waiting.filter((_, i) => settled[i]?.status === 'fulfilled').flat();
    expect(stored.slice(0, 1)).toEqual(ids(first));
    expect(ids(acknowledged).every((id) => stored.includes(id))).toBe(true);
    expect(stored.slice(1).every((id) => ids(waiting.flat()).includes(id))).toBe(true);
    expect(new Set(stored).size).toBe(stored.length);
    const later = [event()];
    await reopened.append('s', later, { expectedRevision: stored.length - 1 });
    expect(ids(await reopened.readStream('s'))).toEqual([...stored, ...ids(later)]);
  });
});
