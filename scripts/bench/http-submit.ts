/**
 * Benchmark 3: `submitEntry` end to end over HTTP — GraphQL parsing and validation, authentication, the command
 * (zod input, school lookup, decider, durable append with group commit) and read-your-writes (the answer waits
 * for the projection) — with 50 concurrent clients against a server in a child process.
 *
 * Baseline: a bare Node `http` server (child process) that parses the same JSON body and stores it durably as one
 * row (WAL, synchronous=FULL, one transaction per request): the cost of "a durable write over HTTP" without any of
 * Qingmiao's machinery and without group commit. Beside it, the floor of the product's fixed stack
 * (`stack-server.ts`: express, graphql-yoga and Pothos answering the same mutation by appending one event to the
 * product's event store): how the distance between the two divides into the stack's share and Qingmiao's own.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '@qingmiao/api';
import { graphql, requestBody, type VariablesOf } from '@qingmiao/schema/graphql';
import { SCHOOLS } from '../demo/taicang-data.ts';
import { type Context, formatNumber, median, ms, rate, ratio, runsOf, type Section, table, yesNo } from './harness.ts';
import { type LoadResult, load, mustGraphql } from './load.ts';
import {
  AUTH_SECRET,
  type Child,
  RATE_LIMIT,
  startBare,
  startQingmiao,
  startStackFloor,
  usageOf,
} from './processes.ts';

const CONNECTIONS = 50;
const CAMPAIGNS_PER_ROUND = 10;
const GOAL = "≥ 0.6× the bare durable server's req/s, p99 ≤ 1.5× its p99";

const SUBMIT = graphql('mutation Submit($input: SubmitEntryInput!) { submitEntry(input: $input) { id status } }');
const ENTRY_COUNT = graphql('query EntryCount($id: ID!) { campaign(id: $id) { entryCount } }');

export const secret = new TextEncoder().encode(AUTH_SECRET);

function organizerToken(): Promise<string> {
  return mintToken(secret, { sub: 'bench-organizer', role: 'organizer' }, '4h');
}

async function registerSchools(url: string, token: string): Promise<void> {
  for (let i = 0; i < SCHOOLS.length; i += 20) {
    await Promise.all(
      SCHOOLS.slice(i, i + 20).map((school) =>
        mustGraphql(url, token, 'mutation($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }', {
          input: { id: school.id, name: school.name, kind: school.kind, town: school.town },
        }),
      ),
    );
  }
}

async function openCampaigns(url: string, token: string, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: CAMPAIGNS_PER_ROUND }, (_, k) => `${prefix}-${k + 1}`);
  const year = new Date().getFullYear();
  for (const id of ids) {
    await mustGraphql(url, token, 'mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }', {
      input: {
        id,
        kind: 'ESSAY',
        title: `基准测试征文 ${id}`,
        year,
        opensAt: new Date(Date.now() - 86_400_000).toISOString(),
        closesAt: '2099-12-31T23:59:59+08:00',
      },
    });
    await mustGraphql(url, token, 'mutation($id: ID!) { openCampaign(input: {id: $id}) { status } }', { id });
  }
  return ids;
}

/** Bodies for one load run: round-robin over the run's campaigns, the schools spread, every submissionId new. */
function submissions(campaigns: readonly string[], tokens: ReadonlyMap<string, string>, tag: string) {
  let n = 0;
  return () => {
    const i = n++;
    const school = SCHOOLS[(i * 37) % SCHOOLS.length] as (typeof SCHOOLS)[number];
    const variables: VariablesOf<typeof SUBMIT> = {
      input: {
        submissionId: `${tag}-${i}`,
        campaignId: campaigns[i % campaigns.length] ?? '',
        schoolId: school.id,
        title: '爷爷的勋章',
        advisor: '王老师',
        participants: [{ name: '李小明', role: 'STUDENT', grade: '五年级', key: `${tag}-${i}` }],
      },
    };
    const body = requestBody(SUBMIT, variables);
    return { body, headers: { authorization: `Bearer ${tokens.get(school.id)}` } };
  };
}

async function entriesIn(url: string, token: string, campaigns: readonly string[]): Promise<number> {
  let total = 0;
  for (const id of campaigns) {
    const data = await mustGraphql(url, token, ENTRY_COUNT, { id });
    total += data.campaign?.entryCount ?? 0;
  }
  return total;
}

export async function submitBenchmark(ctx: Context): Promise<Section> {
  const { mode, work } = ctx;
  const dataDir = join(work, 'submit-data');
  mkdirSync(dataDir, { recursive: true });
  const children: Child[] = [];
  try {
    const server = await startQingmiao(dataDir);
    children.push(server);
    const bare = await startBare('insert', join(work, 'bare-insert.db'));
    children.push(bare);
    const stack = await startStackFloor(join(work, 'stack-events.db'));
    children.push(stack);
    const organizer = await organizerToken();
    await registerSchools(server.url, organizer);
    const tokens = new Map<string, string>();
    for (const school of SCHOOLS) {
      tokens.set(
        school.id,
        await mintToken(secret, { sub: `teacher-${school.id}`, role: 'school', schoolId: school.id }, '4h'),
      );
    }

    const target = (url: string) => `${url}/graphql`;
    // Warm-up (not recorded).
    const warm = await openCampaigns(server.url, organizer, 'bench-warm');
    await load({
      url: target(server.url),
      connections: CONNECTIONS,
      seconds: 2,
      next: submissions(warm, tokens, 'warm'),
    });
    for (const baselineServer of [bare, stack]) {
      await load({
        url: target(baselineServer.url),
        connections: CONNECTIONS,
        seconds: 2,
        next: submissions(warm, tokens, 'warm'),
      });
    }

    const qingmiao: LoadResult[] = [];
    const baseline: LoadResult[] = [];
    const floor: LoadResult[] = [];
    const committed: number[] = [];
    /** The Qingmiao server's CPU (all threads), write calls and bytes written per 2xx answer, per run. */
    const perRequest: { cpuUs: number; writes: number; kib: number }[] = [];
    for (let round = 0; round < mode.runs; round++) {
      const campaigns = await openCampaigns(server.url, organizer, `bench-r${round + 1}`);
      const runQ = async () => {
        const before = usageOf(server.pid);
        const result = await load({
          url: target(server.url),
          connections: CONNECTIONS,
          seconds: mode.loadSeconds,
          next: submissions(campaigns, tokens, `r${round + 1}`),
        });
        const after = usageOf(server.pid);
        qingmiao.push(result);
        perRequest.push({
          cpuUs: ((after.cpuMs - before.cpuMs) * 1000) / result.ok,
          writes: (after.writes - before.writes) / result.ok,
          kib: (after.writtenBytes - before.writtenBytes) / 1024 / result.ok,
        });
        committed.push(await entriesIn(server.url, organizer, campaigns));
      };
      const runBaseline = (baselineServer: Child, results: LoadResult[], tag: string) => async () => {
        results.push(
          await load({
            url: target(baselineServer.url),
            connections: CONNECTIONS,
            seconds: mode.loadSeconds,
            next: submissions(campaigns, tokens, `${tag}${round + 1}`),
          }),
        );
      };
      const order = [runQ, runBaseline(bare, baseline, 'b'), runBaseline(stack, floor, 's')];
      // Each server first, second and third in turn: the disk's fsync rate drifts within seconds.
      for (let k = 0; k < order.length; k++) await (order[(round + k) % order.length] as () => Promise<void>)();
      const q = qingmiao.at(-1) as LoadResult;
      const b = baseline.at(-1) as LoadResult;
      const f = floor.at(-1) as LoadResult;
      ctx.log(
        `submitEntry round ${round + 1}/${mode.runs}: qingmiao ${rate(q.perSecond)} req/s p99 ${ms(q.p99)} (${q.ok} ok, ${committed.at(-1)} entries), bare ${rate(b.perSecond)} req/s p99 ${ms(b.p99)}, stack floor ${rate(f.perSecond)} req/s p99 ${ms(f.p99)}`,
      );
    }

    const med = (results: LoadResult[], pick: (r: LoadResult) => number) => median(results.map(pick));
    const qRate = med(qingmiao, (r) => r.perSecond);
    const bRate = med(baseline, (r) => r.perSecond);
    const qP99 = med(qingmiao, (r) => r.p99);
    const bP99 = med(baseline, (r) => r.p99);
    const fRate = med(floor, (r) => r.perSecond);
    const fP99 = med(floor, (r) => r.p99);
    const failed = qingmiao.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    const ok = qingmiao.reduce((n, r) => n + r.ok, 0);
    const entries = committed.reduce((n, c) => n + c, 0);
    // Issue 18: at least 0.6× the bare durable server's throughput, at most 1.5× its p99, every answer an entry.
    const met = qRate >= 0.6 * bRate && qP99 <= 1.5 * bP99 && failed === 0 && entries >= ok;
    const statuses = qingmiao.flatMap((r) => Object.entries(r.statuses).map(([code, n]) => `${code}×${n}`));
    const row = (name: string, results: LoadResult[], versus: string): string[] => [
      name,
      rate(med(results, (r) => r.perSecond)),
      runsOf(results.map((r) => r.perSecond)),
      ms(med(results, (r) => r.p50)),
      ms(med(results, (r) => r.p95)),
      ms(med(results, (r) => r.p99)),
      runsOf(
        results.map((r) => r.p99),
        (v) => formatNumber(v, 1),
      ),
      formatNumber(results.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)),
      versus,
    ];
    const markdown = [
      `${CONNECTIONS} concurrent clients (autocannon connections, one request in flight each) for ${mode.loadSeconds} s per run, ${mode.runs} runs, the three servers taking turns at going first. Each request submits a new entry (new \`submissionId\`) as one of the 100 schools (its own school token) to one of ${CAMPAIGNS_PER_ROUND} open ESSAY campaigns without an entry limit (fresh campaigns per run); the mutation answers \`{ id status }\` once the entry is visible to queries. Server: the production bundle (\`node services/api/dist/qingmiao.mjs serve\`, built by \`npm run build\` at the start of the run) in its default production configuration (NODE_ENV=production, QINGMIAO_LOG_LEVEL unset: info, one request log line per request, its stdout a pipe to a log collector writing a file) with QINGMIAO_RATE_LIMIT=${formatNumber(RATE_LIMIT)} (the per-token limiter still runs; its default of 1,200/min would refuse a load test). Latency is measured by the load generator in the same 2-core machine, so client and server share the CPUs.`,
      '',
      table(
        ['server', 'req/s (median)', 'runs', 'p50', 'p95', 'p99', 'p99 runs (ms)', 'failed', 'vs bare'],
        [
          row('Qingmiao `submitEntry`', qingmiao, ratio(qRate, bRate)),
          row('bare `http` + 1 durable row per request (synchronous=FULL)', baseline, '1.00×'),
          row('express + graphql-yoga + Pothos + the event store append alone', floor, ratio(fRate, bRate)),
        ],
      ),
      '',
      `The third row is the floor of the fixed stack: the same mutation (its input coerced against a Pothos input type, \`{ id status }\` answered) through express and graphql-yoga, appended as one event to the product's event store (writer thread, group commit, synchronous=FULL), with nothing else of Qingmiao — no authentication, rate limit, request log, metrics, validation, decider, sealing, read model or read-your-writes wait. It reaches ${ratio(fRate, bRate)} the bare server's req/s with p99 ${ratio(fP99, bP99)} its p99; Qingmiao reaches ${ratio(qRate, fRate)} the floor's req/s: ${fRate >= 0.6 * bRate ? "the distance to the goal is in Qingmiao's own work, not in the stack or the store" : 'the stack and the store alone are below the goal'}.`,
      '',
      `What a submission costs the Qingmiao server (its process, all threads, from Linux's \`/proc/<pid>/stat\` and \`/proc/<pid>/io\` around each run, divided by the run's 2xx answers; the medians of the runs): ${formatNumber(median(perRequest.map((r) => r.cpuUs)))} µs of CPU, ${formatNumber(median(perRequest.map((r) => r.writes)), 1)} write calls, ${formatNumber(median(perRequest.map((r) => r.kib)), 1)} KiB written (the event log, the read models' write-ahead log and its checkpoints, the request log).`,
      '',
      `Check: ${formatNumber(ok)} 2xx answers from Qingmiao, ${formatNumber(entries)} entries in its read models afterwards${entries < ok ? ` — **${formatNumber(ok - entries)} answers carried GraphQL errors**` : ' (every 2xx answer was an accepted entry; a few more may have been committed by requests still in flight when a run stopped)'}${statuses.length ? `; non-2xx: ${statuses.join(', ')}` : ''}.`,
      '',
      table(
        ['goal (issue 18)', 'figure', 'result'],
        [[GOAL, `${ratio(qRate, bRate)}, p99 ${ratio(qP99, bP99)}`, yesNo(met)]],
      ),
    ].join('\n');
    return {
      title: '3. `submitEntry` over HTTP, 50 clients',
      markdown,
      headlines: [
        {
          benchmark: '3. submitEntry over HTTP, 50 clients',
          figure: `${rate(qRate)} req/s, p50 ${ms(med(qingmiao, (r) => r.p50))}, p95 ${ms(med(qingmiao, (r) => r.p95))}, p99 ${ms(qP99)} (${ratio(qRate, bRate)} the bare durable server's req/s; the stack and the store alone ${ratio(fRate, bRate)})`,
          goal: GOAL,
          met,
        },
      ],
    };
  } finally {
    for (const child of children) await child.stop();
  }
}
