import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, type GraphQLResult, postGraphQL } from '../support/graphql-http.ts';
import {
  killAll,
  makeDataDir,
  removeDataDir,
  type ServerProcess,
  sleep,
  startServerProcess,
} from '../support/server-process.ts';
import {
  entryInput,
  figures,
  isTransient,
  Organizer,
  SUBMIT,
  type SubmitEntryInput,
  type SubmittedEntry,
} from './client.ts';
import { checkLog } from './log-file.ts';
import { LONG, RELIABILITY_ENV } from './settings.ts';

/**
 * Item 2 of issue 7: the server process killed with SIGKILL at a random moment of a submission burst, and started
 * again on the same data directory, round after round (3 in CI, 10 with QINGMIAO_LONG=1). After each restart:
 * every acknowledged submission and withdrawal is in the log exactly once, the log holds no half-written event and
 * no revision gap, the per-school limit held, a retry of what was in flight at the kill is a no-op or a clean
 * first write, and the read models that lived through the kill equal a fresh rebuild from the log.
 */
const ROUNDS = LONG ? 10 : 3;
const CLIENTS = 24;
const LIMIT = 2;

const dataDir = makeDataDir('qingmiao-crash-');
let server: ServerProcess | undefined;
let organizer: Organizer;
let unlimited: string;
let limited: string;
const schools: Array<{ id: string; token: string }> = [];

/** What the clients were told, across every round. */
const acknowledged = new Map<string, { entry: SubmittedEntry; input: SubmitEntryInput }>();
const withdrawals = new Set<string>();

async function start(): Promise<ServerProcess> {
  server = await startServerProcess({ dataDir, env: RELIABILITY_ENV });
  return server;
}

beforeAll(async () => {
  const running = await start();
  organizer = new Organizer(running.url, await running.token('organizer', { sub: 'crash-office' }));
  const seeded = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const id = await organizer.registerSchool({ town: ['城厢镇', '沙溪镇', '浏河镇'][i % 3] });
      await organizer.recordEnrollment(id, 2022, 500 + i);
      return { id, token: await running.token('school', { sub: `contact-${id}`, schoolId: id }) };
    }),
  );
  schools.push(...seeded);
  unlimited = await organizer.createCampaign({ kind: 'ESSAY', title: '筑梦九天读书征文' });
  limited = await organizer.createCampaign({ kind: 'ESSAY', title: '童心喜迎二十大', maxEntriesPerSchool: LIMIT });
}, 120_000);

afterAll(async () => {
  await killAll();
  removeDataDir(dataDir);
});

interface Burst {
  /** Submissions sent whose answer never came (the process died): written or not. */
  readonly inFlight: Array<{ token: string; input: SubmitEntryInput }>;
  /** Withdrawals sent whose answer never came. */
  readonly withdrawing: Array<{ token: string; entryId: string }>;
  readonly acks: number;
  readonly killedAfterMs: number;
}

/**
 * Every client submits (and now and then withdraws one of its entries) as fast as it is answered, until the process
 * is killed: after the first acknowledgement and a random further 0–700 ms.
 */
async function burst(running: ServerProcess): Promise<Burst> {
  const inFlight: Burst['inFlight'] = [];
  const withdrawing: Burst['withdrawing'] = [];
  let dead = false;
  let acks = 0;
  let firstAck: () => void = () => {};
  const acked = new Promise<void>((resolve) => {
    firstAck = resolve;
  });
  const began = performance.now();

  async function client(school: { id: string; token: string }, index: number): Promise<void> {
    const mine: string[] = [];
    for (let n = 0; !dead; n++) {
      const own = mine.filter((id) => !withdrawals.has(id));
      if (own.length > 0 && Math.random() < 0.2) {
        const entryId = own[Math.floor(Math.random() * own.length)] as string;
        try {
          const result = await postGraphQL(
            running.url,
            school.token,
            `mutation($i: WithdrawEntryInput!) { withdrawEntry(input: $i) { id status } }`,
            { i: { entryId, reason: '学生转学' } },
            { timeoutMs: 30_000 },
          );
          expect(result.status, JSON.stringify(result.errors)).toBe(200);
          expect(codeOf(result)).toBe('OK');
          withdrawals.add(entryId);
          acks++;
          firstAck();
        } catch (error) {
          if (!isTransient(error)) throw error;
          withdrawing.push({ token: school.token, entryId });
          return;
        }
        continue;
      }
      const campaignId = (index + n) % 2 === 0 ? unlimited : limited;
      const input = entryInput(campaignId, school.id, `${school.id}-${randomUUID()}`);
      let result: GraphQLResult<{ submitEntry: SubmittedEntry }>;
      try {
        result = await postGraphQL(running.url, school.token, SUBMIT, { i: input }, { timeoutMs: 30_000 });
      } catch (error) {
        if (!isTransient(error)) throw error;
        inFlight.push({ token: school.token, input });
        return;
      }
      expect(result.status, JSON.stringify(result.errors)).toBe(200);
      const code = codeOf(result);
      if (code === 'LIMIT_EXCEEDED' && campaignId === limited) continue;
      expect(code, JSON.stringify(result.errors)).toBe('OK');
      const entry = dataOf(result).submitEntry;
      acknowledged.set(entry.id, { entry, input });
      mine.push(entry.id);
      acks++;
      firstAck();
    }
  }

  const clients = schools.map((school, i) => client(school, i));
  const killer = (async () => {
    await Promise.race([acked, sleep(20_000)]);
    await sleep(Math.random() * 700);
    const killedAfterMs = performance.now() - began;
    dead = true;
    await running.kill();
    return killedAfterMs;
  })();
  const killedAfterMs = await killer;
  await Promise.all(clients);
  return { inFlight, withdrawing, acks, killedAfterMs };
}

describe(`kill -9 during submission bursts, ${ROUNDS} rounds`, () => {
  it(
    'keeps every acknowledged change exactly once, writes nothing by halves and rebuilds to the same read models',
    async () => {
      let running = server;
      if (!running) throw new Error('no server');
      for (let round = 1; round <= ROUNDS; round++) {
        const { inFlight, withdrawing, acks, killedAfterMs } = await burst(running);
        expect(acks, `round ${round}: nothing acknowledged before the kill`).toBeGreaterThan(0);

        // The log as the killed process left it.
        const log = await checkLog(join(dataDir, 'events.db'));
        expect(log.problems, `round ${round}`).toEqual([]);
        for (const [entryId, { input }] of acknowledged) {
          expect(log.submitted.get(entryId), `round ${round}: acknowledged ${entryId}`).toBe(1);
          expect(log.entries.get(entryId)).toMatchObject({ title: input.title, schoolId: input.schoolId });
        }
        expect([...log.submitted].filter(([, n]) => n !== 1)).toEqual([]);
        for (const entryId of withdrawals) expect(log.withdrawn.has(entryId), entryId).toBe(true);

        running = await start();
        const url = running.url;
        // What was in flight at the kill, sent again with the same submissionId: the entry written before the
        // kill comes back (nothing appended), or it is written now; the limited campaign may refuse a new one.
        let refused = 0;
        for (const { token, input } of inFlight) {
          const result = await postGraphQL(url, token, SUBMIT, { i: input });
          const code = codeOf(result);
          if (code === 'LIMIT_EXCEEDED' && input.campaignId === limited) {
            refused++;
            continue;
          }
          expect(code, JSON.stringify(result.errors)).toBe('OK');
          const entry = dataOf(result).submitEntry;
          acknowledged.set(entry.id, { entry, input });
        }
        // A withdrawal in flight at the kill, sent again: done before the kill (a no-op now) or done now.
        for (const { token, entryId } of withdrawing) {
          const result = await postGraphQL(
            url,
            token,
            `mutation($i: WithdrawEntryInput!) { withdrawEntry(input: $i) { id status } }`,
            { i: { entryId, reason: '学生转学' } },
          );
          expect(codeOf(result), JSON.stringify(result.errors)).toBe('OK');
          withdrawals.add(entryId);
        }
        const after = await checkLog(join(dataDir, 'events.db'));
        expect(after.problems).toEqual([]);
        expect([...after.submitted].filter(([, n]) => n !== 1)).toEqual([]);
        expect(after.submitted.size).toBe(acknowledged.size);

        // The per-school limit held through everything: live entries per school in the limited campaign.
        const live = new Map<string, number>();
        for (const [entryId, data] of after.entries) {
          if (data.campaignId !== limited || after.withdrawn.has(entryId)) continue;
          live.set(String(data.schoolId), (live.get(String(data.schoolId)) ?? 0) + 1);
        }
        for (const [schoolId, count] of live) expect(count, schoolId).toBeLessThanOrEqual(LIMIT);

        // The read models that lived through the kill say what the log says…
        const token = organizer.token;
        const before = await figures(url, token, 2022, [unlimited, limited]);
        const listed = [unlimited, limited].flatMap(
          (id) => (before[`campaign ${id}`] as { entries: Array<{ id: string; status: string }> }).entries,
        );
        expect(listed.map((entry) => entry.id).sort()).toEqual([...acknowledged.keys()].sort());
        for (const entry of listed) {
          expect(entry.status, entry.id).toBe(withdrawals.has(entry.id) ? 'WITHDRAWN' : 'LIVE');
        }
        // …and equal a fresh rebuild from it.
        const rebuilt = dataOf(
          await postGraphQL(url, token, graphql(`mutation Rebuild { rebuildReadModels { generation position } }`)),
        ).rebuildReadModels;
        expect(BigInt(rebuilt.position)).toBe(BigInt(after.events));
        expect(await figures(url, token, 2022, [unlimited, limited])).toEqual(before);
        console.log(
          `crash round ${round}: killed after ${killedAfterMs.toFixed(0)} ms, ${acks} changes acknowledged in the ` +
            `burst; ${inFlight.length} submissions in flight, of which ` +
            `${inFlight.length - refused - (after.submitted.size - log.submitted.size)} had been written before ` +
            `the kill; ${after.events} events in the log`,
        );
      }
    },
    ROUNDS * 60_000 + 60_000,
  );
});
