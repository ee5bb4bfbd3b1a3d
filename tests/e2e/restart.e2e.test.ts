import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, type GraphQLResult } from '../support/graphql-http.ts';
import { makeDataDir, removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';
import {
  type CampaignView,
  campaignOf,
  countsOf,
  type EntryView,
  entryInput,
  Organizer,
  type ParticipationView,
  participationOf,
  rowOf,
  type SubmitEntryInput,
  submit,
} from './qingmiao-client.ts';

/**
 * The server process stopped (SIGTERM) or killed (SIGKILL) and started again on the same data directory: what was
 * acknowledged is still there, the figures are the same, and the rules still hold.
 */
const dataDir = makeDataDir();
let server: ServerProcess;
let organizer: Organizer;
const organizerClaims = { sub: 'guangongwei-office' };

beforeAll(async () => {
  server = await startServerProcess({ dataDir });
  organizer = new Organizer(server, await server.token('organizer', organizerClaims));
});

afterAll(async () => {
  await server?.stop();
  removeDataDir(dataDir);
});

/** Starts a new server process on the same data directory; the old one must be gone. */
async function restart() {
  server = await startServerProcess({ dataDir });
  organizer = new Organizer(server, await server.token('organizer', organizerClaims));
}

const SCHOOLS = `{ schools { id name kind town private enrollments { year students } } }`;
const ENTRY_HISTORY = graphql(
  `query EntryHistory($id: ID!) { entryHistory(entryId: $id) { type recordedAt actor role data } }`,
);

interface Snapshot {
  readonly schools: unknown;
  readonly campaign: CampaignView;
  readonly participation: ParticipationView[];
  readonly byCampaign: ParticipationView[];
  readonly histories: ResultOf<typeof ENTRY_HISTORY>['entryHistory'][];
}

async function snapshot(campaignId: string): Promise<Snapshot> {
  const campaign = await campaignOf(server, organizer.token, campaignId);
  const histories: Snapshot['histories'] = [];
  for (const entry of campaign.entries) {
    histories.push(dataOf(await server.graphql(ENTRY_HISTORY, { id: entry.id }, organizer.token)).entryHistory);
  }
  return {
    schools: dataOf(await server.graphql(SCHOOLS, undefined, organizer.token)),
    campaign,
    participation: await participationOf(server, organizer.token, 2022),
    byCampaign: await participationOf(server, organizer.token, 2022, campaignId),
    histories,
  };
}

describe('restart on the same data directory', () => {
  it('keeps schools, campaign, entries and figures across a graceful stop, and the limit still holds', async () => {
    const schoolA = await organizer.registerSchool({ name: '沙溪镇中心小学', town: '沙溪镇' });
    const schoolB = await organizer.registerSchool({ name: '浏河镇第二中学', kind: 'JUNIOR_HIGH', town: '浏河镇' });
    await organizer.recordEnrollment(schoolA.id, 2022, 620);
    await organizer.recordEnrollment(schoolB.id, 2022, 410);
    const campaignId = await organizer.openedCampaign({ maxEntriesPerSchool: 3 });
    const tokenA = await server.token('school', { sub: 'contact-a', schoolId: schoolA.id });
    const tokenB = await server.token('school', { sub: 'contact-b', schoolId: schoolB.id });

    const inputsA: SubmitEntryInput[] = [
      entryInput(campaignId, schoolA.id, {
        title: '勋章的故事',
        participants: [
          { name: '陆一鸣', role: 'STUDENT', grade: '六年级', key: 'A-001' },
          { name: '顾老师', role: 'RETIRED_TEACHER' },
        ],
      }),
      entryInput(campaignId, schoolA.id, {
        title: '筑梦九天',
        participants: [
          { name: '陆一鸣', role: 'STUDENT', grade: '六年级', key: 'A-001' },
          { name: '钱小雨', role: 'STUDENT', grade: '五年级' },
        ],
      }),
    ];
    const acceptedA: EntryView[] = [];
    for (const input of inputsA) acceptedA.push(dataOf(await submit(server, tokenA, input)).submitEntry);
    const withdrawnB = dataOf(await submit(server, tokenB, entryInput(campaignId, schoolB.id))).submitEntry;
    expect(
      codeOf(
        await server.graphql(
          `mutation($input: WithdrawEntryInput!) { withdrawEntry(input: $input) { id } }`,
          { input: { entryId: withdrawnB.id, reason: '重复' } },
          tokenB,
        ),
      ),
    ).toBe('OK');

    const before = await snapshot(campaignId);
    expect(before.campaign).toMatchObject({ entryCount: 2, schoolCount: 1 });
    expect(rowOf(before.participation, schoolA.id)).toMatchObject({ entries: 2, students: 2, participants: 3 });
    expect(rowOf(before.participation, schoolA.id).participationRate).toBeCloseTo(2 / 620, 12);
    expect(rowOf(before.participation, schoolB.id)).toMatchObject({ entries: 0, students: 0, enrolled: 410 });

    expect(await server.stop()).toBe(0);
    const oldUrl = server.url;
    await expect(fetch(`${oldUrl}/healthz`)).rejects.toThrow();
    await restart();

    const after = await snapshot(campaignId);
    expect(after).toEqual(before);

    // The rules work on the reloaded log: a retry is still the same entry, appending nothing…
    const retry = dataOf(await submit(server, tokenA, inputsA[0] as SubmitEntryInput)).submitEntry;
    expect(retry).toEqual(acceptedA[0]);
    // …and of three concurrent new entries only one fits under maxEntriesPerSchool 3 (two are live).
    const racing = await Promise.all(
      [1, 2, 3].map((i) => submit(server, tokenA, entryInput(campaignId, schoolA.id, { title: `重启后${i}` }))),
    );
    expect(racing.map(codeOf).sort()).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED', 'OK']);
    expect(await countsOf(server, organizer.token, campaignId)).toMatchObject({ entryCount: 3, schoolCount: 1 });
    // School B's withdrawn entry freed its slot before the restart and still does.
    const freshB = await Promise.all(
      [1, 2, 3, 4].map(() => submit(server, tokenB, entryInput(campaignId, schoolB.id))),
    );
    expect(freshB.map(codeOf).sort()).toEqual(['LIMIT_EXCEEDED', 'OK', 'OK', 'OK']);
  });

  it('keeps every acknowledged submission through kill -9 (SIGKILL) and a restart', async () => {
    const school = await organizer.registerSchool({ name: '璜泾镇中心小学', town: '璜泾镇' });
    await organizer.recordEnrollment(school.id, 2022, 900);
    const campaignId = await organizer.openedCampaign({ maxEntriesPerSchool: 20 });
    const token = await server.token('school', { sub: 'contact-h', schoolId: school.id });
    const first = dataOf(
      await submit(server, token, entryInput(campaignId, school.id, { title: '先交的' })),
    ).submitEntry;

    // A burst of submissions, and the process killed the moment the first of them is acknowledged: whatever was
    // acknowledged survives; the rest may or may not have been written.
    const burst = Array.from({ length: 8 }, (_, i) =>
      entryInput(campaignId, school.id, {
        title: `连发${i}`,
        participants: [{ name: `学生${i}`, role: 'STUDENT', grade: '四年级', key: `H-${i}` }],
      }),
    );
    const acked: EntryView[] = [];
    let killed: Promise<void> | undefined;
    const inFlight = burst.map((input) =>
      submit(server, token, input).then(
        (result: GraphQLResult<{ submitEntry: EntryView }>) => {
          const entry = result.data?.submitEntry;
          if (!entry) return;
          acked.push(entry);
          killed ??= server.kill();
        },
        () => undefined,
      ),
    );
    await Promise.all(inFlight);
    expect(killed, 'no submission was acknowledged').toBeDefined();
    await killed;
    expect(acked.length).toBeGreaterThan(0);

    await restart();
    // Read as the school, which alone sees its participants' keys.
    const recovered = await campaignOf(server, token, campaignId);
    const ids = new Set(recovered.entries.map((entry) => entry.id));
    expect(ids.has(first.id)).toBe(true);
    for (const entry of acked) expect(ids.has(entry.id), `acknowledged ${entry.title} lost`).toBe(true);
    expect(recovered.entries.find((entry) => entry.id === acked[0]?.id)).toEqual(acked[0]);
    // The read models agree with the log: counts match the listed entries, the figures match the counts.
    expect(recovered.entryCount).toBe(recovered.entries.length);
    const row = rowOf(await participationOf(server, organizer.token, 2022, campaignId), school.id);
    expect(row.entries).toBe(recovered.entryCount);
    expect(row.students).toBe(recovered.entryCount);

    // A client retrying every submission with the same submissionIds ends with each entry exactly once.
    const retried = await Promise.all(burst.map((input) => submit(server, token, input)));
    for (const result of retried) expect(codeOf(result)).toBe('OK');
    for (const entry of acked) {
      expect(retried.some((result) => result.data?.submitEntry.id === entry.id)).toBe(true);
    }
    const final = await campaignOf(server, organizer.token, campaignId);
    expect(final.entryCount).toBe(1 + burst.length);
    expect(new Set(final.entries.map((entry) => entry.id)).size).toBe(1 + burst.length);
    const finalRow = rowOf(await participationOf(server, organizer.token, 2022, campaignId), school.id);
    expect(finalRow).toMatchObject({ entries: 9, students: 9 });
    expect(finalRow.participationRate).toBeCloseTo(9 / 900, 12);
  });
});
