/**
 * Benchmark 5: `participation(year, groupBy: SCHOOL)` over HTTP for the 100 schools, against a bare Node `http`
 * server answering every request with the same JSON, precomputed (all in child processes): maximum req/s with
 * p99, then p99 at a fixed 1,000 req/s (autocannon `overallRate`); Qingmiao in its default production configuration
 * (request log at info) and at log level warn.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '@qingmiao/api';
import { graphql, requestBody } from '@qingmiao/schema/graphql';
import {
  type Context,
  formatNumber,
  median,
  ms,
  rate,
  ratio,
  runsOf,
  type Section,
  sleep,
  table,
  yesNo,
} from './harness.ts';
import { secret } from './http-submit.ts';
import { type LoadResult, load, graphql as post } from './load.ts';
import type { LogCache } from './log.ts';
import { type Child, startBare, startQingmiao } from './processes.ts';

const LOG_EVENTS = 30_000;
const CONNECTIONS = 10;
const RATE = 1000;

export const PARTICIPATION = graphql(`query Participation($year: Int!) { participation(year: $year, groupBy: SCHOOL) {
  key label schools entries students participants retiredTeachers enrolled participationRate awards
  awardsByPrize { prize count } lecturesDelivered audience } }`);

/** The servers of this benchmark, in the order of their table rows. */
type Side = 'default' | 'warn' | 'bare';

/** Lines of the request log: its line for each answered request. */
function requestLogLines(file: string | undefined): number {
  if (file === undefined) throw new Error('the server runs without its request log');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"msg":"request completed"')).length;
}

export async function participationBenchmark(ctx: Context, logs: LogCache): Promise<Section> {
  const { mode, work } = ctx;
  const dataDir = join(work, 'participation-data');
  const warnDataDir = join(work, 'participation-data-warn');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(warnDataDir, { recursive: true });
  const log = await logs.copyTo(LOG_EVENTS, join(dataDir, 'events.db'));
  await logs.copyTo(LOG_EVENTS, join(warnDataDir, 'events.db'));
  // The last complete year of the log.
  const years = [...log.perYear.keys()];
  const year = years.at(-2) ?? (years[0] as number);
  const children: Child[] = [];
  try {
    // The configuration the product ships with (request log at info), and the one of the first round (warn).
    const server = await startQingmiao(dataDir);
    children.push(server);
    const quiet = await startQingmiao(warnDataDir, { logging: 'warn' });
    children.push(quiet);
    const viewer = await mintToken(secret, { sub: 'bureau-leader', role: 'viewer' }, '4h');
    const body = requestBody(PARTICIPATION, { year });
    const answer = await post(server.url, viewer, PARTICIPATION, {
      year,
    });
    const rows = answer.data?.participation ?? [];
    if (answer.status !== 200 || answer.errors || rows.length !== 100) {
      throw new Error(`participation answered ${answer.status}: ${answer.raw.slice(0, 300)}`);
    }
    const answerFile = join(work, 'participation.json');
    writeFileSync(answerFile, answer.raw);
    const bare = await startBare('static', answerFile);
    children.push(bare);
    const urls: Record<Side, string> = { default: server.url, warn: quiet.url, bare: bare.url };
    const headers = { authorization: `Bearer ${viewer}` };
    const run = (url: string, overallRate?: number) =>
      load({
        url: `${url}/graphql`,
        connections: CONNECTIONS,
        seconds: mode.loadSeconds,
        body,
        headers,
        ...(overallRate === undefined ? {} : { overallRate }),
      });

    // Warm-up (not recorded).
    for (const url of Object.values(urls)) {
      await load({ url: `${url}/graphql`, connections: CONNECTIONS, seconds: 2, body, headers });
    }
    const linesBefore = requestLogLines(server.logFile);

    const sides: Side[] = ['default', 'warn', 'bare'];
    const max: Record<Side, LoadResult[]> = { default: [], warn: [], bare: [] };
    const fixed: Record<Side, LoadResult[]> = { default: [], warn: [], bare: [] };
    for (let round = 0; round < mode.runs; round++) {
      // Each round in another order, so that no side always runs right after the same one.
      const order = sides.map((_, i) => sides[(i + round) % sides.length] as Side);
      for (const side of order) max[side].push(await run(urls[side]));
      for (const side of order) fixed[side].push(await run(urls[side], RATE));
      ctx.log(
        `participation round ${round + 1}/${mode.runs}: default ${rate(max.default.at(-1)?.perSecond ?? Number.NaN)} req/s, warn ${rate(max.warn.at(-1)?.perSecond ?? Number.NaN)} req/s, bare ${rate(max.bare.at(-1)?.perSecond ?? Number.NaN)} req/s; at ${RATE}/s p99 default ${ms(fixed.default.at(-1)?.p99 ?? Number.NaN)}, warn ${ms(fixed.warn.at(-1)?.p99 ?? Number.NaN)}`,
      );
    }
    // Give the asynchronous log destination a moment to reach the file.
    await sleep(500);
    const logged = requestLogLines(server.logFile) - linesBefore;
    const answered = [...max.default, ...fixed.default].reduce((n, r) => n + r.requests, 0);
    const med = (results: LoadResult[], pick: (r: LoadResult) => number) => median(results.map(pick));
    const perSecond = (side: Side) => med(max[side], (r) => r.perSecond);
    const bMax = perSecond('bare');
    const qMax = perSecond('default');
    const wMax = perSecond('warn');
    const qP99 = med(fixed.default, (r) => r.p99);
    const wP99 = med(fixed.warn, (r) => r.p99);
    const failedOf = (side: Side) =>
      [...max[side], ...fixed[side]].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    const failed = failedOf('default') + failedOf('warn');
    const line = (name: string, results: LoadResult[], versus: string): string[] => [
      name,
      rate(med(results, (r) => r.perSecond)),
      runsOf(results.map((r) => r.perSecond)),
      ms(med(results, (r) => r.p50)),
      ms(med(results, (r) => r.p99)),
      runsOf(
        results.map((r) => r.p99),
        (v) => formatNumber(v, 2),
      ),
      formatNumber(results.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)),
      versus,
    ];
    const header = ['server', 'req/s (median)', 'runs', 'p50', 'p99', 'p99 runs (ms)', 'failed', 'vs bare'];
    const names: Record<Side, string> = {
      default: 'Qingmiao, default config (request log at info)',
      warn: 'Qingmiao, QINGMIAO_LOG_LEVEL=warn',
      bare: 'bare `http`',
    };
    const entries = rows.reduce((n, row) => n + row.entries, 0);
    const maxGoal = 0.35;
    const p99Goal = 15;
    const markdown = [
      `\`participation(year: ${year}, groupBy: SCHOOL)\` with every figure of the row (${formatNumber(answer.raw.length)} bytes of JSON, 100 rows, ${formatNumber(entries)} live entries that year) as a viewer, on a log of ${formatNumber(LOG_EVENTS)} events (years ${years[0]}–${years.at(-1)}). Baseline: a bare Node \`http\` server that reads the request body and answers with those bytes. Three servers in child processes: Qingmiao (the production bundle, \`node services/api/dist/qingmiao.mjs serve\`) in its default production configuration — QINGMIAO_LOG_LEVEL unset, so info, one request log line per request, its stdout a pipe to a log collector process (\`cat\` into a file, as journald or a container runtime reads a service's stdout) — and Qingmiao at QINGMIAO_LOG_LEVEL=warn (no request log; the configuration of the first round), each on its own copy of the log, and the bare server. Load from the benchmark process with autocannon, ${CONNECTIONS} connections, ${mode.loadSeconds} s per run, ${mode.runs} runs, the three in turn (a different one first in each round).`,
      '',
      'Maximum throughput:',
      '',
      table(header, [
        line(names.default, max.default, ratio(qMax, bMax)),
        line(names.warn, max.warn, ratio(wMax, bMax)),
        line(names.bare, max.bare, '1.00×'),
      ]),
      '',
      `At a fixed ${formatNumber(RATE)} req/s (autocannon \`overallRate\`; it sends each second's requests as fast as the ${CONNECTIONS} connections allow, then waits for the next second, so this is bursty rather than evenly spaced):`,
      '',
      table(header, [
        line(names.default, fixed.default, ''),
        line(names.warn, fixed.warn, ''),
        line(names.bare, fixed.bare, ''),
      ]),
      '',
      `Request log of the default configuration: ${formatNumber(logged)} lines for ${formatNumber(answered)} answered requests during the measured runs.`,
      '',
      table(
        ['goal', 'figure', 'result'],
        [
          [`default config ≥ ${maxGoal}× bare req/s`, ratio(qMax, bMax), yesNo(qMax >= maxGoal * bMax)],
          [`default config p99 ≤ ${p99Goal} ms at ${formatNumber(RATE)} req/s`, ms(qP99), yesNo(qP99 <= p99Goal)],
        ],
      ),
    ].join('\n');
    return {
      title: '5. `participation` over HTTP, 100 schools',
      markdown,
      headlines: [
        {
          benchmark: '5. participation over HTTP, default config',
          figure: `${rate(qMax)} req/s = ${ratio(qMax, bMax)} bare (${rate(bMax)} req/s); warn logging ${ratio(wMax, bMax)}`,
          goal: `≥ ${maxGoal}× bare`,
          met: qMax >= maxGoal * bMax && failed === 0,
        },
        {
          benchmark: `5b. participation at ${formatNumber(RATE)} req/s, default config`,
          figure: `p99 ${ms(qP99)} (achieved ${rate(med(fixed.default, (r) => r.perSecond))} req/s); warn logging ${ms(wP99)}`,
          goal: `p99 ≤ ${p99Goal} ms`,
          met: qP99 <= p99Goal && failed === 0,
        },
      ],
    };
  } finally {
    for (const child of children) await child.stop();
  }
}
