import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@qingmiao/event-store';
import {
  DEFAULT_RUBRIC,
  type DomainEvent,
  type EventOf,
  ParticipationGrouping,
  type Prize,
  readEvent,
} from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApplier, createTables } from '../src/apply.ts';
import { AsOfReplayer, type ParticipationQuestion, ReplaysBusy } from '../src/as-of.ts';
import { participationQuery } from '../src/participation.ts';
import { projections } from '../src/read-models/index.ts';
import { ReadSide } from '../src/read-side.ts';
import { ORGANIZER, toAppend } from './to-append.ts';

let dir: string;
let store: SqliteEventStore;
let readSide: ReadSide;
/** Each event is recorded one hour after the previous one. */
let clock: number;
/** When each named step of the log was recorded. */
const at = new Map<string, number>();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-as-of-'));
  store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
  readSide = new ReadSide({ store, dir: join(dir, 'read-models'), projections });
  await readSide.start();
  clock = Date.parse('2021-03-01T00:00:00.000Z');
  at.clear();
});

afterEach(async () => {
  await readSide.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function append(stream: string, events: readonly DomainEvent[], step?: string): Promise<void> {
  const batch = events.map((event) => {
    clock += 3_600_000;
    return toAppend(event, ORGANIZER, clock);
  });
  if (step) at.set(step, clock);
  await store.append(stream, batch, { expectedRevision: 'any' });
}

const nested = (campaignId: string, n: number) =>
  `${campaignId}:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const enroll = (schoolId: string, year: number, students: number, step?: string) =>
  append(`school-${schoolId}`, [{ type: 'EnrollmentRecorded', data: { schoolId, year, students } }], step);

async function school(schoolId: string, kind: 'PRIMARY' | 'JUNIOR_HIGH', town: string): Promise<void> {
  await append(`school-${schoolId}`, [
    { type: 'SchoolRegistered', data: { schoolId, name: `学校 ${schoolId}`, kind, town, private: false } },
  ]);
}

function campaign(campaignId: string, year: number, kind: 'ESSAY' | 'LECTURE'): Promise<void> {
  const data: EventOf<'CampaignCreated'>['data'] = {
    campaignId,
    kind,
    title: `${year} ${kind}`,
    theme: '',
    year,
    opensAt: `${year}-03-01T00:00:00+08:00`,
    closesAt: `${year}-11-30T23:59:59+08:00`,
    eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
    maxEntriesPerSchool: null,
    targetSessions: null,
    awardQuota: null,
    rubric: DEFAULT_RUBRIC,
    copiedFrom: null,
    blindJudging: true,
    requireGuardianConsent: false,
  };
  return append(`campaign-${campaignId}`, [
    { type: 'CampaignCreated', data },
    { type: 'CampaignOpened', data: { campaignId } },
  ]);
}

function submit(campaignId: string, n: number, schoolId: string, students: string[], step?: string): Promise<void> {
  const participants = [
    ...students.map((name) => ({ name, role: 'STUDENT' as const, grade: '三年级' })),
    { name: `退休教师 ${schoolId}`, role: 'RETIRED_TEACHER' as const },
  ];
  return append(
    `campaign-${campaignId}`,
    [
      {
        type: 'EntrySubmitted',
        data: {
          campaignId,
          entryId: nested(campaignId, n),
          submissionId: `${campaignId}-${n}`,
          schoolId,
          title: `作品 ${n}`,
          participants,
          advisor: null,
          performance: null,
        },
      },
    ],
    step,
  );
}

const withdraw = (campaignId: string, n: number, step: string) =>
  append(
    `campaign-${campaignId}`,
    [{ type: 'EntryWithdrawn', data: { campaignId, entryId: nested(campaignId, n), reason: '重复提交' } }],
    step,
  );

const award = (campaignId: string, n: number, prize: Prize, step: string) =>
  append(
    `campaign-${campaignId}`,
    [
      {
        type: 'EntryScored',
        data: {
          campaignId,
          entryId: nested(campaignId, n),
          judge: 'judge-1',
          scores: [{ criterion: '总分', score: 90 }],
          weightedScore: 90,
          comment: null,
        },
      },
      { type: 'EntryAwarded', data: { campaignId, entryId: nested(campaignId, n), prize } },
    ],
    step,
  );

const revoke = (campaignId: string, n: number, step: string) =>
  append(
    `campaign-${campaignId}`,
    [{ type: 'AwardRevoked', data: { campaignId, entryId: nested(campaignId, n), reason: '抄袭' } }],
    step,
  );

function lecture(campaignId: string, n: number, schoolId: string, audience: number, step: string): Promise<void> {
  const lectureId = nested(campaignId, n);
  return append(`campaign-${campaignId}`, [
    {
      type: 'LectureScheduled',
      data: {
        campaignId,
        lectureId,
        lecturerId: 'lecturer-1',
        schoolId,
        venue: null,
        topic: '家风',
        scheduledAt: new Date(clock + 86_400_000).toISOString(),
      },
    },
  ]).then(() =>
    append(
      `campaign-${campaignId}`,
      [{ type: 'LectureDelivered', data: { campaignId, lectureId, audience, durationMinutes: 45 } }],
      step,
    ),
  );
}

/**
 * Two years whose events interleave in the log: 2021's campaign gets a late award and a revocation while 2022's
 * campaigns run; a school joins in the middle; a 2022 enrollment is corrected; a lecturer stream is written too;
 * 2021's results are published last (before that, only organizers see its awards counted).
 */
async function twoYears(): Promise<void> {
  await school('a', 'PRIMARY', '城关镇');
  await school('b', 'JUNIOR_HIGH', '城关镇');
  await enroll('a', 2021, 300);
  await enroll('b', 2021, 200);
  await append('lecturer-lecturer-1', [
    {
      type: 'LecturerRegistered',
      data: { lecturerId: 'lecturer-1', name: '王老师', formerSchoolId: 'a', topics: ['家风'] },
    },
  ]);
  await campaign('essay-2021', 2021, 'ESSAY');
  await submit('essay-2021', 1, 'a', ['张三', '李四']);
  await submit('essay-2021', 2, 'b', ['王五'], 'submitted 2021-2');
  await award('essay-2021', 1, 'FIRST', 'awarded 2021-1');
  await enroll('a', 2022, 310);
  await enroll('b', 2022, 190);
  await campaign('essay-2022', 2022, 'ESSAY');
  await campaign('talks-2022', 2022, 'LECTURE');
  await submit('essay-2022', 1, 'a', ['张三', '赵六']);
  await submit('essay-2022', 2, 'b', ['钱七'], 'submitted 2022-2');
  await award('essay-2021', 2, 'SECOND', 'late award 2021-2');
  await withdraw('essay-2022', 2, 'withdrew 2022-2');
  await lecture('talks-2022', 1, 'b', 120, 'lecture delivered at b');
  await school('c', 'PRIMARY', '城南镇');
  await enroll('c', 2022, 150, 'c enrolled');
  await submit('essay-2022', 3, 'c', ['孙八', '周九']);
  await enroll('a', 2022, 330, 'enrollment of a corrected');
  await award('essay-2022', 1, 'THIRD', 'awarded 2022-1');
  await revoke('essay-2021', 1, 'revoked 2021-1');
  await lecture('talks-2022', 2, 'c', 80, 'lecture delivered at c');
  await append(
    'campaign-essay-2021',
    [{ type: 'ResultsPublished', data: { campaignId: 'essay-2021' } }],
    '2021 published',
  );
}

/** The oracle: every projection over the whole log, cut before the first event recorded after the moment. */
async function fullReplay(moment: number): Promise<Database.Database> {
  const db = new Database(':memory:');
  createTables(db, projections);
  const applier = createApplier(db, projections);
  for (const recorded of await store.readAll({ limit: 100_000 })) {
    const parsed = readEvent(recorded);
    if (!parsed || Date.parse(parsed.metadata.recordedAt) > moment) break;
    applier.apply(parsed.event, parsed.metadata, recorded.position.commit);
  }
  return db;
}

const YEARS = [2021, 2022];
const CAMPAIGNS: Record<number, string[]> = { 2021: ['essay-2021'], 2022: ['essay-2022', 'talks-2022'] };

/** Every grouping, for the whole year and for each of its campaigns, counting all awards or published ones. */
function questions(year: number): ParticipationQuestion[] {
  return (['all', 'published'] as const).flatMap((awards) =>
    ParticipationGrouping.options.flatMap((groupBy) => [
      { groupBy, awards },
      ...(CAMPAIGNS[year] ?? []).map((campaignId) => ({ groupBy, campaignId, awards })),
    ]),
  );
}

async function expectSameAsFullReplay(history: AsOfReplayer, moment: number): Promise<void> {
  const full = await fullReplay(moment);
  try {
    const reference = participationQuery(full);
    for (const year of YEARS) {
      const answers = await history.query(year, new Date(moment), questions(year));
      const expected = questions(year).map(({ groupBy, campaignId, awards }) =>
        reference(year, groupBy, campaignId, awards),
      );
      expect(answers, `${year} as of ${new Date(moment).toISOString()}`).toEqual(expected);
    }
  } finally {
    full.close();
  }
}

const schoolRow = async (history: AsOfReplayer, year: number, moment: number, schoolId: string) =>
  (await bySchool(history, year, moment)).find((row) => row.key === schoolId);

/** The SCHOOL figures of a year at a moment. */
const bySchool = async (history: AsOfReplayer, year: number, moment: number) =>
  (await history.query(year, new Date(moment), [{ groupBy: 'SCHOOL', awards: 'all' }]))[0] ?? [];

describe('AsOfReplayer', () => {
  it('answers every year at every moment of a multi-year log as a replay of the whole log does', async () => {
    await twoYears();
    const history = new AsOfReplayer({ store, live: readSide, projections });
    const moments = (await store.readAll({ limit: 100_000 })).flatMap((recorded) => {
      const recordedAt = Date.parse(String(recorded.metadata.recordedAt));
      return [recordedAt - 1, recordedAt];
    });
    for (const moment of [Date.parse('2020-01-01T00:00:00Z'), ...moments, clock + 86_400_000]) {
      await expectSameAsFullReplay(history, moment);
    }
  });

  it('answers alike when moments come in reverse order and at the same time (streams read once, then extended)', async () => {
    await twoYears();
    // Every replay at once, so that they interleave (none may be refused here), with room for about three years'
    // databases, so that years are evicted from the cache while they are being read.
    const history = new AsOfReplayer({
      store,
      live: readSide,
      projections,
      maxWaiting: 10_000,
      cacheBytes: 300_000,
    });
    const moments = [...at.values()].flatMap((moment) => [moment, moment - 1]).reverse();
    await Promise.all(moments.map((moment) => expectSameAsFullReplay(history, moment)));
    await Promise.all(moments.reverse().map((moment) => expectSameAsFullReplay(history, moment)));
  });

  it('shows withdrawals, awards, lectures and enrollment changes only after they happened', async () => {
    await twoYears();
    const history = new AsOfReplayer({ store, live: readSide, projections });
    const before = (step: string) => (at.get(step) as number) - 1;
    const after = (step: string) => at.get(step) as number;

    expect(await schoolRow(history, 2022, before('withdrew 2022-2'), 'b')).toMatchObject({ entries: 1, students: 1 });
    expect(await schoolRow(history, 2022, after('withdrew 2022-2'), 'b')).toMatchObject({ entries: 0, students: 0 });

    expect(await schoolRow(history, 2021, before('late award 2021-2'), 'b')).toMatchObject({ awards: 0 });
    expect(await schoolRow(history, 2021, after('late award 2021-2'), 'b')).toMatchObject({
      awards: 1,
      awardsByPrize: { FIRST: 0, SECOND: 1, THIRD: 0, EXCELLENCE: 0 },
    });
    expect(await schoolRow(history, 2021, before('revoked 2021-1'), 'a')).toMatchObject({ awards: 1 });
    expect(await schoolRow(history, 2021, after('revoked 2021-1'), 'a')).toMatchObject({ awards: 0 });

    expect(await schoolRow(history, 2022, before('lecture delivered at b'), 'b')).toMatchObject({
      lecturesDelivered: 0,
    });
    expect(await schoolRow(history, 2022, after('lecture delivered at b'), 'b')).toMatchObject({
      lecturesDelivered: 1,
      audience: 120,
      schools: 1,
    });

    expect(await schoolRow(history, 2022, before('c enrolled'), 'c')).toMatchObject({ enrolled: null });
    expect(await schoolRow(history, 2022, after('c enrolled'), 'c')).toMatchObject({ enrolled: 150 });
    expect(await schoolRow(history, 2022, before('enrollment of a corrected'), 'a')).toMatchObject({ enrolled: 310 });
    expect(await schoolRow(history, 2022, after('enrollment of a corrected'), 'a')).toMatchObject({ enrolled: 330 });
    // A school registered later is not there before it registered.
    expect(await schoolRow(history, 2022, before('c enrolled') - 3_600_000, 'c')).toBeUndefined();
  });

  it('counts a campaign’s awards for everyone but organizers only once its results are published', async () => {
    await twoYears();
    const history = new AsOfReplayer({ store, live: readSide, projections });
    const awardsOfB = async (moment: number, awards: 'all' | 'published') =>
      (await history.query(2021, new Date(moment), [{ groupBy: 'SCHOOL', awards }]))[0]?.find((row) => row.key === 'b')
        ?.awardsByPrize;
    const moment = at.get('2021 published') as number;
    expect(await awardsOfB(moment - 1, 'all')).toMatchObject({ SECOND: 1 });
    expect(await awardsOfB(moment - 1, 'published')).toMatchObject({ SECOND: 0 });
    expect(await awardsOfB(moment, 'published')).toMatchObject({ SECOND: 1 });
  });

  it('keeps an answer for a moment the log has passed, and answers afresh for one it has not', async () => {
    await twoYears();
    const history = new AsOfReplayer({ store, live: readSide, projections });
    const passed = at.get('submitted 2022-2') as number;
    const future = clock + 86_400_000;
    const entries = async (moment: number) =>
      (await bySchool(history, 2022, moment)).reduce((sum, row) => sum + row.entries, 0);
    expect(await entries(passed)).toBe(2);
    // 2022-2 was withdrawn later, 2022-3 came later.
    expect(await entries(future)).toBe(2);

    await submit('essay-2022', 4, 'a', ['吴十']);
    await readSide.waitFor(await store.headPosition());

    expect(await entries(passed)).toBe(2);
    expect(await entries(future)).toBe(3);
    await expectSameAsFullReplay(history, future);
  });

  it('answers correctly when a year does not fit in the cache', async () => {
    await twoYears();
    await expectSameAsFullReplay(new AsOfReplayer({ store, live: readSide, projections, cacheBytes: 1 }), clock);
  });

  it('runs as many replays as allowed, queues a few more and refuses the rest with ReplaysBusy', async () => {
    await twoYears();
    const history = new AsOfReplayer({ store, live: readSide, projections, concurrency: 1, maxWaiting: 2 });
    const moments = [...at.values()].slice(0, 5);
    const settled = await Promise.allSettled(moments.map((moment) => bySchool(history, 2022, moment)));
    expect(settled.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect(settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []))).toEqual([
      expect.any(ReplaysBusy),
      expect.any(ReplaysBusy),
    ]);
    // Once the queue has drained, replays are admitted again; cached moments never wait.
    await expect(bySchool(history, 2022, moments[4] as number)).resolves.toEqual(expect.any(Array));
  });

  it('sees a campaign created after the read side last looked (it waits for the head of the log)', async () => {
    await twoYears();
    const history = new AsOfReplayer({ store, live: readSide, projections });
    await campaign('essay-2023', 2023, 'ESSAY');
    await submit('essay-2023', 1, 'a', ['郑十一']);
    const [rows] = await history.query(2023, new Date(clock), [{ groupBy: 'CAMPAIGN', awards: 'all' }]);
    expect(rows).toMatchObject([{ key: 'essay-2023', entries: 1 }]);
  });
});
