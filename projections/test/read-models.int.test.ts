import type { RecordedEvent } from '@qingmiao/event-store';
import type { Attachment, DomainEvent, EventMetadata, EventOf } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApplier, createTables } from '../src/apply.ts';
import { entryHistoryOf } from '../src/read-models/entry-history.ts';
import { projections, readModelQueries } from '../src/read-models/index.ts';
import { campaignCreated as created } from './samples.ts';

const CAMPAIGN = 'medal-essay-2022';
const entryId = (n: number) => `${CAMPAIGN}:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ENTRY = entryId(1);
const LECTURES = 'party-history-2022';
const lectureId = (n: number) => `${LECTURES}:00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

/** Events are recorded a minute apart, from this moment on. */
const START = Date.parse('2022-05-20T09:30:00.000Z');
const recordedAt = (position: bigint) => new Date(START + Number(position) * 60_000).toISOString();

type Participants = EventOf<'EntrySubmitted'>['data']['participants'];
const STUDENT_AND_RETIRED: Participants = [
  { name: '张小明', role: 'STUDENT', grade: '五年级' },
  { name: '王老师', role: 'RETIRED_TEACHER', key: 'T-7' },
];

const submitted = (
  n: number,
  schoolId = 'xinhua-primary',
  participants: Participants = STUDENT_AND_RETIRED,
): EventOf<'EntrySubmitted'> => ({
  type: 'EntrySubmitted',
  data: {
    campaignId: CAMPAIGN,
    entryId: entryId(n),
    submissionId: `sub-${n}`,
    schoolId,
    title: `作品 ${n}`,
    participants,
    advisor: '李老师',
    performance: null,
  },
});

const revised = (n: number, participants: Participants): EventOf<'EntryRevised'> => ({
  type: 'EntryRevised',
  data: {
    campaignId: CAMPAIGN,
    entryId: entryId(n),
    title: '我读《勋章》',
    participants,
    advisor: null,
    performance: null,
  },
});
const withdrawn = (n: number): DomainEvent => ({
  type: 'EntryWithdrawn',
  data: { campaignId: CAMPAIGN, entryId: entryId(n), reason: '重复提交' },
});
const awarded = (n: number, prize: 'FIRST' | 'SECOND' = 'FIRST'): DomainEvent => ({
  type: 'EntryAwarded',
  data: { campaignId: CAMPAIGN, entryId: entryId(n), prize },
});
const revoked = (n: number): DomainEvent => ({
  type: 'AwardRevoked',
  data: { campaignId: CAMPAIGN, entryId: entryId(n), reason: '复核' },
});
const scored = (n: number, judge: string, weightedScore: number): DomainEvent => ({
  type: 'EntryScored',
  data: {
    campaignId: CAMPAIGN,
    entryId: entryId(n),
    judge,
    scores: [{ criterion: '总分', score: weightedScore }],
    weightedScore,
    comment: null,
  },
});
const judge = (type: 'JudgeAssigned' | 'JudgeUnassigned', name: string): DomainEvent => ({
  type,
  data: { campaignId: CAMPAIGN, judge: name },
});
const scheduled = (n: number, schoolId: string | null = 'xinhua-primary'): DomainEvent => ({
  type: 'LectureScheduled',
  data: {
    campaignId: LECTURES,
    lectureId: lectureId(n),
    lecturerId: 'wang-laoshi',
    schoolId,
    venue: null,
    topic: '红色家书',
    scheduledAt: '2022-05-04T14:00:00+08:00',
  },
});
const delivered = (n: number, audience: number): DomainEvent => ({
  type: 'LectureDelivered',
  data: { campaignId: LECTURES, lectureId: lectureId(n), audience, durationMinutes: 45 },
});
const cancelled = (n: number): DomainEvent => ({
  type: 'LectureCancelled',
  data: { campaignId: LECTURES, lectureId: lectureId(n), reason: '下雨' },
});

const opened: DomainEvent[] = [
  {
    type: 'SchoolRegistered',
    data: { schoolId: 'xinhua-primary', name: '新华小学', kind: 'PRIMARY', town: '城关镇', private: false },
  },
  {
    type: 'SchoolRegistered',
    data: { schoolId: 'guangming', name: '光明民工子弟学校', kind: 'MIGRANT', town: '城南镇', private: true },
  },
  created(CAMPAIGN),
];

const databases: Database.Database[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
});

/** Fresh read models in an in-memory database, fed events as the runner feeds them; queried as the API does. */
function readModels() {
  const db = new Database(':memory:');
  databases.push(db);
  createTables(db, projections);
  const applier = createApplier(db, projections);
  let position = 0n;
  const metadata = (at: bigint): EventMetadata => ({
    actor: 'organizer-1',
    role: 'organizer',
    correlationId: `req-${at}`,
    recordedAt: recordedAt(at),
    schemaVersion: 1,
  });
  const read = readModelQueries(db);
  // The log as recorded, for the history, which is read from it.
  const log: RecordedEvent[] = [];
  return {
    db,
    read,
    given(...events: DomainEvent[]) {
      db.transaction(() => {
        for (const event of events) {
          position += 1n;
          applier.apply(event, metadata(position), position);
          log.push({
            id: `event-${position}`,
            stream: 'log',
            revision: Number(position),
            position: { commit: position, prepare: position },
            type: event.type,
            data: event.data,
            metadata: { ...metadata(position) },
            created: recordedAt(position),
          });
        }
      })();
    },
    history(entryId: string) {
      const source = read.entryHistorySource(entryId);
      return source ? entryHistoryOf(log, entryId, source.erasures, { commit: position, prepare: position }) : [];
    },
  };
}

describe('schools read model', () => {
  it('lists registered schools with private as a boolean, and the latest enrollment of each year', () => {
    const { read, given } = readModels();
    given(
      ...opened,
      { type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 800 } },
      { type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2021, students: 760 } },
      { type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 812 } },
    );
    expect(read.schools()).toEqual([
      { id: 'guangming', name: '光明民工子弟学校', kind: 'MIGRANT', town: '城南镇', private: true },
      { id: 'xinhua-primary', name: '新华小学', kind: 'PRIMARY', town: '城关镇', private: false },
    ]);
    expect(read.school('nowhere')).toBeUndefined();
    expect(read.enrollment('xinhua-primary', 2022)).toEqual({ schoolId: 'xinhua-primary', year: 2022, students: 812 });
    expect(read.enrollments('xinhua-primary').map(({ year, students }) => [year, students])).toEqual([
      [2021, 760],
      [2022, 812],
    ]);
  });

  it('shows a renamed school by its new name, in the participation figures too', () => {
    const { read, given } = readModels();
    given(...opened, { type: 'SchoolRenamed', data: { schoolId: 'xinhua-primary', name: '新华实验小学' } });
    expect(read.school('xinhua-primary')?.name).toBe('新华实验小学');
    expect(read.participation(2022, 'SCHOOL').find((row) => row.key === 'xinhua-primary')?.label).toBe('新华实验小学');
  });
});

describe('lecturers and lectures read models', () => {
  it("keep a lecturer's topics, retirement and lectures, and each lecture's schedule and outcome", () => {
    const { read, given } = readModels();
    given(
      ...opened,
      created(LECTURES, 'LECTURE'),
      {
        type: 'LecturerRegistered',
        data: { lecturerId: 'wang-laoshi', name: '王老师', formerSchoolId: null, topics: ['党史', '家风'] },
      },
      scheduled(1),
      scheduled(2, null),
      scheduled(3),
      {
        type: 'LectureRescheduled',
        data: { campaignId: LECTURES, lectureId: lectureId(1), scheduledAt: '2022-05-05T14:00:00+08:00' },
      },
      delivered(1, 320),
      cancelled(2),
      { type: 'LecturerRetired', data: { lecturerId: 'wang-laoshi', reason: '' } },
    );
    expect(read.lecturer('wang-laoshi')).toEqual({
      id: 'wang-laoshi',
      name: '王老师',
      formerSchoolId: null,
      topics: ['党史', '家风'],
      retired: true,
      lecturesScheduled: 1,
      lecturesDelivered: 1,
      audience: 320,
    });
    expect(read.lecture(lectureId(1))).toEqual({
      id: lectureId(1),
      campaignId: LECTURES,
      lecturerId: 'wang-laoshi',
      schoolId: 'xinhua-primary',
      venue: null,
      topic: '红色家书',
      scheduledAt: '2022-05-05T14:00:00+08:00',
      status: 'DELIVERED',
      audience: 320,
      durationMinutes: 45,
      cancelReason: null,
    });
    expect(read.lectures(LECTURES).map(({ id, status, cancelReason }) => [id, status, cancelReason])).toEqual([
      [lectureId(2), 'CANCELLED', '下雨'],
      [lectureId(3), 'SCHEDULED', null],
      [lectureId(1), 'DELIVERED', null],
    ]);
  });
});

describe('campaigns read model', () => {
  it('shows a created campaign as a draft with its lists, no figures and no judges', () => {
    const { read, given } = readModels();
    given(...opened);
    const { campaignId, ...definition } = created(CAMPAIGN).data;
    expect(read.campaign(CAMPAIGN)).toEqual({
      ...definition,
      id: campaignId,
      status: 'DRAFT',
      cancelReason: null,
      entryCount: 0,
      schoolCount: 0,
      awardsGranted: 0,
      intergenerationalEntries: 0,
      sessionsDelivered: 0,
      audience: 0,
      judges: [],
    });
  });

  it('follows the lifecycle, the deadline and the judges', () => {
    const { read, given } = readModels();
    given(...opened, created(LECTURES, 'LECTURE'), { type: 'CampaignOpened', data: { campaignId: CAMPAIGN } });
    expect(read.campaign(CAMPAIGN)?.status).toBe('OPEN');
    given(
      { type: 'DeadlineExtended', data: { campaignId: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' } },
      judge('JudgeAssigned', 'judge-b'),
      judge('JudgeAssigned', 'judge-a'),
      judge('JudgeAssigned', 'judge-c'),
      judge('JudgeUnassigned', 'judge-c'),
      { type: 'CampaignClosed', data: { campaignId: CAMPAIGN } },
    );
    expect(read.campaign(CAMPAIGN)).toMatchObject({
      status: 'CLOSED',
      closesAt: '2022-07-15T23:59:59+08:00',
      judges: ['judge-a', 'judge-b'],
    });
    expect(read.panel(CAMPAIGN)).toEqual({ status: 'CLOSED', blindJudging: true, judges: ['judge-a', 'judge-b'] });
    given(
      { type: 'ResultsPublished', data: { campaignId: CAMPAIGN } },
      { type: 'CampaignCancelled', data: { campaignId: LECTURES, reason: '疫情' } },
    );
    expect(read.campaigns({ year: 2022 }).map(({ id, status, cancelReason }) => [id, status, cancelReason])).toEqual([
      [CAMPAIGN, 'RESULTS_PUBLISHED', null],
      [LECTURES, 'CANCELLED', '疫情'],
    ]);
    expect(read.campaigns({ status: 'CANCELLED' }).map(({ id }) => id)).toEqual([LECTURES]);
    expect(read.campaigns({ kind: 'ESSAY', year: 2021 })).toEqual([]);
  });

  it("takes a draft's new settings, leaving its kind, year, copy origin and status, and notes them in its timeline", () => {
    const { read, given } = readModels();
    given(...opened);
    const settings: EventOf<'CampaignSettingsChanged'> = {
      type: 'CampaignSettingsChanged',
      data: {
        campaignId: CAMPAIGN,
        title: '童心喜迎二十大 征文',
        theme: '',
        opensAt: '2022-04-01T00:00:00+08:00',
        closesAt: '2022-07-31T23:59:59+08:00',
        eligibleSchoolKinds: ['PRIMARY'],
        maxEntriesPerSchool: null,
        targetSessions: null,
        awardQuota: null,
        rubric: [{ name: '立意', weight: 2, maxScore: 40 }],
        blindJudging: false,
        requireGuardianConsent: false,
      },
    };
    given(settings);
    const { campaignId: _, ...changed } = settings.data;
    expect(read.campaign(CAMPAIGN)).toMatchObject({
      ...changed,
      id: CAMPAIGN,
      kind: 'ESSAY',
      year: 2022,
      copiedFrom: null,
      status: 'DRAFT',
    });
    expect(read.panel(CAMPAIGN)).toEqual({ status: 'DRAFT', blindJudging: false, judges: [] });
    expect(read.campaignHistory(CAMPAIGN).map(({ type, closesAt }) => [type, closesAt])).toEqual([
      ['CampaignCreated', '2022-06-30T23:59:59+08:00'],
      ['CampaignSettingsChanged', '2022-07-31T23:59:59+08:00'],
    ]);
  });

  it('keeps its figures as its entries and lectures change: live entries, their schools, awards and lectures', () => {
    const { read, given } = readModels();
    const figures = (id = CAMPAIGN) => {
      const { entryCount, schoolCount, awardsGranted, intergenerationalEntries, sessionsDelivered, audience } =
        read.campaign(id) ?? {};
      return { entryCount, schoolCount, awardsGranted, intergenerationalEntries, sessionsDelivered, audience };
    };
    given(...opened, created(LECTURES, 'LECTURE'), submitted(1), submitted(2), submitted(3, 'guangming'));
    expect(figures()).toMatchObject({ entryCount: 3, schoolCount: 2, intergenerationalEntries: 3, awardsGranted: 0 });

    given(revised(2, [{ name: '张小明', role: 'STUDENT' }]), awarded(1), awarded(3), awarded(3, 'SECOND'));
    expect(figures()).toMatchObject({ entryCount: 3, schoolCount: 2, intergenerationalEntries: 2, awardsGranted: 2 });

    // Withdrawing one of a school's two entries keeps the school; its last one takes it away, with its award.
    given(withdrawn(2), revoked(1));
    expect(figures()).toMatchObject({ entryCount: 2, schoolCount: 2, intergenerationalEntries: 2, awardsGranted: 1 });
    given(withdrawn(3), revised(3, [{ name: '李四', role: 'STUDENT' }]), awarded(2));
    expect(figures()).toEqual({
      entryCount: 1,
      schoolCount: 1,
      awardsGranted: 0,
      intergenerationalEntries: 1,
      sessionsDelivered: 0,
      audience: 0,
    });

    given(scheduled(1), scheduled(2), scheduled(3), delivered(1, 320), delivered(2, 80), cancelled(3));
    expect(figures(LECTURES)).toMatchObject({ sessionsDelivered: 2, audience: 400, entryCount: 0 });
    given(cancelled(2));
    expect(figures(LECTURES)).toMatchObject({ sessionsDelivered: 1, audience: 320 });
  });
  it('keeps the same figures as counting the rows, over a long mixed history', () => {
    const { db, read, given } = readModels();
    given(...opened, created(LECTURES, 'LECTURE'));
    // A fixed pseudo-random walk (mulberry32) over submissions, revisions, verdicts, withdrawals and lectures,
    // including events the domain would refuse (an award after withdrawal), which must count nothing.
    let seed = 7;
    const next = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const schools = ['xinhua-primary', 'guangming'];
    const groups: Participants[] = [STUDENT_AND_RETIRED, [{ name: '张小明', role: 'STUDENT' }]];
    const group = () => groups[next(groups.length)] ?? [];
    let entries = 0;
    let lectures = 0;
    const entryEvents: (() => DomainEvent)[] = [
      () => submitted(++entries, schools[next(schools.length)], group()),
      () => revised(1 + next(entries), group()),
      () => withdrawn(1 + next(entries)),
      () => awarded(1 + next(entries), next(2) === 0 ? 'FIRST' : 'SECOND'),
      () => revoked(1 + next(entries)),
    ];
    const lectureEvents: (() => DomainEvent)[] = [
      () => scheduled(++lectures),
      () => delivered(1 + next(lectures), next(300)),
      () => cancelled(1 + next(lectures)),
    ];
    for (let step = 0; step < 400; step++) {
      const pick = next(entryEvents.length + lectureEvents.length);
      const event =
        pick < entryEvents.length
          ? entries === 0
            ? entryEvents[0]
            : entryEvents[pick]
          : lectures === 0
            ? lectureEvents[0]
            : lectureEvents[pick - entryEvents.length];
      if (event) given(event());
    }
    const counted = db
      .prepare(
        `SELECT c.id,
          (SELECT count(*) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE') AS entryCount,
          (SELECT count(DISTINCT e.school_id) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE')
            AS schoolCount,
          (SELECT count(*) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE' AND e.prize IS NOT NULL)
            AS awardsGranted,
          (SELECT count(*) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE' AND e.intergenerational = 1)
            AS intergenerationalEntries,
          (SELECT count(*) FROM lectures l WHERE l.campaign_id = c.id AND l.status = 'DELIVERED') AS sessionsDelivered,
          (SELECT coalesce(sum(l.audience), 0) FROM lectures l WHERE l.campaign_id = c.id AND l.status = 'DELIVERED')
            AS audience
        FROM campaigns c ORDER BY c.id`,
      )
      .all();
    const kept = read
      .campaigns()
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(({ id, entryCount, schoolCount, awardsGranted, intergenerationalEntries, sessionsDelivered, audience }) => ({
        id,
        entryCount,
        schoolCount,
        awardsGranted,
        intergenerationalEntries,
        sessionsDelivered,
        audience,
      }));
    expect(kept).toEqual(counted);
    // The walk went through every kind of change, so the comparison means something.
    const walked = read.entries(CAMPAIGN);
    expect(walked.filter(({ status }) => status === 'WITHDRAWN').length).toBeGreaterThan(5);
    expect(walked.filter(({ prize, status }) => prize && status === 'LIVE').length).toBeGreaterThan(5);
    expect(kept.find(({ id }) => id === CAMPAIGN)).toMatchObject({ schoolCount: 2 });
    expect(read.lectures(LECTURES).filter(({ status }) => status === 'DELIVERED').length).toBeGreaterThan(5);
  });
});

describe('entries read model', () => {
  it('shows a submitted entry with its participants in order and its history', () => {
    const { read, given, history } = readModels();
    given(...opened, submitted(1));
    expect(read.entry(ENTRY)).toEqual({
      id: ENTRY,
      campaignId: CAMPAIGN,
      schoolId: 'xinhua-primary',
      submissionId: 'sub-1',
      title: '作品 1',
      advisor: '李老师',
      genre: null,
      durationMinutes: null,
      videoLink: null,
      intergenerational: true,
      status: 'LIVE',
      prize: null,
      stars: null,
      meanScore: null,
      scoreCount: 0,
      withdrawReason: null,
      submittedAt: recordedAt(4n),
      updatedAt: recordedAt(4n),
      participants: [
        { name: '张小明', role: 'STUDENT', grade: '五年级', key: null, guardianConsent: null },
        { name: '王老师', role: 'RETIRED_TEACHER', grade: null, key: 'T-7', guardianConsent: null },
      ],
      attachments: [],
    });
    expect(history(ENTRY)).toEqual([
      {
        type: 'EntrySubmitted',
        recordedAt: recordedAt(4n),
        actor: 'organizer-1',
        role: 'organizer',
        data: JSON.stringify(submitted(1).data),
        attachmentsAdded: [],
        attachmentsRemoved: [],
      },
    ]);
  });

  it('is intergenerational only with a retired teacher and a student, and keeps a performance', () => {
    const { read, given } = readModels();
    given(
      ...opened,
      submitted(1, 'xinhua-primary', [{ name: '张小明', role: 'STUDENT' }]),
      submitted(2, 'xinhua-primary', [{ name: '王老师', role: 'RETIRED_TEACHER' }]),
      submitted(3, 'xinhua-primary', [
        { name: '王老师', role: 'RETIRED_TEACHER' },
        { name: '张爸爸', role: 'PARENT' },
      ]),
      { ...submitted(4), data: { ...submitted(4).data, performance: { genre: '合唱', durationMinutes: 6 } } },
    );
    expect(read.entries(CAMPAIGN).map(({ intergenerational }) => intergenerational)).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(read.entry(entryId(4))).toMatchObject({ genre: '合唱', durationMinutes: 6 });
  });

  it("keeps who attested a guardian's consent and when, through revisions that still carry it", () => {
    const { read, given } = readModels();
    const xiaoming = { name: '张小明', role: 'STUDENT', grade: '五年级', guardianConsent: true } as const;
    const xiaohong = { name: '李小红', role: 'STUDENT', grade: '五年级', guardianConsent: true } as const;
    given(...opened, submitted(1, 'xinhua-primary', [xiaoming]));
    const first = { attestedBy: 'organizer-1', attestedAt: recordedAt(4n) };
    expect(read.entry(ENTRY)?.participants.map((p) => p.guardianConsent)).toEqual([first]);
    // Revision 5 adds 李小红 with consent; 张小明 is listed as he was, so his consent is the one attested first.
    given(revised(1, [xiaohong, xiaoming]));
    const fifth = { attestedBy: 'organizer-1', attestedAt: recordedAt(5n) };
    expect(read.entry(ENTRY)?.participants.map((p) => [p.name, p.guardianConsent])).toEqual([
      ['李小红', fifth],
      ['张小明', first],
    ]);
    // Revision 6 moves 张小明 to another grade (attested anew) and drops 李小红's consent.
    given(
      revised(1, [
        { ...xiaohong, guardianConsent: false },
        { ...xiaoming, grade: '六年级' },
      ]),
    );
    expect(read.entry(ENTRY)?.participants.map((p) => [p.name, p.guardianConsent])).toEqual([
      ['李小红', null],
      ['张小明', { attestedBy: 'organizer-1', attestedAt: recordedAt(6n) }],
    ]);
    // Revision 7 consents for 李小红 again: attested then, not at the consent she once had.
    given(revised(1, [xiaohong, { ...xiaoming, grade: '六年级' }]));
    expect(read.entry(ENTRY)?.participants.map((p) => p.guardianConsent?.attestedAt)).toEqual([
      recordedAt(7n),
      recordedAt(6n),
    ]);
  });

  it('replaces the content and participants of a revised entry, which keeps its school', () => {
    const { read, given, history } = readModels();
    given(...opened, submitted(1, 'guangming'), revised(1, [{ name: '张小明', role: 'STUDENT', key: 'S-1' }]));
    expect(read.entry(ENTRY)).toMatchObject({
      schoolId: 'guangming',
      title: '我读《勋章》',
      advisor: null,
      intergenerational: false,
      submittedAt: recordedAt(4n),
      updatedAt: recordedAt(5n),
      participants: [{ name: '张小明', role: 'STUDENT', grade: null, key: 'S-1' }],
    });
    expect(history(ENTRY).map(({ type }) => type)).toEqual(['EntrySubmitted', 'EntryRevised']);
    // The participant counts for the entry's school, under the school's own key.
    expect(read.participation(2022, 'SCHOOL').find((row) => row.key === 'guangming')).toMatchObject({
      entries: 1,
      students: 1,
      participants: 1,
    });
  });

  it('counts a child by the pseudonymous id the log gives it, the same after a revision', () => {
    const { read, given } = readModels();
    const child = { name: '张小明', role: 'STUDENT' as const, key: 'S-1', participantId: 'p_child' };
    given(
      ...opened,
      submitted(1, 'guangming', [child]),
      submitted(2, 'guangming', [child]),
      revised(1, [child, { name: '李小红', role: 'STUDENT', participantId: 'p_other' }]),
    );
    expect(read.participation(2022, 'SCHOOL').find((row) => row.key === 'guangming')).toMatchObject({
      entries: 2,
      students: 2,
    });
  });

  it('withdraws with the reason, out of the leaderboard, and keeps the history', () => {
    const { read, given, history } = readModels();
    given(...opened, submitted(1), submitted(2), withdrawn(1));
    expect(read.entry(ENTRY)).toMatchObject({
      status: 'WITHDRAWN',
      withdrawReason: '重复提交',
      updatedAt: recordedAt(6n),
    });
    expect(read.entries(CAMPAIGN, 'xinhua-primary').map(({ id }) => id)).toEqual([entryId(1), entryId(2)]);
    expect(read.entries(CAMPAIGN, 'guangming')).toEqual([]);
    expect(read.leaderboard(CAMPAIGN).map(({ id }) => id)).toEqual([entryId(2)]);
    expect(history(ENTRY).map(({ type }) => type)).toEqual(['EntrySubmitted', 'EntryWithdrawn']);
  });

  it('keeps judges’ scores, drops those of a recused or unassigned judge, and sets prizes and stars', () => {
    const { read, given, history } = readModels();
    given(
      ...opened,
      judge('JudgeAssigned', 'judge-1'),
      judge('JudgeAssigned', 'judge-2'),
      judge('JudgeAssigned', 'judge-3'),
      submitted(1),
      submitted(2),
      submitted(3),
      scored(1, 'judge-1', 80),
      scored(1, 'judge-2', 90),
      scored(1, 'judge-1', 84),
      scored(2, 'judge-1', 95),
      scored(2, 'judge-3', 70),
    );
    expect(read.entry(ENTRY)).toMatchObject({ meanScore: 87, scoreCount: 2 });
    expect(read.scores(ENTRY)).toEqual([
      {
        judge: 'judge-1',
        weightedScore: 84,
        criteria: [{ criterion: '总分', score: 84 }],
        comment: null,
        scoredAt: recordedAt(12n),
      },
      {
        judge: 'judge-2',
        weightedScore: 90,
        criteria: [{ criterion: '总分', score: 90 }],
        comment: null,
        scoredAt: recordedAt(11n),
      },
    ]);
    expect(read.leaderboard(CAMPAIGN).map(({ id }) => id)).toEqual([entryId(1), entryId(2), entryId(3)]);

    given(
      { type: 'JudgeRecused', data: { campaignId: CAMPAIGN, entryId: ENTRY, judge: 'judge-2', reason: '亲属' } },
      judge('JudgeUnassigned', 'judge-3'),
    );
    expect(read.scores(ENTRY).map(({ judge }) => judge)).toEqual(['judge-1']);
    expect(read.recusalReason(ENTRY, 'judge-2')).toBe('亲属');
    expect(read.recusalReason(ENTRY, 'judge-1')).toBeUndefined();
    // judge-1 alone still counts: 84 on entry 1 and 95 on entry 2 (judge-2's and judge-3's scores are gone).
    expect(read.standardScores(CAMPAIGN)).toEqual([
      { entryId: ENTRY, standardScore: 40 },
      { entryId: entryId(2), standardScore: 60 },
    ]);
    expect(read.scores(entryId(2)).map(({ judge }) => judge)).toEqual(['judge-1']);
    expect(read.judgingProgress(CAMPAIGN)).toEqual([
      { judge: 'judge-1', assigned: 3, scored: 2 },
      { judge: 'judge-2', assigned: 2, scored: 0 },
    ]);

    given(awarded(1, 'SECOND'), { type: 'EntryRated', data: { campaignId: CAMPAIGN, entryId: ENTRY, stars: 4 } });
    // A verdict is not a change of the entry: updated_at stays where the submission left it.
    expect(read.entry(ENTRY)).toMatchObject({ prize: 'SECOND', stars: 4, updatedAt: recordedAt(7n) });
    given(revoked(1));
    expect(read.entry(ENTRY)?.prize).toBeNull();
    expect(history(ENTRY).map(({ type }) => type)).toEqual([
      'EntrySubmitted',
      'EntryScored',
      'EntryScored',
      'EntryScored',
      'JudgeRecused',
      'EntryAwarded',
      'EntryRated',
      'AwardRevoked',
    ]);
  });
});

describe('winners', () => {
  const published: DomainEvent = { type: 'ResultsPublished', data: { campaignId: CAMPAIGN } };
  const OTHER = 'other-essay-2022';
  const otherEntry = (n: number) => `${OTHER}:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('lists live awarded entries by campaign, prize and school; only published campaigns unless all awards count', () => {
    const { read, given } = readModels();
    given(
      ...opened,
      submitted(1),
      submitted(2, 'guangming', [{ name: '李四', role: 'STUDENT', grade: '三年级', key: 'G-1' }]),
      submitted(3),
      submitted(4),
      awarded(1, 'SECOND'),
      awarded(2),
      awarded(3),
      awarded(4),
      // Withdrawn or revoked: not a winner.
      withdrawn(3),
      revoked(4),
      created(OTHER),
      {
        type: 'EntrySubmitted',
        data: { ...submitted(1).data, campaignId: OTHER, entryId: otherEntry(1), submissionId: 'other-1' },
      },
      { type: 'EntryAwarded', data: { campaignId: OTHER, entryId: otherEntry(1), prize: 'THIRD' } },
      { type: 'CampaignCancelled', data: { campaignId: OTHER, reason: '取消' } },
    );
    const all = read.winners(2022, undefined, 'all');
    expect(all.map((row) => [row.entryId, row.prize, row.schoolName, row.campaignStatus])).toEqual([
      [entryId(2), 'FIRST', '光明民工子弟学校', 'DRAFT'],
      [entryId(1), 'SECOND', '新华小学', 'DRAFT'],
    ]);
    expect(all[0]).toEqual({
      entryId: entryId(2),
      campaignId: CAMPAIGN,
      campaignTitle: '《勋章》读书征文',
      campaignKind: 'ESSAY',
      campaignStatus: 'DRAFT',
      prize: 'FIRST',
      title: '作品 2',
      schoolId: 'guangming',
      schoolName: '光明民工子弟学校',
      advisor: '李老师',
      participants: [{ name: '李四', role: 'STUDENT', grade: '三年级', key: 'G-1', guardianConsent: null }],
    });
    expect(read.winners(2022, undefined, 'published')).toEqual([]);
    expect(read.winners(2023, undefined, 'all')).toEqual([]);
    expect(read.winners(2022, OTHER, 'all')).toEqual([]);
    given(published);
    expect(read.winners(2022, CAMPAIGN, 'published').map((row) => row.entryId)).toEqual([entryId(2), entryId(1)]);
  });
});

describe('entry text and files', () => {
  const file = (n: number, name: string, mediaType: Attachment['mediaType'] = 'application/pdf'): Attachment => ({
    id: String(n).repeat(64),
    name,
    mediaType,
    size: 1024 * n,
  });
  const ESSAY = file(1, '爷爷的勋章.pdf');
  const SCAN = file(2, '手写稿.jpg', 'image/jpeg');
  const DRAFT = file(3, '草稿.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  const BODY = '第一段。\n第二段。';
  const withWork = <E extends EventOf<'EntrySubmitted'> | EventOf<'EntryRevised'>>(
    event: E,
    work: { body?: string; attachments?: Attachment[] },
  ): E => ({ ...event, data: { ...event.data, ...work } });

  it('keeps the text apart and the files in order, and every file an entry ever carried', () => {
    const { read, given } = readModels();
    given(...opened, withWork(submitted(1), { body: BODY, attachments: [ESSAY, SCAN] }), submitted(2));
    expect(read.entry(ENTRY)?.attachments).toEqual([ESSAY, SCAN]);
    expect(read.entryBody(ENTRY)).toBe(BODY);
    expect(read.entry(entryId(2))?.attachments).toEqual([]);
    expect(read.entryBody(entryId(2))).toBeNull();

    given(withWork(revised(1, STUDENT_AND_RETIRED), { attachments: [DRAFT, ESSAY] }));
    expect(read.entry(ENTRY)?.attachments).toEqual([DRAFT, ESSAY]);
    expect(read.entryBody(ENTRY)).toBeNull();
    // Current or past: the scan was taken off, but its links and the sweeper still see it as the entry's.
    for (const { id } of [ESSAY, SCAN, DRAFT]) {
      expect(read.entryHasFile(ENTRY, id)).toBe(true);
      expect(read.isFileHeld(id)).toBe(true);
    }
    expect(read.entryFile(ENTRY, SCAN.id)).toEqual(SCAN);
    expect(read.entryFile(entryId(2), ESSAY.id)).toBeUndefined();
    expect(read.entryHasFile(entryId(2), ESSAY.id)).toBe(false);
    expect(read.isFileHeld('f'.repeat(64))).toBe(false);
    expect(read.entryHasFile('other-campaign:00000000-0000-4000-8000-000000000001', ESSAY.id)).toBe(false);
  });

  it('lists the files each submission and revision added and removed, by content', () => {
    const { given, history } = readModels();
    const renamed = { ...ESSAY, name: '改了名字.pdf' };
    given(
      ...opened,
      withWork(submitted(1), { attachments: [ESSAY, SCAN] }),
      withWork(revised(1, STUDENT_AND_RETIRED), { body: BODY, attachments: [ESSAY, SCAN] }),
      withWork(revised(1, STUDENT_AND_RETIRED), { attachments: [DRAFT, renamed] }),
      withdrawn(1),
    );
    expect(
      history(ENTRY).map(({ type, attachmentsAdded, attachmentsRemoved }) => ({
        type,
        attachmentsAdded,
        attachmentsRemoved,
      })),
    ).toEqual([
      { type: 'EntrySubmitted', attachmentsAdded: ['爷爷的勋章.pdf', '手写稿.jpg'], attachmentsRemoved: [] },
      { type: 'EntryRevised', attachmentsAdded: [], attachmentsRemoved: [] },
      { type: 'EntryRevised', attachmentsAdded: ['草稿.docx'], attachmentsRemoved: ['手写稿.jpg'] },
      { type: 'EntryWithdrawn', attachmentsAdded: [], attachmentsRemoved: [] },
    ]);
  });

  it('keeps a performance video link, and drops it when a revision has none', () => {
    const { read, given } = readModels();
    const performance = { genre: '合唱', durationMinutes: 6, videoLink: 'https://video.example.cn/v/1' };
    given(...opened, { ...submitted(1), data: { ...submitted(1).data, performance } });
    expect(read.entry(ENTRY)).toMatchObject({ genre: '合唱', durationMinutes: 6, videoLink: performance.videoLink });
    given({
      ...revised(1, STUDENT_AND_RETIRED),
      data: { ...revised(1, STUDENT_AND_RETIRED).data, performance: { genre: '合唱', durationMinutes: 6 } },
    });
    expect(read.entry(ENTRY)).toMatchObject({ genre: '合唱', videoLink: null });
  });
});

describe('accounts read model', () => {
  const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
  const activation = { codeHash: 'a'.repeat(64), expiresAt: '2022-05-27T09:31:00.000Z' };
  const accountCreated = (id: string, login: string, role: 'organizer' | 'school', schoolId: string | null) =>
    ({
      type: 'AccountCreated',
      data: { accountId: id, login, displayName: login.toUpperCase(), role, schoolId, activation },
    }) satisfies DomainEvent;

  it('shows status, role and school by id, by login and filtered, and keeps the hash out of account rows', () => {
    const { read, given } = readModels();
    given(
      accountCreated('a1', 'wang', 'organizer', null),
      accountCreated('a2', 'xinhua@taicang.cn', 'school', 'xinhua-primary'),
      accountCreated('a3', 'yucai', 'school', 'yucai-junior'),
      { type: 'AccountActivated', data: { accountId: 'a1', passwordHash: HASH } },
      { type: 'AccountActivated', data: { accountId: 'a2', passwordHash: HASH } },
      { type: 'AccountDisabled', data: { accountId: 'a3' } },
    );
    expect(read.account('a1')).toEqual({
      id: 'a1',
      login: 'wang',
      displayName: 'WANG',
      role: 'organizer',
      schoolId: null,
      status: 'ACTIVE',
      createdAt: recordedAt(1n),
      sessionsSince: null,
    });
    expect(read.account('a3')?.sessionsSince).toBe(recordedAt(6n));
    expect(read.accounts().map((a) => [a.login, a.status])).toEqual([
      ['wang', 'ACTIVE'],
      ['xinhua@taicang.cn', 'ACTIVE'],
      ['yucai', 'DISABLED'],
    ]);
    expect(read.accounts({ role: 'school' }).map((a) => a.id)).toEqual(['a2', 'a3']);
    expect(read.accounts({ schoolId: 'yucai-junior' }).map((a) => a.id)).toEqual(['a3']);
    expect(Object.keys(read.account('a2') ?? {})).not.toContain('passwordHash');
    expect(read.accountCredentials('xinhua@taicang.cn')).toEqual({ account: read.account('a2'), passwordHash: HASH });
    expect(read.accountCredentials('nobody')).toBeUndefined();
    expect(read.accountByLogin('xinhua@taicang.cn')).toEqual(read.account('a2'));
    expect(read.accountByLogin('nobody')).toBeUndefined();
  });

  it('forgets the password on a reset (pending again) and follows disable and enable', () => {
    const { read, given } = readModels();
    given(
      accountCreated('a1', 'wang', 'organizer', null),
      { type: 'AccountActivated', data: { accountId: 'a1', passwordHash: HASH } },
      { type: 'AccountReset', data: { accountId: 'a1', activation } },
    );
    expect(read.accountCredentials('wang')).toMatchObject({
      account: { status: 'PENDING', sessionsSince: recordedAt(3n) },
      passwordHash: null,
    });
    given(
      { type: 'PasswordChanged', data: { accountId: 'a1', passwordHash: HASH } },
      { type: 'AccountDisabled', data: { accountId: 'a1' } },
    );
    expect(read.account('a1')?.status).toBe('DISABLED');
    given({ type: 'AccountEnabled', data: { accountId: 'a1' } });
    expect(read.account('a1')?.status).toBe('ACTIVE');
  });
});
