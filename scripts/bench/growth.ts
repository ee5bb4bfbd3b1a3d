/**
 * Benchmark 6: what a growing log costs a running server. For each size the log is copied into a fresh data
 * directory, the server (child process) starts and catches up, and then: `participation` latency, `participation
 * (asOf:)` latency on its first call (a replay of the queried year's streams up to that moment) and once cached,
 * the server's RSS, and the files' sizes. The smallest log is the baseline of the ratios.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '@qingmiao/api';
import { type Checked, graphql, type VariablesFor } from '@qingmiao/schema/graphql';
import Database from 'better-sqlite3';
import { bytes, type Context, formatNumber, median, ms, percentile, ratio, type Section, table } from './harness.ts';
import { secret } from './http-submit.ts';
import { graphql as post } from './load.ts';
import type { LogCache } from './log.ts';
import { PARTICIPATION } from './participation-http.ts';
import { type QingmiaoProcess, RSS_SAMPLE, startQingmiao } from './processes.ts';

const AS_OF = graphql(`query ParticipationAsOf($year: Int!, $asOf: DateTime!) {
  participation(year: $year, groupBy: SCHOOL, asOf: $asOf) {
    key label schools entries students participants retiredTeachers enrolled participationRate awards
    awardsByPrize { prize count } lecturesDelivered audience
  }
}`);

interface Point {
  readonly events: number;
  readonly year: number;
  readonly asOf: string;
  /** Events an as-of replay of the year reads: the school streams and that year's campaign streams, to the moment. */
  readonly asOfEvents: number;
  readonly readySeconds: number;
  readonly queryP50: number;
  readonly queryP95: number;
  readonly asOfFirst: number;
  readonly asOfCached: number;
  readonly asOfRepeats: number;
  /** A first call for another moment of the same year (a day earlier): the year's streams have been read. */
  readonly asOfOther: number;
  readonly rssReady: number;
  /** The peak RSS of the start-up build's own process (the build runs beside the server, which waits for it). */
  readonly buildPeak: number;
  readonly rssAfter: number;
  /** RSS once V8's memory reducer has run after the queries, and the seconds waited for it. */
  readonly rssSettled: number;
  readonly settledSeconds: number;
  /** V8's heap at those three moments. */
  readonly heapReady: Heap;
  readonly heapAfter: Heap;
  readonly heapSettled: Heap;
  readonly eventsFile: number;
  readonly readModels: number;
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

async function timed<Q extends typeof PARTICIPATION | typeof AS_OF>(
  url: string,
  token: string,
  query: Q & Checked<Q>,
  variables: VariablesFor<Q>,
): Promise<number> {
  const start = performance.now();
  const answer = await post<Q>(url, token, query, variables);
  const elapsed = performance.now() - start;
  if (answer.status !== 200 || answer.errors || answer.data?.participation.length !== 100) {
    throw new Error(`query failed (${answer.status}): ${answer.raw.slice(0, 300)}`);
  }
  return elapsed;
}

/** V8's heap as the server reports it on /metrics: in all, its young generation, and its large objects. */
interface Heap {
  readonly total: number;
  readonly young: number;
  readonly large: number;
}

function heapOf(sample: (pattern: RegExp) => number): Heap {
  return {
    total: sample(/^qingmiao_\w*heap_size_total_bytes /),
    young: sample(/^qingmiao_\w*heap_space_size_total_bytes\{space="new"\} /),
    large: sample(/^qingmiao_\w*heap_space_size_total_bytes\{space="large_object"\} /),
  };
}

/**
 * RSS once the server has been idle long enough for V8's memory reducer, which runs some seconds after the
 * allocation rate drops, to shrink the young generation the queries grew (to 32 MiB) back to its minimum and collect
 * their garbage: polled every 2 s for up to `limitMs`.
 */
async function settle(server: QingmiaoProcess, limitMs: number): Promise<{ rss: number; heap: Heap; seconds: number }> {
  const start = performance.now();
  let sample: (pattern: RegExp) => number;
  do {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    sample = await server.metrics();
  } while (performance.now() - start < limitMs && heapOf(sample).young > 4 * 1024 * 1024);
  return { rss: sample(RSS_SAMPLE), heap: heapOf(sample), seconds: (performance.now() - start) / 1000 };
}

/** RSS the server should stay under at every size. */
const RSS_GOAL = 200 * 1024 * 1024;
/** "Flat": the largest log within this factor of the smallest. */
const FLAT = 1.5;

function yearStreamEvents(path: string, year: number, asOf: string): number {
  const db = new Database(path, { readonly: true });
  try {
    const row = db
      .prepare<{ year: number; asOf: string }, { n: number }>(
        `SELECT count(*) AS n FROM events
          WHERE (stream LIKE 'school-%' OR stream IN (SELECT stream FROM events
            WHERE type = 'CampaignCreated' AND json_extract(data, '$.year') = @year))
          AND json_extract(metadata, '$.recordedAt') <= @asOf`,
      )
      .get({ year, asOf });
    return row?.n ?? 0;
  } finally {
    db.close();
  }
}

async function measure(ctx: Context, logs: LogCache, events: number): Promise<Point> {
  const dataDir = join(ctx.work, `growth-${events}`);
  mkdirSync(dataDir, { recursive: true });
  const log = await logs.copyTo(events, join(dataDir, 'events.db'));
  const moment = new Date(log.at95);
  const year = moment.getUTCFullYear();
  const asOf = moment.toISOString();
  const asOfEvents = yearStreamEvents(log.path, year, asOf);
  let server: QingmiaoProcess | undefined;
  try {
    server = await startQingmiao(dataDir);
    const ready = await server.metrics();
    const rssReady = ready(RSS_SAMPLE);
    const buildPeak = ready(/^qingmiao_read_model_build_peak_rss_bytes /);
    const heapReady = heapOf(ready);
    const viewer = await mintToken(secret, { sub: 'bureau-leader', role: 'viewer' }, '4h');
    for (let i = 0; i < 3; i++) await timed(server.url, viewer, PARTICIPATION, { year });
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) samples.push(await timed(server.url, viewer, PARTICIPATION, { year }));
    const asOfFirst = await timed(server.url, viewer, AS_OF, { year, asOf });
    // Repeated calls should be answered from the as-of cache; when they are not (each one replays the log
    // again), stop after 15 s so a large log does not take minutes per call.
    const cached: number[] = [];
    const repeatStart = performance.now();
    while (cached.length < 10 && (cached.length === 0 || performance.now() - repeatStart < 15_000)) {
      cached.push(await timed(server.url, viewer, AS_OF, { year, asOf }));
    }
    const asOfOther = await timed(server.url, viewer, AS_OF, {
      year,
      asOf: new Date(moment.getTime() - 86_400_000).toISOString(),
    });
    const after = await server.metrics();
    const rssAfter = after(RSS_SAMPLE);
    const heapAfter = heapOf(after);
    const settled = await settle(server, ctx.mode.quick ? 6_000 : 60_000);
    const eventsFile = sizeOf(join(dataDir, 'events.db')) + sizeOfMaybe(join(dataDir, 'events.db-wal'));
    const readModels = sizeOf(join(dataDir, 'read-models'));
    const point: Point = {
      events,
      year,
      asOf,
      asOfEvents,
      readySeconds: server.readyMs / 1000,
      queryP50: median(samples),
      queryP95: percentile(samples, 95),
      asOfFirst,
      asOfCached: median(cached),
      asOfRepeats: cached.length,
      asOfOther,
      rssReady,
      buildPeak,
      rssAfter,
      rssSettled: settled.rss,
      settledSeconds: settled.seconds,
      heapReady,
      heapAfter,
      heapSettled: settled.heap,
      eventsFile,
      readModels,
    };
    ctx.log(
      `growth ${formatNumber(events)}: ready in ${point.readySeconds.toFixed(1)} s, participation p50 ${ms(point.queryP50)}, as-of first ${ms(asOfFirst)}, cached ${ms(point.asOfCached)}, RSS ${bytes(rssAfter)}, settled ${bytes(settled.rss)} after ${settled.seconds.toFixed(0)} s`,
    );
    return point;
  } finally {
    await server?.stop();
  }
}

function sizeOfMaybe(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const heapCell = (heap: Heap) =>
  `${bytes(heap.total)} (young ${bytes(heap.young)}, large objects ${bytes(heap.large)})`;

export async function growthBenchmark(ctx: Context, logs: LogCache): Promise<Section> {
  const points: Point[] = [];
  for (const events of ctx.mode.growthSizes) points.push(await measure(ctx, logs, events));
  const base = points[0] as Point;
  const cell = (value: number, baseline: number, format: (v: number) => string) =>
    `${format(value)} (${ratio(value, baseline)})`;
  const rows = points.map((p) => [
    formatNumber(p.events),
    `${p.year} / ${p.asOf.slice(0, 16)}Z`,
    formatNumber(p.asOfEvents),
    cell(p.readySeconds, base.readySeconds, (v) => `${formatNumber(v, 1)} s`),
    cell(p.queryP50, base.queryP50, ms),
    ms(p.queryP95),
    cell(p.asOfFirst, base.asOfFirst, ms),
    `${cell(p.asOfCached, base.asOfCached, ms)}, ${p.asOfRepeats} call${p.asOfRepeats === 1 ? '' : 's'}`,
    cell(p.asOfOther, base.asOfOther, ms),
    cell(p.buildPeak, base.buildPeak, bytes),
    cell(p.rssReady, base.rssReady, bytes),
    cell(p.rssAfter, base.rssAfter, bytes),
    `${cell(p.rssSettled, base.rssSettled, bytes)} after ${formatNumber(p.settledSeconds, 0)} s`,
    cell(p.eventsFile, base.eventsFile, bytes),
    cell(p.readModels, base.readModels, bytes),
  ]);
  const markdown = [
    `One server per size (the production bundle in a child process, fresh data directory with a copy of the log). The queried year and the as-of moment are those of the event at 95 % of the log (the recent past); the as-of replay reads only that year's streams (every school stream and the streams of the year's campaigns) up to the moment, counted in "as-of reads". \`participation(year, groupBy: SCHOOL)\`: 3 warm-up then 30 sequential requests; \`participation(asOf:)\`: the first call, then the median of up to 10 repeated calls of the same moment (which the as-of cache should answer; fewer when each takes long, as a repeated call that replays again does), then once a day earlier (a new moment of a year whose streams were read). The server builds its read models in a child process at start: its peak RSS (its own maxRSS, \`qingmiao_read_model_build_peak_rss_bytes\` on the server's /metrics) is what a start holds beside the server. RSS from the server's own \`qingmiao_process_process_resident_memory_bytes\` on /metrics, after catch-up, right after the as-of queries, and settled: once the server, idle, has let V8's memory reducer shrink the young generation the queries grew back to its minimum (polled every 2 s, at most ${ctx.mode.quick ? 6 : 60} s; the garbage of the queries goes with it). Ratios against the ${formatNumber(base.events)}-event log.`,
    '',
    table(
      [
        'events',
        'year / as of',
        'as-of reads',
        'start → ready',
        'participation p50',
        'p95',
        'as-of first call',
        'as-of repeated',
        'as-of a day earlier',
        'build process peak',
        'RSS ready',
        'RSS after as-of',
        'RSS settled',
        'events.db',
        'read models',
      ],
      rows,
    ),
    '',
    "Where the RSS is: V8's heap at the same three moments, as the server reports it (`nodejs_heap_size_total_bytes` and `nodejs_heap_space_size_total_bytes` on /metrics): in all, of which the young generation (it grows to 32 MiB under a burst of allocation and shrinks back when the memory reducer runs) and large objects (mostly the source text of the bundle's modules). The rest of the RSS is the Node binary's mapped code (~50 MiB) and the C heap (SQLite's page caches, OpenSSL, buffers).",
    '',
    table(
      ['events', 'V8 heap ready', 'right after as-of', 'settled'],
      points.map((p) => [
        formatNumber(p.events),
        heapCell(p.heapReady),
        heapCell(p.heapAfter),
        heapCell(p.heapSettled),
      ]),
    ),
  ].join('\n');
  const last = points.at(-1) as Point;
  const rssMax = Math.max(...points.map((p) => p.rssAfter));
  const settledMax = Math.max(...points.map((p) => p.rssSettled));
  const buildMax = Math.max(...points.map((p) => p.buildPeak));
  const queryFlat = last.queryP50 <= FLAT * base.queryP50;
  const asOfFlat = last.asOfFirst <= FLAT * base.asOfFirst;
  return {
    title: '6. Cost as the log grows',
    markdown,
    headlines: [
      {
        benchmark: `6. growth to ${formatNumber(last.events)} events`,
        figure: `participation p50 ${ms(last.queryP50)} (${ratio(last.queryP50, base.queryP50)} the ${formatNumber(base.events)} log), as-of first ${ms(last.asOfFirst)} (${ratio(last.asOfFirst, base.asOfFirst)}) / repeated ${ms(last.asOfCached)}, RSS settled ≤ ${bytes(settledMax)} (right after the as-of queries ≤ ${bytes(rssMax)}; the start-up build's process at most ${bytes(buildMax)}), start → ready ${formatNumber(last.readySeconds, 1)} s`,
        goal: `participation p50 and as-of first call ≤ ${FLAT}× the ${formatNumber(base.events)} log; RSS settled < ${bytes(RSS_GOAL)}`,
        met: queryFlat && asOfFlat && settledMax < RSS_GOAL,
      },
    ],
  };
}
