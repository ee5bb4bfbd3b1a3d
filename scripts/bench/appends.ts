/**
 * Benchmarks 1, 1b and 2: durable appends through the event store port.
 *
 * 1. One writer awaiting each single-event append (`SqliteEventStore.append`) vs raw better-sqlite3 single-row
 *    transactions with the same pragmas (WAL, synchronous=FULL), table schema and row shape.
 * 1b. The same workload on Emmett's SQLite event store (@event-driven-io/emmett-sqlite 0.38.5, installed on demand
 *     into scripts/bench/emmett: `npm run bench:emmett`).
 * 2. 16 and 64 concurrent writers, each on its own stream (group commit), vs the raw single writer.
 *
 * Every round measures subject and baselines back to back on fresh files; figures are medians of the rounds.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EVENTS_TABLE, type EventStore, SqliteEventStore } from '@qingmiao/event-store';
import Database from 'better-sqlite3';
import { type Context, median, ROOT, rate, ratio, runsOf, type Section, table, yesNo } from './harness.ts';

/** A typical event: an essay submission with one participant (data ≈ 300 B, metadata ≈ 200 B of JSON). */
const DATA = {
  campaignId: 'essay-2022-01',
  entryId: 'essay-2022-01:3f2b8c1e-9d4a-4b6e-a1c2-7e5f9d0b1a23',
  submissionId: 'tc-shiyan-xiaoxue-0-1',
  schoolId: 'tc-shiyan-xiaoxue',
  title: '爷爷的勋章',
  participants: [{ name: '李小明', role: 'STUDENT', grade: '五年级', key: '2022000123' }],
  advisor: '王老师',
  performance: null,
};
const METADATA = {
  actor: 'teacher-tc-shiyan-xiaoxue',
  role: 'school',
  schoolId: 'tc-shiyan-xiaoxue',
  correlationId: '6c1f0a4e-2b7d-4e59-8f3a-0d9c1b2e4f67',
  recordedAt: '2022-04-01T08:00:00.000Z',
  schemaVersion: 2,
};
const TYPE = 'EntrySubmitted';

const PAYLOAD_BYTES = {
  data: Buffer.byteLength(JSON.stringify(DATA)),
  metadata: Buffer.byteLength(JSON.stringify(METADATA)),
};

function remove(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * One side of a comparison. fsync latency on a virtual disk drifts by several times within seconds, so sides are
 * not measured one after the other: each run opens every side on a fresh file and then alternates between them in
 * short slices, adding up each side's operations and time.
 */
export interface Contender {
  /** Runs operations for about `ms`; returns how many completed and how long it really took. */
  slice(ms: number): Promise<{ ops: number; elapsedMs: number }>;
  close(): Promise<void>;
}

/**
 * Qingmiao: `writers` loops, each appending one event at a time to its own stream with the exact expected revision,
 * on the store (or on what `wrap` makes of it, e.g. the store that seals personal data).
 */
export function qingmiaoContender(
  path: string,
  writers: number,
  wrap: (store: SqliteEventStore) => EventStore = (store) => store,
): Contender {
  const store = wrap(new SqliteEventStore({ path }));
  const revisions = Array.from({ length: writers }, () => -1);
  return {
    async slice(ms) {
      const start = performance.now();
      const end = start + ms;
      let ops = 0;
      await Promise.all(
        revisions.map(async (_, w) => {
          const stream = `campaign-bench-${w}`;
          while (performance.now() < end) {
            const revision = revisions[w] as number;
            const result = await store.append(
              stream,
              [{ id: randomUUID(), type: TYPE, data: DATA, metadata: METADATA }],
              {
                expectedRevision: revision < 0 ? 'no_stream' : revision,
              },
            );
            revisions[w] = result.nextExpectedRevision;
            ops++;
          }
        }),
      );
      return { ops, elapsedMs: performance.now() - start };
    },
    async close() {
      await store.close();
      remove(path);
    },
  };
}

/** Raw better-sqlite3: one row per `BEGIN IMMEDIATE … COMMIT`, same pragmas, schema and row. */
function rawContender(path: string): Contender & { synchronous: number; journal: string } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(EVENTS_TABLE);
  const insert = db.prepare(
    'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const appendOne = db.transaction((revision: number) => {
    insert.run(
      randomUUID(),
      'campaign-bench-0',
      revision,
      TYPE,
      JSON.stringify(DATA),
      JSON.stringify(METADATA),
      new Date().toISOString(),
    );
  });
  let revision = 0;
  return {
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    journal: db.pragma('journal_mode', { simple: true }) as string,
    async slice(ms) {
      const start = performance.now();
      const end = start + ms;
      let ops = 0;
      while (performance.now() < end) {
        appendOne.immediate(revision++);
        ops++;
      }
      return { ops, elapsedMs: performance.now() - start };
    },
    async close() {
      db.close();
      remove(path);
    },
  };
}

/** The part of @event-driven-io/emmett-sqlite the benchmark calls (not installed with the workspace, nor its types). */
interface EmmettModule {
  getSQLiteEventStore(options: { fileName: string }): {
    appendToStream(
      streamName: string,
      events: { type: string; data: object; metadata: object }[],
      options: { expectedStreamVersion: bigint },
    ): Promise<{ nextExpectedStreamVersion: bigint }>;
  };
}

/** The part of node-sqlite3 that reads its compile options. */
interface Sqlite3Module {
  Database: new (
    file: string,
  ) => {
    all(sql: string, callback: (error: Error | null, rows: Record<string, unknown>[]) => void): void;
    close(callback: () => void): void;
  };
}

/**
 * Where the Emmett baseline lives: an npm project of its own (package.json and lock file pinned), installed on demand
 * rather than by `npm ci`, since node-sqlite3 compiles a second SQLite from source when no prebuilt binary can be
 * downloaded (minutes on 2 cores) and nothing but benchmark 1b uses it.
 */
const EMMETT_DIR = join(ROOT, 'scripts', 'bench', 'emmett');
export const EMMETT_PACKAGE = join(EMMETT_DIR, 'package.json');
const EMMETT_INSTALL = 'npm run bench:emmett';

function emmettInstalled(): boolean {
  const wanted = (JSON.parse(readFileSync(EMMETT_PACKAGE, 'utf8')) as { dependencies: Record<string, string> })
    .dependencies;
  return Object.entries(wanted).every(([name, version]) => {
    try {
      const installed = join(EMMETT_DIR, 'node_modules', name, 'package.json');
      return (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version === version;
    } catch {
      return false;
    }
  });
}

/** Installs the baseline if it is not (or not at the pinned versions); a failed install is reported, not fatal. */
function installEmmett(ctx: Context): string | undefined {
  if (emmettInstalled()) return undefined;
  ctx.log(`the Emmett baseline is not installed: installing it (\`${EMMETT_INSTALL}\`; compiles node-sqlite3)…`);
  const started = Date.now();
  try {
    execFileSync('npm', ['ci', '--prefix', EMMETT_DIR, '--no-audit', '--no-fund'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').at(-1) ?? String(error);
    return `not installed, and \`${EMMETT_INSTALL}\` failed here (${stderr}); run it, then this benchmark again`;
  }
  ctx.log(`installed the Emmett baseline in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return undefined;
}

async function loadEmmett(ctx: Context): Promise<{ module: EmmettModule; durability: string } | { error: string }> {
  const notInstalled = installEmmett(ctx);
  if (notInstalled) return { error: notInstalled };
  try {
    const require = createRequire(EMMETT_PACKAGE);
    const module = require('@event-driven-io/emmett-sqlite') as EmmettModule;
    // Emmett sets only `PRAGMA journal_mode = WAL` on each connection it opens; synchronous stays at the default
    // compiled into node-sqlite3's bundled SQLite. Ask that library what the default is.
    const sqlite3 = require('sqlite3') as Sqlite3Module;
    const db = new sqlite3.Database(':memory:');
    const all = (sql: string) =>
      new Promise<Record<string, unknown>[]>((resolve, reject) =>
        db.all(sql, (error, rows) => (error ? reject(error) : resolve(rows))),
      );
    const options = (await all('PRAGMA compile_options')).map((row) => String(row.compile_options));
    const version = (await all('SELECT sqlite_version() AS v'))[0]?.v;
    await new Promise<void>((resolve) => db.close(() => resolve()));
    const walSync = options.find((o) => o.startsWith('DEFAULT_WAL_SYNCHRONOUS='))?.split('=')[1];
    const sync = options.find((o) => o.startsWith('DEFAULT_SYNCHRONOUS='))?.split('=')[1];
    const names: Record<string, string> = { '0': 'OFF', '1': 'NORMAL', '2': 'FULL', '3': 'EXTRA' };
    const level = names[walSync ?? sync ?? ''] ?? `unknown (${walSync ?? sync})`;
    return {
      module,
      durability: `WAL, synchronous=${level} (not set by Emmett: the default of node-sqlite3's SQLite ${String(version)}, compiled with DEFAULT_WAL_SYNCHRONOUS=${walSync ?? 'unset'}); a new connection is opened and closed for every append`,
    };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/**
 * Emmett on a file: one append at a time with the expected stream version. Emmett 0.38.5 now and then fails an
 * append with `SQLITE_BUSY: cannot commit transaction - SQL statements in progress` (a statement of the transaction
 * is not yet finalized when COMMIT runs); such an append was rolled back, is counted as failed and retried.
 */
function emmettContender(
  module: EmmettModule,
  path: string,
): Contender & { readonly failures: { count: number; first?: string } } {
  const store = module.getSQLiteEventStore({ fileName: path });
  let version = 0n;
  const failures: { count: number; first?: string } = { count: 0 };
  return {
    failures,
    async slice(ms) {
      const start = performance.now();
      const end = start + ms;
      let ops = 0;
      while (performance.now() < end) {
        try {
          const result = await store.appendToStream('entry-bench', [{ type: TYPE, data: DATA, metadata: METADATA }], {
            expectedStreamVersion: version,
          });
          version = result.nextExpectedStreamVersion;
          ops++;
        } catch (error) {
          failures.count++;
          failures.first ??= error instanceof Error ? error.message : String(error);
          if (failures.count > 1000) throw error;
        }
      }
      return { ops, elapsedMs: performance.now() - start };
    },
    async close() {
      remove(path);
    },
  };
}

const SLICE_MS = 200;

/** Opens the contenders, alternates them slice by slice for `seconds` each, closes them; per-second rates. */
export async function interleaved(
  contenders: readonly Contender[],
  seconds: number,
  reverse: boolean,
): Promise<number[]> {
  const totals = contenders.map(() => ({ ops: 0, elapsedMs: 0 }));
  const slices = Math.max(1, Math.round((seconds * 1000) / SLICE_MS));
  try {
    for (let i = 0; i < slices; i++) {
      const order = contenders.map((_, k) => k);
      if ((i % 2 === 1) !== reverse) order.reverse();
      for (const k of order) {
        const result = await (contenders[k] as Contender).slice(SLICE_MS);
        const total = totals[k] as { ops: number; elapsedMs: number };
        total.ops += result.ops;
        total.elapsedMs += result.elapsedMs;
      }
    }
  } finally {
    for (const contender of contenders) await contender.close();
  }
  return totals.map((total) => total.ops / (total.elapsedMs / 1000));
}

export async function appendBenchmarks(ctx: Context): Promise<Section[]> {
  const { mode, work } = ctx;
  const seconds = mode.sampleSeconds;
  const emmett = await loadEmmett(ctx);
  if ('error' in emmett) ctx.log(`Emmett is not measured: ${emmett.error}`);
  let rawSync = 0;
  let rawJournal = '';

  // Warm-up (not recorded): JIT, file system, page cache.
  await interleaved(
    [
      qingmiaoContender(join(work, 'warm-q.db'), 1),
      qingmiaoContender(join(work, 'warm-q16.db'), 16),
      rawContender(join(work, 'warm-raw.db')),
      ...('module' in emmett ? [emmettContender(emmett.module, join(work, 'warm-e.db'))] : []),
    ],
    0.4,
    false,
  );

  const single = { qingmiao: [] as number[], raw: [] as number[], emmett: [] as number[] };
  const concurrent = { w16: [] as number[], w64: [] as number[], raw: [] as number[] };
  let emmettFailed = 0;
  let emmettError: string | undefined;
  for (let round = 0; round < mode.runs; round++) {
    const raw = rawContender(join(work, `raw-${round}.db`));
    rawSync = raw.synchronous;
    rawJournal = raw.journal;
    const em = 'module' in emmett ? emmettContender(emmett.module, join(work, `e-${round}.db`)) : undefined;
    const contenders: Contender[] = [
      qingmiaoContender(join(work, `q1-${round}.db`), 1),
      raw,
      qingmiaoContender(join(work, `q16-${round}.db`), 16),
      qingmiaoContender(join(work, `q64-${round}.db`), 64),
      ...(em ? [em] : []),
    ];
    const [q1, r, w16, w64, e] = await interleaved(contenders, seconds, round % 2 === 1);
    single.qingmiao.push(q1 as number);
    single.raw.push(r as number);
    concurrent.raw.push(r as number);
    concurrent.w16.push(w16 as number);
    concurrent.w64.push(w64 as number);
    if (em && e !== undefined) {
      single.emmett.push(e);
      emmettFailed += em.failures.count;
      emmettError ??= em.failures.first;
    }
    ctx.log(
      `appends round ${round + 1}/${mode.runs}: qingmiao ${rate(q1 as number)}/s, raw ${rate(r as number)}/s, emmett ${rate(e ?? Number.NaN)}/s, 16 writers ${rate(w16 as number)}/s, 64 writers ${rate(w64 as number)}/s`,
    );
  }

  const q1 = median(single.qingmiao);
  const raw = median(single.raw);
  const em = median(single.emmett);
  const w16 = median(concurrent.w16);
  const w64 = median(concurrent.w64);
  const syncName = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][rawSync] ?? String(rawSync);
  const payload = `data ${PAYLOAD_BYTES.data} B and metadata ${PAYLOAD_BYTES.metadata} B of JSON per event`;

  const singleMd = [
    `One writer awaits each single-event append. Each of ${mode.runs} rounds opens every store on a fresh file and alternates between them in ${SLICE_MS} ms slices until each has run ${seconds} s (fsync latency of this virtual disk drifts by several times within seconds, so sides measured one after the other would not be comparable), ${payload}.`,
    '',
    table(
      ['store', 'durability', 'appends/s (median)', 'runs', 'vs raw'],
      [
        [
          'Qingmiao `SqliteEventStore.append` (expected revision checked)',
          'WAL, synchronous=FULL (set by the store)',
          rate(q1),
          runsOf(single.qingmiao),
          ratio(q1, raw, 'percent'),
        ],
        [
          'raw better-sqlite3, one row per `BEGIN IMMEDIATE`…`COMMIT`, same table',
          `WAL (${rawJournal}), synchronous=${syncName} (read back)`,
          rate(raw),
          runsOf(single.raw),
          '100 %',
        ],
        'module' in emmett
          ? [
              'Emmett `getSQLiteEventStore(…).appendToStream` 0.38.5 (expected version checked)',
              emmett.durability,
              rate(em),
              runsOf(single.emmett),
              ratio(em, raw, 'percent'),
            ]
          : ['Emmett 0.38.5', 'n/a', 'could not run', emmett.error, 'n/a'],
      ],
    ),
    '',
    'module' in emmett
      ? `Emmett appends that failed and were retried during the measured rounds: ${emmettFailed}${emmettError ? ` (\`${emmettError}\`)` : ''}. Emmett's \`withTransaction\` prints such errors with \`console.log\`.`
      : `Emmett was not measured in this run: ${emmett.error}.`,
    '',
    table(
      ['goal', 'figure', 'result'],
      [
        ['Qingmiao ≥ 80 % of raw', ratio(q1, raw, 'percent'), yesNo(q1 >= 0.8 * raw)],
        [
          'Qingmiao ≥ 10× Emmett',
          'module' in emmett ? ratio(q1, em) : 'n/a',
          'module' in emmett ? yesNo(q1 >= 10 * em) : 'n/a',
        ],
      ],
    ),
  ].join('\n');

  const concurrentMd = [
    `16 and 64 writers, each appending one event at a time to its own stream and awaiting it (appends in flight together share one transaction: group commit), vs the raw single writer at synchronous=FULL, interleaved with it in the same rounds (${SLICE_MS} ms slices, ${seconds} s per side, ${mode.runs} rounds).`,
    '',
    table(
      ['writers', 'appends/s (median)', 'runs', 'vs raw single writer'],
      [
        ['Qingmiao, 16 writers', rate(w16), runsOf(concurrent.w16), ratio(w16, raw)],
        ['Qingmiao, 64 writers', rate(w64), runsOf(concurrent.w64), ratio(w64, raw)],
        ['raw better-sqlite3, 1 writer', rate(raw), runsOf(concurrent.raw), '1.00×'],
      ],
    ),
    '',
    table(
      ['goal', 'figure', 'result'],
      [
        ['16 writers ≥ 3× raw', ratio(w16, raw), yesNo(w16 >= 3 * raw)],
        ['64 writers ≥ 3× raw', ratio(w64, raw), yesNo(w64 >= 3 * raw)],
      ],
    ),
  ].join('\n');

  return [
    {
      title: '1. Single-writer appends (and 1b. Emmett)',
      markdown: singleMd,
      headlines: [
        {
          benchmark: '1. appends, 1 writer',
          figure: `${rate(q1)}/s = ${ratio(q1, raw, 'percent')} of raw (${rate(raw)}/s)`,
          goal: '≥ 80 % of raw',
          met: q1 >= 0.8 * raw,
        },
        {
          benchmark: '1b. vs Emmett SQLite 0.38.5',
          figure: 'module' in emmett ? `${ratio(q1, em)} Emmett (${rate(em)}/s)` : `not run: ${emmett.error}`,
          goal: '≥ 10× Emmett',
          met: 'module' in emmett ? q1 >= 10 * em : undefined,
        },
      ],
    },
    {
      title: '2. Concurrent writers (group commit)',
      markdown: concurrentMd,
      headlines: [
        {
          benchmark: '2. appends, 16 writers',
          figure: `${rate(w16)}/s = ${ratio(w16, raw)} raw single writer`,
          goal: '≥ 3× raw',
          met: w16 >= 3 * raw,
        },
        {
          benchmark: '2. appends, 64 writers',
          figure: `${rate(w64)}/s = ${ratio(w64, raw)} raw single writer`,
          goal: '≥ 3× raw',
          met: w64 >= 3 * raw,
        },
      ],
    },
  ];
}
