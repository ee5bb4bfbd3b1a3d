import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  copyLog,
  digestLog,
  type EventStore,
  KurrentDbEventStore,
  type RecordedEvent,
  readJsonLines,
  readLog,
  SqliteEventStore,
  writeJsonLines,
} from '@qingmiao/event-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KurrentDbTestDouble } from '../kurrentdb-double/kurrentdb-test-double.ts';
import { runCli } from '../support/cli-process.ts';

let dir: string;
let double: KurrentDbTestDouble;
let opened: EventStore[];

beforeEach(async () => {
  // Durable SQLite files cost an fsync per append; these tests are about order and content, not durability.
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'qingmiao-migration-'));
  double = await KurrentDbTestDouble.start({ positionOffset: 2n ** 53n });
  opened = [];
});

afterEach(async () => {
  for (const store of opened) await store.close();
  await double.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sqlite(name: string): SqliteEventStore {
  const store = new SqliteEventStore({ path: join(dir, name) });
  opened.push(store);
  return store;
}

function kurrent(): KurrentDbEventStore {
  const store = new KurrentDbEventStore({ connectionString: double.url });
  opened.push(store);
  return store;
}

/**
 * A year of a bureau's log in miniature, in Chinese: schools and campaigns written concurrently, so that their events
 * interleave in the log, one write longer than a copy's batch, and more than a page of events in all.
 */
async function seed(store: EventStore): Promise<void> {
  const event = (i: number, n: number) => ({
    id: randomUUID(),
    type: n % 2 ? 'EntrySubmitted' : 'LectureDelivered',
    data: { title: `爷爷的勋章 第${i}篇`, participants: [{ name: '李小明', grade: '五年级' }], audience: i * n },
    metadata: { actor: `contact-${i % 7}`, role: 'school', correlationId: randomUUID(), nested: { ok: true } },
  });
  const streams = ['school-tc-shiyan', 'school-tc-loudong', 'campaign-xunzhang-2022', 'campaign-dangshi-2022'];
  await Promise.all(
    streams.map(async (stream, s) => {
      let revision = -1;
      for (let i = 0; i < 30; i++) {
        const count = 1 + ((i + s) % 9);
        const events = Array.from({ length: count }, (_, n) => event(i, n));
        await store.append(stream, events, { expectedRevision: revision < 0 ? 'no_stream' : revision });
        revision += count;
      }
    }),
  );
  const roll = Array.from({ length: 600 }, (_, n) => event(n, n));
  await store.append('campaign-roll-call', roll, { expectedRevision: 'no_stream' });
}

/** Everything a copy must keep: all but the position and the creation stamp, which each store assigns. */
function content(events: readonly RecordedEvent[]) {
  return events.map(({ id, stream, revision, type, data, metadata }) => ({
    id,
    stream,
    revision,
    type,
    data,
    metadata,
  }));
}

async function all(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of readLog(store)) events.push(event);
  return events;
}

/** A store whose appends fail after the first few, like a copy killed midway. */
function interruptedAfter(store: EventStore, appends: number): EventStore {
  let left = appends;
  return {
    append: (...args) => (left-- > 0 ? store.append(...args) : Promise.reject(new Error('interrupted'))),
    readStream: (...args) => store.readStream(...args),
    readAll: (...args) => store.readAll(...args),
    headPosition: () => store.headPosition(),
    subscribeAll: (...args) => store.subscribeAll(...args),
    close: () => store.close(),
  };
}

describe('copying the log between stores', () => {
  it('copies SQLite → KurrentDB → SQLite with the same ids, order, revisions, types, data and metadata', async () => {
    const source = sqlite('source.db');
    await seed(source);
    const original = await all(source);
    expect(original.length).toBeGreaterThan(1000);

    const target = kurrent();
    expect(await copyLog(readLog(source), target)).toEqual({ skipped: 0, copied: original.length });
    const back = sqlite('back.db');
    expect(await copyLog(readLog(target), back)).toEqual({ skipped: 0, copied: original.length });

    const [onKurrent, roundTripped] = [await all(target), await all(back)];
    expect(content(onKurrent)).toEqual(content(original));
    expect(content(roundTripped)).toEqual(content(original));
    expect(await double.userEvents()).toHaveLength(original.length);
    const digest = await digestLog(readLog(source));
    expect(await digestLog(readLog(target))).toEqual(digest);
    expect(await digestLog(readLog(back))).toEqual(digest);
  });

  it('resumes an interrupted copy where it stopped and refuses a target holding anything else', async () => {
    const source = sqlite('source.db');
    await seed(source);
    const original = await all(source);
    const target = kurrent();

    await expect(copyLog(readLog(source), interruptedAfter(target, 60))).rejects.toThrow('interrupted');
    const partial = (await double.userEvents()).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(original.length);

    expect(await copyLog(readLog(source), target)).toEqual({ skipped: partial, copied: original.length - partial });
    expect(content(await all(target))).toEqual(content(original));
    expect(await copyLog(readLog(source), target)).toEqual({ skipped: original.length, copied: 0 });
    expect(await double.userEvents()).toHaveLength(original.length);

    const foreign = sqlite('foreign.db');
    await foreign.append('school-other', [{ id: randomUUID(), type: 'SchoolRegistered', data: {}, metadata: {} }], {
      expectedRevision: 'no_stream',
    });
    await expect(copyLog(readLog(source), foreign)).rejects.toThrow(/neither empty nor a partial copy/);
    expect(await all(foreign)).toHaveLength(1);
    await expect(copyLog(readLog(sqlite('empty.db')), target)).rejects.toThrow(/target has events the source does not/);
  });

  it('exports the log as JSON Lines and imports it into an empty store, identical', async () => {
    const source = kurrent();
    await seed(source);
    const file = join(dir, 'backup.jsonl');
    const exported = await writeJsonLines(readLog(source), file);
    const original = await all(source);
    expect(exported).toBe(original.length);

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(original.length);
    const first = JSON.parse(lines[0] ?? '');
    expect(Object.keys(first)).toEqual(['stream', 'revision', 'id', 'type', 'data', 'metadata', 'created']);
    expect(first).toMatchObject({ ...content(original)[0], created: original[0]?.created });

    const restored = sqlite('restored.db');
    expect(await copyLog(readJsonLines(file), restored)).toEqual({ skipped: 0, copied: original.length });
    expect(content(await all(restored))).toEqual(content(original));
    expect(await digestLog(readJsonLines(file))).toEqual(await digestLog(readLog(source)));

    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, `${lines[0]}\n${JSON.stringify({ ...first, data: 'text' })}\n`);
    await expect(copyLog(readJsonLines(broken), sqlite('broken.db'))).rejects.toThrow(
      'line 2: data must be a JSON object',
    );
  });

  it('runs qingmiao migrate, export and import from the command line', async () => {
    const source = sqlite('source.db');
    await seed(source);
    const digest = await digestLog(readLog(source));
    const backup = join(dir, 'backup.jsonl');
    await writeJsonLines(readLog(source), backup);
    const url = `kurrentdb://127.0.0.1:${double.port}?tls=false`;
    const qingmiao = async (...args: string[]) => {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };

    // Independent of each other, so they run side by side (each process loads the whole CLI).
    const [migrated, exported, imported] = await Promise.all([
      qingmiao('migrate', '--from', `sqlite:${join(dir, 'source.db')}`, '--to', url),
      qingmiao('export', '--from', `sqlite:${join(dir, 'source.db')}`, '--to', join(dir, 'export.jsonl')),
      qingmiao('import', '--from', backup, '--to', `sqlite:${join(dir, 'imported.db')}`),
    ]);
    const events = digest.events;
    expect(migrated).toContain(
      `migrated ${events} events (0 already there, ${events} copied), sha256 ${digest.sha256}`,
    );
    expect(exported).toContain(`exported ${events} events to ${join(dir, 'export.jsonl')}, sha256 ${digest.sha256}`);
    expect(imported).toContain(
      `imported ${events} events (0 already there, ${events} copied), sha256 ${digest.sha256}`,
    );
    expect(await digestLog(readLog(kurrent()))).toEqual(digest);
    expect(await digestLog(readJsonLines(join(dir, 'export.jsonl')))).toEqual(digest);
    expect(await digestLog(readLog(sqlite('imported.db')))).toEqual(digest);
  });
});
