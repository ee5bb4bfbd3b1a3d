import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessLog, type AccessLogOptions, accessLogFile } from '../src/access-log.ts';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1, 0, 0, 0);

let parent: string;
let dataDir: string;
const opened: AccessLog[] = [];

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'qingmiao-access-log-'));
  dataDir = join(parent, 'data');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((log) => log.close()));
  rmSync(parent, { recursive: true, force: true });
});

/** An access log on a real file in the data dir, on a clock the test moves. */
function open(options: Partial<AccessLogOptions> = {}) {
  const clock = { now: START };
  const log = new AccessLog({
    file: accessLogFile(dataDir),
    retentionDays: 180,
    failuresPerMinute: 60,
    pruneEveryMs: 0,
    now: () => clock.now,
    ...options,
  });
  opened.push(log);
  return { log, clock };
}

const everything = { from: new Date(0), to: new Date(START + 1000 * DAY), limit: 1_000_000 };

describe('access log on a real SQLite file', () => {
  it('lists entries in [from, to), of one actor when asked, newest first, at most limit', () => {
    const { log, clock } = open();
    for (const [minutes, actor] of [
      [0, 'wang'],
      [1, 'li'],
      [2, 'wang'],
      [3, 'zhao'],
    ] as const) {
      clock.now = START + minutes * 60_000;
      log.record({ actor, role: 'organizer', action: 'SIGN_IN', address: '10.0.0.1' });
    }
    const at = (minutes: number) => new Date(START + minutes * 60_000);
    expect(log.list({ from: at(0), to: at(3), limit: 10 }).map((e) => [e.at, e.actor])).toEqual([
      [at(2).toISOString(), 'wang'],
      [at(1).toISOString(), 'li'],
      [at(0).toISOString(), 'wang'],
    ]);
    expect(log.list({ from: at(0), to: at(10), actor: 'wang', limit: 10 }).map((e) => e.at)).toEqual([
      at(2).toISOString(),
      at(0).toISOString(),
    ]);
    expect(log.list({ from: at(0), to: at(10), limit: 2 }).map((e) => e.actor)).toEqual(['zhao', 'wang']);
    expect(log.list({ from: at(0), to: at(10), actor: 'wang', limit: 1 })[0]).toEqual({
      at: at(2).toISOString(),
      actor: 'wang',
      role: 'organizer',
      action: 'SIGN_IN',
      subject: null,
      address: '10.0.0.1',
      count: 1,
    });
  });

  it('stores bounded, visible text: no invisible characters, actor ≤ 128, subject ≤ 256, address ≤ 64', () => {
    const { log } = open();
    log.record({
      actor: ` ${'x'.repeat(10_000)}`,
      action: 'SIGN_IN_FAILED',
      subject: `/reports/${'y'.repeat(10_000)}`,
      address: 'z'.repeat(1000),
    });
    log.record({ actor: 'ad\u202emin\u200b\n', action: 'SIGN_OUT' });
    const [signOut, failed] = log.list(everything);
    expect(signOut?.actor).toBe('admin');
    expect(failed?.actor).toBe('x'.repeat(128));
    expect(failed?.subject).toHaveLength(256);
    expect(failed?.address).toHaveLength(64);
    expect(failed?.role).toBeNull();
  });

  it('records the reads of one request in one commit, each cleaned and bounded like a single entry', () => {
    const { log } = open();
    const reads = ['essay:1', 'essay:2', `essay:${'9'.repeat(1000)}`].map((subject) => ({
      actor: 'office-wang',
      role: 'organizer' as const,
      action: 'READ_PARTICIPANTS' as const,
      subject,
      address: '10.0.0.1',
    }));
    log.recordAll(reads);
    log.recordAll([]);
    const entries = log.list(everything).reverse();
    expect(entries.map((e) => [e.action, e.subject?.slice(0, 7)])).toEqual([
      ['READ_PARTICIPANTS', 'essay:1'],
      ['READ_PARTICIPANTS', 'essay:2'],
      ['READ_PARTICIPANTS', 'essay:9'],
    ]);
    expect(entries[2]?.subject).toHaveLength(256);
    expect(new Set(entries.map((e) => e.at)).size).toBe(1);
  });

  it('records an erasure as ERASE with who erased what', () => {
    const { log } = open();
    log.recordErasure({ actor: 'office-wang', role: 'organizer', subject: 'essay:1', address: '10.0.0.1' });
    expect(log.list(everything)).toEqual([
      {
        at: new Date(START).toISOString(),
        actor: 'office-wang',
        role: 'organizer',
        action: 'ERASE',
        subject: 'essay:1',
        address: '10.0.0.1',
        count: 1,
      },
    ]);
  });

  it('records failed sign-ins one by one up to the budget, then counts the rest of the minute on one entry', () => {
    const { log, clock } = open({ failuresPerMinute: 3 });
    for (let i = 0; i < 10; i++) log.record({ actor: `random-${i}`, action: 'SIGN_IN_FAILED', address: '10.9.9.9' });
    // Entries anyone may cause with credentials are never held back.
    log.record({ actor: 'wang', role: 'organizer', action: 'SIGN_IN', address: '10.0.0.1' });
    clock.now += 60_000;
    log.record({ actor: 'random-10', action: 'SIGN_IN_FAILED', address: '10.9.9.9' });
    const entries = log.list(everything).reverse();
    expect(entries.map((e) => [e.actor, e.action, e.count])).toEqual([
      ['random-0', 'SIGN_IN_FAILED', 1],
      ['random-1', 'SIGN_IN_FAILED', 1],
      ['random-2', 'SIGN_IN_FAILED', 1],
      ['*', 'SIGN_IN_FAILED', 7],
      ['wang', 'SIGN_IN', 1],
      ['random-10', 'SIGN_IN_FAILED', 1],
    ]);
    expect(entries[3]?.subject).toBe('further failed sign-ins this minute, beyond 3 recorded one by one');
  });

  it('keeps 180 days: prune deletes older entries in batches and gives the pages back', async () => {
    const { log, clock } = open();
    log.record({ actor: 'old', action: 'SIGN_IN' });
    clock.now = START + 100 * DAY;
    log.record({ actor: 'kept', action: 'SIGN_IN' });
    clock.now = START + 180 * DAY;
    expect(await log.prune()).toBe(0);
    clock.now = START + 180 * DAY + 1;
    // Also when asked twice at once: one prune runs, the other joins it.
    expect(await Promise.all([log.prune(), log.prune()])).toEqual([1, 1]);
    expect(log.list(everything).map((e) => e.actor)).toEqual(['kept']);

    const { log: big, clock: bigClock } = open({ file: join(dataDir, 'big.db'), failuresPerMinute: 100_000 });
    for (let i = 0; i < 5_000; i++)
      big.record({ actor: `old-${i}`, action: 'SIGN_IN_FAILED', subject: 'x'.repeat(200) });
    await big.close();
    const pagesBefore = pageCount(join(dataDir, 'big.db'));
    const { log: reopened, clock: later } = open({ file: join(dataDir, 'big.db') });
    later.now = bigClock.now + 181 * DAY;
    expect(await reopened.prune()).toBe(5_000);
    await reopened.close();
    expect(pageCount(join(dataDir, 'big.db'))).toBeLessThan(pagesBefore / 10);
  });

  it('prunes at open and then periodically by itself', async () => {
    const first = open();
    first.log.record({ actor: 'old', action: 'SIGN_IN' });
    await first.log.close();
    const clock = { now: START + 181 * DAY };
    const log = new AccessLog({
      file: accessLogFile(dataDir),
      retentionDays: 180,
      failuresPerMinute: 60,
      pruneEveryMs: 20,
      now: () => clock.now,
    });
    opened.push(log);
    await expect.poll(() => log.list(everything).length).toBe(0);
    log.record({ actor: 'newer', action: 'SIGN_IN' });
    clock.now += 181 * DAY;
    await expect.poll(() => log.list(everything).length).toBe(0);
  });

  it('creates its folder 0700 and its files 0600, and tightens a file that was readable by others', async () => {
    const { log } = open();
    log.record({ actor: 'wang', action: 'SIGN_IN' });
    const file = accessLogFile(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      expect(existsSync(path)).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    await log.close();
    opened.length = 0;
    chmodSync(file, 0o644);
    const { log: again } = open();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(again.list(everything).map((e) => e.actor)).toEqual(['wang']);
  });

  it('leaves the mode of a data dir that already exists to its operator', () => {
    mkdirSync(dataDir, { mode: 0o750 });
    chmodSync(dataDir, 0o750);
    open();
    expect(statSync(dataDir).mode & 0o777).toBe(0o750);
  });

  it('keeps every entry written at once by two logs in this process and another process', async () => {
    const { log: first } = open();
    const { log: second } = open();
    const file = accessLogFile(dataDir);
    const source = fileURLToPath(new URL('../src/access-log.ts', import.meta.url));
    const script = `
      const { AccessLog } = await import(${JSON.stringify(source)});
      const log = new AccessLog({ file: ${JSON.stringify(file)}, retentionDays: 180, failuresPerMinute: 60, pruneEveryMs: 0 });
      for (let i = 0; i < 2000; i++) log.record({ actor: 'other-process', action: 'EXPORT', subject: '/reports/x' + i });
      await log.close();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    let running = true;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve)).finally(() => {
      running = false;
    });
    // Written for as long as the other process lives, so the writers overlap whatever its start-up takes.
    let written = 0;
    while (running) {
      first.record({ actor: 'first', action: 'SIGN_IN' });
      second.record({ actor: 'second', action: 'SIGN_OUT' });
      if (++written % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: '' });
    const now = new Date();
    const range = { from: new Date(0), to: new Date(now.getTime() + DAY), limit: 1_000_000 };
    const counted = (actor: string) => first.list({ ...range, actor }).length;
    expect([counted('first'), counted('second'), counted('other-process')]).toEqual([written, written, 2000]);
  });

  it('keeps its entries across a restart', async () => {
    const { log, clock } = open();
    log.record({ actor: 'wang', role: 'organizer', action: 'EXPORT', subject: '/reports/participation.csv' });
    clock.now += 1000;
    log.record({ actor: 'li', action: 'SIGN_IN_FAILED', address: '::1' });
    const before = log.list(everything);
    await log.close();
    opened.length = 0;
    const { log: after } = open();
    expect(after.list(everything)).toEqual(before);
    expect(before).toHaveLength(2);
  });
});

function pageCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('page_count', { simple: true }) as number;
  } finally {
    db.close();
  }
}
