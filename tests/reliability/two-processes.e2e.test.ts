import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
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
import { entryInput, GROUPINGS, Organizer, PARTICIPATION, SUBMIT } from './client.ts';
import { checkLog } from './log-file.ts';
import { LONG, RELIABILITY_ENV } from './settings.ts';

/**
 * Item 3 of issue 7: two API processes on one SQLite event store file (QINGMIAO_EVENT_STORE=sqlite:PATH), each
 * with its own data directory for its read models. Both take writes at once; every rule holds across them, and
 * both read models converge.
 */
const storeDir = makeDataDir('qingmiao-shared-store-');
const storePath = join(storeDir, 'events.db');
const dirs = [makeDataDir('qingmiao-instance-a-'), makeDataDir('qingmiao-instance-b-')];
let servers: ServerProcess[] = [];
let organizers: Organizer[] = [];
/** Rounds of each race (more with QINGMIAO_LONG=1). */
const RACES = LONG ? 10 : 2;

beforeAll(async () => {
  // Started together on a store that does not exist yet: both create it.
  servers = await Promise.all(
    dirs.map((dataDir) =>
      startServerProcess({ dataDir, env: { ...RELIABILITY_ENV, QINGMIAO_EVENT_STORE: `sqlite:${storePath}` } }),
    ),
  );
  organizers = await Promise.all(
    servers.map(async (server) => new Organizer(server.url, await server.token('organizer', { sub: 'office' }))),
  );
}, 120_000);

afterAll(async () => {
  await killAll();
  for (const dir of [storeDir, ...dirs]) removeDataDir(dir);
});

/** The process for the i-th of concurrent calls: alternately one and the other. */
const via = (i: number) => servers[i % 2] as ServerProcess;
const organizerVia = (i: number) => organizers[i % 2] as Organizer;

function codes(results: readonly GraphQLResult<unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const result of results) {
    expect(result.status, JSON.stringify(result.errors)).toBe(200);
    const code = codeOf(result);
    out[code] = (out[code] ?? 0) + 1;
  }
  return out;
}

describe('two API processes on one SQLite event store', () => {
  it('keep data dirs apart: each has its own read models, neither has an events.db of its own', () => {
    for (const dir of dirs) {
      expect(existsSync(join(dir, 'read-models', 'CURRENT'))).toBe(true);
      expect(existsSync(join(dir, 'events.db'))).toBe(false);
    }
    expect(existsSync(storePath)).toBe(true);
  });

  it('per-school limit: of 10 concurrent submissions split across both, exactly maxEntriesPerSchool (3) pass', async () => {
    const organizer = organizerVia(0);
    for (let race = 0; race < RACES; race++) {
      const campaignId = await organizer.createCampaign({ kind: 'ESSAY', maxEntriesPerSchool: 3 });
      const schoolIds = await Promise.all([0, 1, 2].map(() => organizer.registerSchool()));
      const results = await Promise.all(
        schoolIds.flatMap((schoolId) =>
          Array.from({ length: 10 }, async (_, i) => {
            const server = via(i);
            const token = await server.token('school', { schoolId });
            return postGraphQL(server.url, token, SUBMIT, {
              i: entryInput(campaignId, schoolId, randomUUID()),
            });
          }),
        ),
      );
      expect(codes(results)).toEqual({ OK: 9, LIMIT_EXCEEDED: 21 });
      for (const schoolId of schoolIds) {
        const mine = results.filter((result) => result.data?.submitEntry.schoolId === schoolId);
        expect(mine.length, schoolId).toBe(3);
      }
      // Both read models come to show three entries per school (the other instance follows within moments).
      for (const server of servers) {
        await until(async () => {
          const { campaign } = dataOf(
            await postGraphQL(
              server.url,
              organizer.token,
              graphql(`query Counts($id: ID!) { campaign(id: $id) { entryCount schoolCount } }`),
              { id: campaignId },
            ),
          );
          return campaign?.entryCount === 9 && campaign.schoolCount === 3;
        });
      }
    }
  });

  it('award quota: of concurrent awards split across both, exactly floor(quota × live entries) pass', async () => {
    const organizer = organizerVia(1);
    for (let race = 0; race < RACES; race++) {
      const campaignId = await organizer.createCampaign({ kind: 'ESSAY', awardQuota: 0.3 });
      const entries: string[] = [];
      for (let i = 0; i < 17; i++) {
        const schoolId = await organizer.registerSchool();
        const result = await postGraphQL(via(i).url, organizer.token, SUBMIT, {
          i: entryInput(campaignId, schoolId, randomUUID()),
        });
        entries.push(dataOf(result).submitEntry.id);
      }
      await organizer.closeCampaign(campaignId);
      const prizes = ['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE'];
      const results = await Promise.all(
        entries.map((entryId, i) =>
          postGraphQL(via(i).url, organizer.token, `mutation($i: AwardEntryInput!) { awardEntry(input: $i) { id } }`, {
            i: { entryId, prize: prizes[i % prizes.length] },
          }),
        ),
      );
      // floor(0.3 × 17) = 5
      expect(codes(results)).toEqual({ OK: 5, QUOTA_EXCEEDED: 12 });
      for (const server of servers) {
        await until(async () => {
          const { campaign } = dataOf(
            await postGraphQL(
              server.url,
              organizer.token,
              graphql(`query Awards($id: ID!) { campaign(id: $id) { awardsGranted awardCap } }`),
              { id: campaignId },
            ),
          );
          return campaign?.awardsGranted === 5 && campaign.awardCap === 5;
        });
      }
    }
  });

  it('single delivery: of concurrent deliveries of one lecture split across both, exactly one passes', async () => {
    const organizer = organizerVia(0);
    const lecturerId = await organizer.registerLecturer();
    const campaignId = await organizer.createCampaign({ kind: 'LECTURE', targetSessions: 10 });
    for (let race = 0; race < RACES; race++) {
      const scheduled = dataOf(
        await postGraphQL(
          servers[race % 2]?.url ?? '',
          organizer.token,
          graphql(`mutation Schedule($i: ScheduleLectureInput!) { scheduleLecture(input: $i) { id } }`),
          {
            i: {
              campaignId,
              lecturerId,
              venue: '城厢镇东门社区',
              topic: '百年党史',
              scheduledAt: '2022-05-04T09:00:00+08:00',
            },
          },
        ),
      ).scheduleLecture;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          postGraphQL(
            via(i).url,
            organizer.token,
            `mutation($i: RecordLectureDeliveredInput!) { recordLectureDelivered(input: $i) { id status } }`,
            { i: { lectureId: scheduled.id, audience: 100 + i, durationMinutes: 60 } },
          ),
        ),
      );
      expect(codes(results)).toEqual({ OK: 1, CONFLICT: 9 });
    }
    for (const server of servers) {
      await until(async () => {
        const { campaign } = dataOf(
          await postGraphQL(
            server.url,
            organizer.token,
            graphql(`query Sessions($id: ID!) { campaign(id: $id) { sessionsDelivered } }`),
            { id: campaignId },
          ),
        );
        return campaign?.sessionsDelivered === RACES;
      });
    }
    const log = await checkLog(storePath);
    expect(log.problems).toEqual([]);
  });

  it('both read models converge on the same figures', async () => {
    const organizer = organizerVia(0);
    const figuresOf = async (server: ServerProcess) => {
      const out: unknown[] = [];
      for (const groupBy of GROUPINGS) {
        out.push(dataOf(await postGraphQL(server.url, organizer.token, PARTICIPATION, { year: 2022, groupBy })));
      }
      return out;
    };
    await until(async () => {
      const [a, b] = await Promise.all(servers.map(figuresOf));
      return JSON.stringify(a) === JSON.stringify(b);
    });
    const [a, b] = await Promise.all(servers.map(figuresOf));
    expect(a).toEqual(b);
    const positions = await Promise.all(
      servers.map(async (server) => (await (await fetch(`${server.url}/readyz`)).json()) as { position: string }),
    );
    expect(positions[0]).toEqual(positions[1]);
  });
});

/** Polls until `check` holds, failing after 10 s. */
async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not converged within ${timeoutMs} ms`);
    await sleep(50);
  }
}
