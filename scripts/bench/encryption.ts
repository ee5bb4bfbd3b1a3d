/**
 * Benchmark 9: what sealing participants' personal data costs the write path and the catch-up path.
 *
 * Write path: appends of an essay submission (one participant, an advisor) through `ProtectedEventStore` (fresh
 * data keys from the pool, AES-256-GCM, a SQLite key store beside the log) vs the same appends on the bare
 * `SqliteEventStore`, 1 and 16 writers, interleaved in short slices on fresh files in every round (as benchmark 1).
 * Catch-up: a fresh `ProjectionRunner` rebuilding every read model from a log with entries, reading the sealed copy
 * of the log through `ProtectedEventStore` (a new key ring each round: every key set is read from keys.db and unwrapped)
 * vs the same log in clear on the bare store, order alternating. The machine may be shared: each figure is the
 * median of the rounds, and the range of the per-round ratios is given.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandMeta, Commands } from '@qingmiao/domain';
import { copyLog, type EventStore, readLog, SqliteEventStore } from '@qingmiao/event-store';
import { deriveKeys, KeyRing, ProtectedEventStore, protectPersonalData, SqliteKeyStore } from '@qingmiao/privacy';
import { ProjectionRunner, projections } from '@qingmiao/projections';
import { type Contender, interleaved, qingmiaoContender } from './appends.ts';
import {
  bytes,
  type Context,
  formatNumber,
  median,
  rate,
  ratio,
  runsOf,
  type Section,
  table,
  yesNo,
} from './harness.ts';
import type { LogCache } from './log.ts';

/** The bound: sealing may cost the write and catch-up paths at most 15 %. */
const MAX_COST = 0.15;

const remove = (path: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
};

/** The cost of sealing in a pair of rates: 1 − sealed / clear. */
const costOf = (sealed: number, clear: number) => 1 - sealed / clear;
const percent = (value: number) => `${formatNumber(value * 100, 1)} %`;
const rangeOf = (values: readonly number[]) =>
  values.length === 0 ? 'n/a' : `${percent(Math.min(...values))} … ${percent(Math.max(...values))}`;

/** A protected store over `store` with its own key store file and master key. */
function sealing(keysPath: string) {
  const masterKey = randomBytes(32);
  return (store: EventStore) => protectPersonalData(store, new SqliteKeyStore(keysPath), masterKey).store;
}

const ORGANIZER: CommandMeta = { actor: { sub: 'bench-organizer', role: 'organizer' }, correlationId: 'bench' };
const WRITERS = 16;

/**
 * `submitEntry` through the domain's `Commands` (input validation, the school and campaign states, the decider, the
 * command runner's batching, the durable append), 16 schools submitting at once to one campaign, each entry with a
 * keyed student, a retired teacher and an advisor: the write path of the server without HTTP and GraphQL.
 */
function submitContender(path: string, wrap: (store: SqliteEventStore) => EventStore = (store) => store): Contender {
  const store = wrap(new SqliteEventStore({ path }));
  const commands = new Commands(store);
  const schools = Array.from({ length: WRITERS }, (_, w) => `bench-school-${w}`);
  const ready = (async () => {
    for (const id of schools) {
      await commands.registerSchool({ id, name: `城厢镇第${id}小学`, kind: 'PRIMARY', town: '城厢镇' }, ORGANIZER);
    }
    const year = new Date().getFullYear();
    await commands.createCampaign(
      {
        id: 'bench-essay',
        kind: 'ESSAY',
        title: '基准测试征文',
        year,
        opensAt: new Date(Date.now() - 86_400_000).toISOString(),
        closesAt: '2099-12-31T23:59:59+08:00',
      },
      ORGANIZER,
    );
    await commands.openCampaign({ id: 'bench-essay' }, ORGANIZER);
  })();
  let submitted = 0;
  return {
    async slice(ms) {
      await ready;
      const start = performance.now();
      const end = start + ms;
      let ops = 0;
      await Promise.all(
        schools.map(async (schoolId) => {
          const meta: CommandMeta = {
            actor: { sub: `contact-${schoolId}`, role: 'school', schoolId },
            correlationId: 'b',
          };
          while (performance.now() < end) {
            const n = submitted++;
            await commands.submitEntry(
              {
                submissionId: randomUUID(),
                campaignId: 'bench-essay',
                schoolId,
                title: '爷爷的勋章',
                participants: [
                  { name: '李小明', role: 'STUDENT', grade: '五年级', key: `2022${n}` },
                  { name: '陈老师', role: 'RETIRED_TEACHER' },
                ],
                advisor: '王老师',
              },
              meta,
            );
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

async function writePath(ctx: Context) {
  const { mode, work } = ctx;
  const results = {
    clear1: [] as number[],
    sealed1: [] as number[],
    clear16: [] as number[],
    sealed16: [] as number[],
    clearSubmit: [] as number[],
    sealedSubmit: [] as number[],
  };
  const costs = { one: [] as number[], sixteen: [] as number[], submit: [] as number[] };
  await interleaved(
    [
      qingmiaoContender(join(work, 'enc-warm-c.db'), 1),
      qingmiaoContender(join(work, 'enc-warm-s.db'), 1, sealing(join(work, 'enc-warm-keys.db'))),
    ],
    0.4,
    false,
  );
  for (let round = 0; round < mode.runs; round++) {
    const keys = [1, 16, 'submit'].map((writers) => join(work, `enc-keys-${writers}-${round}.db`));
    const [c1, s1, c16, s16, cs, ss] = await interleaved(
      [
        qingmiaoContender(join(work, `enc-c1-${round}.db`), 1),
        qingmiaoContender(join(work, `enc-s1-${round}.db`), 1, sealing(keys[0] as string)),
        qingmiaoContender(join(work, `enc-c16-${round}.db`), 16),
        qingmiaoContender(join(work, `enc-s16-${round}.db`), 16, sealing(keys[1] as string)),
        submitContender(join(work, `enc-cs-${round}.db`)),
        submitContender(join(work, `enc-ss-${round}.db`), sealing(keys[2] as string)),
      ],
      mode.sampleSeconds,
      round % 2 === 1,
    );
    for (const path of keys) remove(path);
    results.clear1.push(c1 as number);
    results.sealed1.push(s1 as number);
    results.clear16.push(c16 as number);
    results.sealed16.push(s16 as number);
    costs.one.push(costOf(s1 as number, c1 as number));
    costs.sixteen.push(costOf(s16 as number, c16 as number));
    results.clearSubmit.push(cs as number);
    results.sealedSubmit.push(ss as number);
    costs.submit.push(costOf(ss as number, cs as number));
    ctx.log(
      `encryption, appends round ${round + 1}/${mode.runs}: 1 writer ${rate(c1 as number)}/s clear, ${rate(s1 as number)}/s sealed; 16 writers ${rate(c16 as number)}/s clear, ${rate(s16 as number)}/s sealed; submitEntry ${rate(cs as number)}/s clear, ${rate(ss as number)}/s sealed`,
    );
  }
  return { results, costs };
}

/** A fresh runner on `store` until caught up: events per second. */
async function rebuild(store: EventStore, modelPath: string, events: number): Promise<number> {
  remove(modelPath);
  const start = performance.now();
  const runner = new ProjectionRunner({ store, path: modelPath, projections });
  await runner.start();
  const seconds = (performance.now() - start) / 1000;
  await runner.stop();
  remove(modelPath);
  return events / seconds;
}

async function catchUp(ctx: Context, logs: LogCache) {
  const { mode, work } = ctx;
  const events = mode.quick ? 20_000 : 200_000;
  const clearPath = join(work, `enc-clear-${events}.db`);
  const log = await logs.copyTo(events, clearPath);
  const sealedPath = join(work, `enc-sealed-${events}.db`);
  const keysPath = join(work, `enc-keys-${events}.db`);
  const masterKey = randomBytes(32);
  // The sealed copy, as `migrate --encrypt-personal-data` would write it (the bench log is at current versions).
  const sealStart = performance.now();
  const clear = new SqliteEventStore({ path: clearPath });
  const target = protectPersonalData(
    new SqliteEventStore({ path: sealedPath }),
    new SqliteKeyStore(keysPath),
    masterKey,
  );
  await copyLog(readLog(clear), target.store);
  await Promise.all([clear.close(), target.store.close()]);
  const sealSeconds = (performance.now() - sealStart) / 1000;
  const entryEvents = (log.types.get('EntrySubmitted') ?? 0) + (log.types.get('EntryRevised') ?? 0);
  const clearRates: number[] = [];
  const sealedRates: number[] = [];
  const costs: number[] = [];
  const { wrapping, pseudonym } = deriveKeys(masterKey);
  for (let round = 0; round < mode.runs; round++) {
    const clearRun = async () => {
      const store = new SqliteEventStore({ path: clearPath });
      clearRates.push(await rebuild(store, join(work, 'enc-model-c.db'), events));
      await store.close();
    };
    const sealedRun = async () => {
      // A new key ring: every key set is read from the key store and unwrapped, as on a server's first rebuild.
      const store = new ProtectedEventStore(
        new SqliteEventStore({ path: sealedPath }),
        new KeyRing(new SqliteKeyStore(keysPath), wrapping),
        pseudonym,
      );
      sealedRates.push(await rebuild(store, join(work, 'enc-model-s.db'), events));
      await store.close();
    };
    for (const run of round % 2 === 0 ? [clearRun, sealedRun] : [sealedRun, clearRun]) await run();
    costs.push(costOf(sealedRates.at(-1) as number, clearRates.at(-1) as number));
    ctx.log(
      `encryption, catch-up round ${round + 1}/${mode.runs}: clear ${rate(clearRates.at(-1) as number)} ev/s, sealed ${rate(sealedRates.at(-1) as number)} ev/s`,
    );
  }
  return {
    events,
    entryEvents,
    sizes: { clear: statSync(clearPath).size, sealed: statSync(sealedPath).size, keys: statSync(keysPath).size },
    sealRate: events / sealSeconds,
    clearRates,
    sealedRates,
    costs,
  };
}

export async function encryptionBenchmark(ctx: Context, logs: LogCache): Promise<Section> {
  const { results, costs } = await writePath(ctx);
  const rebuilt = await catchUp(ctx, logs);
  const figures = [
    { name: 'appends, 1 writer', clear: median(results.clear1), sealed: median(results.sealed1), costs: costs.one },
    {
      name: 'appends, 16 writers',
      clear: median(results.clear16),
      sealed: median(results.sealed16),
      costs: costs.sixteen,
    },
    {
      name: `submitEntry (Commands), ${WRITERS} schools`,
      clear: median(results.clearSubmit),
      sealed: median(results.sealedSubmit),
      costs: costs.submit,
    },
    {
      name: `catch-up of ${formatNumber(rebuilt.events)} events`,
      clear: median(rebuilt.clearRates),
      sealed: median(rebuilt.sealedRates),
      costs: rebuilt.costs,
    },
  ].map((figure) => ({ ...figure, cost: median(figure.costs) }));
  const runs = [
    [results.clear1, results.sealed1],
    [results.clear16, results.sealed16],
    [results.clearSubmit, results.sealedSubmit],
    [rebuilt.clearRates, rebuilt.sealedRates],
  ];
  const markdown = [
    `Write path: each of ${ctx.mode.runs} rounds opens every store on a fresh file (the sealing ones with a fresh keys.db and master key) and alternates between them in short slices until each has run ${ctx.mode.sampleSeconds} s; the event is an essay submission with one participant and an advisor, whose name, grade, key and advisor are sealed; \`submitEntry\` goes through the domain's \`Commands\` (validation, states, decider, the command runner's batching, the append) for ${WRITERS} schools at once, two participants and an advisor per entry. Catch-up: a log of ${formatNumber(rebuilt.events)} events (${formatNumber(rebuilt.entryEvents)} of them entries; ${bytes(rebuilt.sizes.clear)} in clear, ${bytes(rebuilt.sizes.sealed)} sealed, keys.db ${bytes(rebuilt.sizes.keys)}; sealed at ${rate(rebuilt.sealRate)} events/s by copying it through \`ProtectedEventStore\`), rebuilt by a fresh \`ProjectionRunner\` ${ctx.mode.runs} times each way, order alternating; the sealed side starts each round with an empty key cache. Cost = 1 − sealed / clear, per round; the figure is the median round.`,
    '',
    table(
      [
        'path',
        'clear (median)',
        'sealed (median)',
        'runs clear',
        'runs sealed',
        'sealed vs clear',
        'cost (median)',
        'cost, range of rounds',
      ],
      figures.map((figure, i) => [
        figure.name,
        `${rate(figure.clear)}/s`,
        `${rate(figure.sealed)}/s`,
        runsOf(runs[i]?.[0] ?? []),
        runsOf(runs[i]?.[1] ?? []),
        ratio(figure.sealed, figure.clear, 'percent'),
        percent(figure.cost),
        rangeOf(figure.costs),
      ]),
    ),
    '',
    table(
      ['goal', 'figure', 'result'],
      figures.map((figure) => [`${figure.name}: cost ≤ 15 %`, percent(figure.cost), yesNo(figure.cost <= MAX_COST)]),
    ),
  ].join('\n');
  return {
    title: '9. Encryption of personal data (cost on the write and catch-up paths)',
    markdown,
    headlines: figures.map((figure) => ({
      benchmark: `9. sealing, ${figure.name}`,
      figure: `${percent(figure.cost)} slower (${rate(figure.sealed)}/s vs ${rate(figure.clear)}/s in clear)`,
      goal: '≤ 15 % cost',
      met: figure.cost <= MAX_COST,
    })),
  };
}
