/**
 * `npm run demo`: seeds the Taicang 2022 campaign year into a fresh data directory through the server's own command
 * path, then serves it with the web app and prints the dashboard's URL with a viewer token and an organizer token.
 *
 *   npm run demo                          # ./data-demo, full year, http://localhost:4000
 *   npm run demo -- --reset               # delete ./data-demo first (only Qingmiao's files are allowed in it)
 *   npm run demo -- --scale 0.2 --seed 7  # a smaller year, another draw
 *   npm run demo -- --no-serve            # seed, print the figures and exit
 *
 * Configuration is the server's (QINGMIAO_PORT, QINGMIAO_HOST, QINGMIAO_AUTH_SECRET, QINGMIAO_LOG_LEVEL, …) except
 * that QINGMIAO_DATA_DIR defaults to ./data-demo so the demo never writes into ./data.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, createQingmiao, loadConfig, mintToken, prepareWebApp, resolveAuthSecret } from '@qingmiao/api';
import { awardCap, KIND_POLICIES } from '@qingmiao/domain';
import { comparePositions, START } from '@qingmiao/event-store';
import {
  type AnyDocument,
  graphql,
  type ResultOf,
  readAnswer,
  requestBody,
  type VariablesOf,
} from '@qingmiao/schema/graphql';
import { createDemoCommands, type SeedCounts, seedDemoYear } from './demo/seed.ts';
import { type DemoPlan, generateTaicang2022 } from './demo/taicang-2022.ts';

const USAGE = `Usage: npm run demo -- [--reset] [--scale <0..1>] [--seed <n>] [--concurrency <n>] [--no-serve]

  --reset          delete the data directory first (QINGMIAO_DATA_DIR, default ./data-demo)
  --scale <s>      share of the schools, lecturers and lectures, 0 < s ≤ 1 (default 1: 100 schools)
  --seed <n>       seed of the generator (default 2022)
  --concurrency n  commands in flight while seeding (default 64)
  --no-serve       exit after seeding instead of starting the server
`;

/** What Qingmiao writes into its data directory; --reset deletes nothing else. */
const QINGMIAO_FILES =
  /^(?:(?:events|read-models|keys|access-log|sessions|uploads)\.db(?:-wal|-shm|-journal)?|read-models|files|dev-auth-secret|dev-master-key)$/;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

function resetDataDir(dir: string): void {
  if (!existsSync(dir)) return;
  const foreign = readdirSync(dir).filter((name) => !QINGMIAO_FILES.test(name));
  if (foreign.length > 0) {
    fail(`refusing to delete ${dir}: it holds files Qingmiao did not write (${foreign.slice(0, 5).join(', ')})`);
  }
  rmSync(dir, { recursive: true, force: true });
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) fail(`--${name} must be a number, not ${value}`);
  return parsed;
}

const { values: args } = (() => {
  try {
    return parseArgs({
      options: {
        reset: { type: 'boolean', default: false },
        scale: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        'no-serve': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
})();
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const scale = number(args.scale, 'scale', 1);
if (!(scale > 0 && scale <= 1)) fail(`--scale must be in (0, 1], not ${scale}`);
const seed = number(args.seed, 'seed', 2022);
const concurrency = number(args.concurrency, 'concurrency', 64);

const config = (() => {
  try {
    return loadConfig({
      // The demo year is 2022, whose personal data the default retention (3 years) expired on 2026-01-01.
      QINGMIAO_PII_RETENTION_YEARS: '50',
      ...process.env,
      QINGMIAO_DATA_DIR: process.env.QINGMIAO_DATA_DIR ?? './data-demo',
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
const dataDir = resolve(config.dataDir);
if (args.reset) resetDataDir(dataDir);

const logger = createLogger(config.logLevel, 'qingmiao-demo');
const qingmiao = createQingmiao(config, logger, args['no-serve'] ? {} : { webApp: prepareWebApp() });
await qingmiao.ready;
if (comparePositions(await qingmiao.store.headPosition(), START) > 0) {
  await qingmiao.close();
  fail(`${dataDir} already holds events; run with --reset to replace them with the demo year`);
}

const plan = generateTaicang2022({ seed, scale });
process.stderr.write(
  `Seeding Taicang 2022 (seed ${seed}, scale ${scale}): ${plan.schools.length} schools, ${plan.lecturers.length} ` +
    `lecturers, ${plan.campaigns.length} campaigns, ${plan.entries.length} entries, ${plan.lectures.length} lectures ` +
    `into ${dataDir}\n`,
);

const { commands, clock } = createDemoCommands(qingmiao.store, plan);
let lastMonth = '';
let counts: SeedCounts;
try {
  counts = await seedDemoYear(commands, plan, {
    clock,
    concurrency,
    onProgress: ({ done, total, at }) => {
      const month = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
      if (month === lastMonth && done < total) return;
      lastMonth = month;
      process.stderr.write(`  ${month}  ${String(done).padStart(6)} / ${total} commands\n`);
    },
  });
} catch (error) {
  await qingmiao.close();
  fail(`seeding failed: ${error instanceof Error ? error.message : String(error)}`);
}
const seeded = performance.now();
// The read models follow the log while seeding; wait until they include the last command's events.
await qingmiao.readSide.waitFor(counts.lastPosition, 600_000);
await qingmiao.readSide.waitFor(counts.lastPosition);
const projected = performance.now() - seeded;

printSummary(plan, counts, projected);

if (args['no-serve']) {
  await qingmiao.close();
  process.exit(0);
}

const server = createServer(qingmiao.app);
await new Promise<void>((done, reject) => {
  server.once('error', reject);
  server.listen(config.port, config.host, done);
}).catch(async (error: unknown) => {
  await qingmiao.close();
  fail(`cannot listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}`);
});
const { port } = server.address() as AddressInfo;
const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
const base = `http://${host}:${port}`;
const secret = resolveAuthSecret(config);
const organizer = await mintToken(secret, { sub: plan.organizer, role: 'organizer' }, '30d');
const viewer = await createDemoViewer(base, organizer).catch(async (error: unknown) => {
  server.close();
  await qingmiao.close();
  return fail(`creating the demo viewer account failed: ${error instanceof Error ? error.message : String(error)}`);
});

process.stdout.write(
  [
    '',
    `Dashboard:        ${base}/dashboard  (登录名 ${viewer.login}, 密码 ${viewer.password})`,
    `GraphiQL:         ${base}/graphql`,
    '',
    `Organizer token:  ${organizer}`,
    '',
    'The token is valid for 30 days. Ctrl-C stops the server; the data stays in the directory above.',
    '',
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    void qingmiao.close().then(() => process.exit(0));
  });
}

/** Through the server's own API, as the office would: a viewer account, created and activated with its code. */
async function createDemoViewer(base: string, token: string): Promise<{ login: string; password: string }> {
  const login = 'demo-viewer';
  // A local demonstration's account: its password is printed with the link.
  const password = 'qingmiao-demo-2022';
  const post = async <D extends AnyDocument>(document: D, variables: VariablesOf<D>, bearer?: string) => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
      body: requestBody(document, variables),
    });
    const answer = readAnswer<ResultOf<D>>(response.status, await response.text());
    if (answer.errors?.length || !answer.data) {
      throw new Error(answer.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`);
    }
    return answer.data;
  };
  const { createAccount } = await post(
    graphql('mutation DemoViewer($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }'),
    { input: { login, displayName: '演示查看账号', role: 'viewer' } },
    token,
  );
  await post(
    graphql('mutation DemoActivate($input: ActivateAccountInput!) { activateAccount(input: $input) { expiresAt } }'),
    { input: { login, activationCode: createAccount.activationCode, password } },
  );
  return { login, password };
}

function printSummary(plan: DemoPlan, counts: SeedCounts, projectedMs: number): void {
  const read = qingmiao.readSide.read;
  const lines = [
    '',
    `Seeded ${counts.commands} commands (${counts.events} events, ${counts.batches} batches) in ` +
      `${(counts.durationMs / 1000).toFixed(1)} s; read models caught up ${(projectedMs / 1000).toFixed(1)} s later.`,
    '',
  ];
  for (const c of read.campaigns({ year: plan.year })) {
    const figures =
      KIND_POLICIES[c.kind].takes === 'lectures'
        ? `${c.sessionsDelivered}/${c.targetSessions ?? '–'} sessions, audience ${c.audience}`
        : `${c.entryCount} entries from ${c.schoolCount} schools` +
          (c.awardQuota === null ? '' : `, ${c.awardsGranted} awards (cap ${awardCap(c.awardQuota, c.entryCount)})`);
    lines.push(`  ${c.status.padEnd(17)} ${c.title}: ${figures}`);
  }
  const towns = read.participation(plan.year, 'TOWN');
  const students = towns.reduce((sum, t) => sum + t.students, 0);
  const enrolled = towns.reduce((sum, t) => sum + (t.enrolled ?? 0), 0);
  lines.push(
    '',
    `  ${read.schools().length} schools in ${towns.length} towns, ${students} students took part of ${enrolled} ` +
      `enrolled (${((100 * students) / Math.max(1, enrolled)).toFixed(1)}%), ${read.lecturers().length} lecturers.`,
    '',
  );
  process.stderr.write(`${lines.join('\n')}\n`);
}
