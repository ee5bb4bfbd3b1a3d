/**
 * Benchmark 5: `participation(year, groupBy: SCHOOL)` over HTTP for the 100 schools, against a bare Node `http`
 * server answering every request with the same JSON, precomputed (both in child processes): maximum req/s with
 * p99, then p99 at a fixed 1,000 req/s (autocannon `overallRate`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '@qingmiao/api';
import { graphql, requestBody } from '@qingmiao/schema/graphql';
import { type Context, formatNumber, median, ms, rate, ratio, runsOf, type Section, table, yesNo } from './harness.ts';
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

export async function participationBenchmark(ctx: Context, logs: LogCache): Promise<Section> {
  const { mode, work } = ctx;
  const dataDir = join(work, 'participation-data');
  mkdirSync(dataDir, { recursive: true });
  const log = await logs.copyTo(LOG_EVENTS, join(dataDir, 'events.db'));
  // The last complete year of the log.
  const years = [...log.perYear.keys()];
  const year = years.at(-2) ?? (years[0] as number);
  const children: Child[] = [];
  try {
    const server = await startQingmiao(dataDir);
    children.push(server);
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
    await load({ url: `${server.url}/graphql`, connections: CONNECTIONS, seconds: 2, body, headers });
    await load({ url: `${bare.url}/graphql`, connections: CONNECTIONS, seconds: 1, body, headers });

    const max = { q: [] as LoadResult[], b: [] as LoadResult[] };
    const fixed = { q: [] as LoadResult[], b: [] as LoadResult[] };
    for (let round = 0; round < mode.runs; round++) {
      const steps = [
        async () => max.q.push(await run(server.url)),
        async () => max.b.push(await run(bare.url)),
        async () => fixed.q.push(await run(server.url, RATE)),
        async () => fixed.b.push(await run(bare.url, RATE)),
      ];
      for (const step of round % 2 === 0 ? steps : [steps[1], steps[0], steps[3], steps[2]]) await step?.();
      ctx.log(
        `participation round ${round + 1}/${mode.runs}: qingmiao ${rate(max.q.at(-1)?.perSecond ?? Number.NaN)} req/s, bare ${rate(max.b.at(-1)?.perSecond ?? Number.NaN)} req/s; at ${RATE}/s p99 ${ms(fixed.q.at(-1)?.p99 ?? Number.NaN)}`,
      );
    }
    const med = (results: LoadResult[], pick: (r: LoadResult) => number) => median(results.map(pick));
    const qMax = med(max.q, (r) => r.perSecond);
    const bMax = med(max.b, (r) => r.perSecond);
    const qP99 = med(fixed.q, (r) => r.p99);
    const failed = [...max.q, ...fixed.q].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
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
    const entries = rows.reduce((n, row) => n + row.entries, 0);
    const markdown = [
      `\`participation(year: ${year}, groupBy: SCHOOL)\` with every figure of the row (${formatNumber(answer.raw.length)} bytes of JSON, 100 rows, ${formatNumber(entries)} live entries that year) as a viewer, on a log of ${formatNumber(LOG_EVENTS)} events (years ${years[0]}–${years.at(-1)}). Baseline: a bare Node \`http\` server that reads the request body and answers with those bytes. Both in child processes (Qingmiao: the production bundle, \`node services/api/dist/qingmiao.mjs serve\`); load from the benchmark process with autocannon, ${CONNECTIONS} connections, ${mode.loadSeconds} s per run, ${mode.runs} runs, alternating.`,
      '',
      'Maximum throughput:',
      '',
      table(header, [line('Qingmiao', max.q, ratio(qMax, bMax, 'percent')), line('bare `http`', max.b, '100 %')]),
      '',
      `At a fixed ${formatNumber(RATE)} req/s (autocannon \`overallRate\`; it sends each second's requests as fast as the ${CONNECTIONS} connections allow, then waits for the next second, so this is bursty rather than evenly spaced):`,
      '',
      table(header, [line('Qingmiao', fixed.q, ''), line('bare `http`', fixed.b, '')]),
      '',
      table(
        ['goal', 'figure', 'result'],
        [
          ['≥ 30 % of bare req/s', ratio(qMax, bMax, 'percent'), yesNo(qMax >= 0.3 * bMax)],
          [`p99 ≤ 20 ms at ${formatNumber(RATE)} req/s`, ms(qP99), yesNo(qP99 <= 20 && failed === 0)],
        ],
      ),
    ].join('\n');
    return {
      title: '5. `participation` over HTTP, 100 schools',
      markdown,
      headlines: [
        {
          benchmark: '5. participation over HTTP, max',
          figure: `${rate(qMax)} req/s = ${ratio(qMax, bMax, 'percent')} of bare (${rate(bMax)} req/s)`,
          goal: '≥ 30 % of bare',
          met: qMax >= 0.3 * bMax && failed === 0,
        },
        {
          benchmark: `5. participation at ${formatNumber(RATE)} req/s`,
          figure: `p99 ${ms(qP99)} (achieved ${rate(med(fixed.q, (r) => r.perSecond))} req/s)`,
          goal: 'p99 ≤ 20 ms',
          met: qP99 <= 20 && failed === 0,
        },
      ],
    };
  } finally {
    for (const child of children) await child.stop();
  }
}
