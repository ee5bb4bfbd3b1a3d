import { DEFAULT_RUBRIC, type DomainEvent, type EventMetadata, type EventOf, events } from '@qingmiao/schema';
import { describe, expect, it } from 'vitest';
import type { EventContext, Operation, Projection } from '../src/projection.ts';
import { campaignsProjection } from '../src/read-models/campaigns.ts';
import { entriesProjection, personKey } from '../src/read-models/entries.ts';
import { projections } from '../src/read-models/index.ts';
import { lecturersProjection } from '../src/read-models/lecturers.ts';
import { lecturesProjection } from '../src/read-models/lectures.ts';
import { schoolsProjection } from '../src/read-models/schools.ts';

const RECORDED_AT = '2022-05-20T09:30:00.000Z';
const CAMPAIGN = 'medal-essay-2022';
const ENTRY = `${CAMPAIGN}:0f8fad5b-d9cb-569f-a165-70867728950e`;
const LECTURE = 'party-history-2022:7c9e6679-7425-50de-944b-e07fc1f90ae7';

const metadata: EventMetadata = {
  actor: 'contact-xinhua',
  role: 'school',
  schoolId: 'xinhua-primary',
  correlationId: 'req-1',
  recordedAt: RECORDED_AT,
  schemaVersion: 1,
};
const context: EventContext = { metadata, position: 42n };

const created: EventOf<'CampaignCreated'> = {
  type: 'CampaignCreated',
  data: {
    campaignId: CAMPAIGN,
    kind: 'ESSAY',
    title: '《勋章》读书征文',
    theme: '童心向党',
    year: 2022,
    opensAt: '2022-03-01T00:00:00+08:00',
    closesAt: '2022-06-30T23:59:59+08:00',
    eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
    maxEntriesPerSchool: 3,
    targetSessions: null,
    awardQuota: 0.15,
    rubric: DEFAULT_RUBRIC,
    copiedFrom: null,
  },
};

const submitted: EventOf<'EntrySubmitted'> = {
  type: 'EntrySubmitted',
  data: {
    campaignId: CAMPAIGN,
    entryId: ENTRY,
    submissionId: 'sub-1',
    schoolId: 'xinhua-primary',
    title: '老少同台·我读《勋章》',
    participants: [
      { name: '张小明', role: 'STUDENT', grade: '五年级' },
      { name: '王老师', role: 'RETIRED_TEACHER', key: 'T-7' },
    ],
    advisor: '李老师',
    performance: null,
  },
};

const history = (event: DomainEvent, entryId = ENTRY): Operation => ({
  statement: 'insertHistory',
  params: {
    entryId,
    position: 42n,
    type: event.type,
    at: RECORDED_AT,
    actor: 'contact-xinhua',
    role: 'school',
    data: JSON.stringify(event.data),
  },
});

/** Every event type of the catalogue with plausible data, to run every projection over all of them. */
const everyEvent: DomainEvent[] = [
  {
    type: 'SchoolRegistered',
    data: { schoolId: 'xinhua-primary', name: '新华小学', kind: 'PRIMARY', town: '城关镇', private: false },
  },
  { type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 800 } },
  {
    type: 'LecturerRegistered',
    data: { lecturerId: 'wang-laoshi', name: '王老师', formerSchoolId: 'xinhua-primary', topics: ['党史'] },
  },
  { type: 'LecturerRetired', data: { lecturerId: 'wang-laoshi', reason: '' } },
  created,
  { type: 'CampaignOpened', data: { campaignId: CAMPAIGN } },
  { type: 'CampaignClosed', data: { campaignId: CAMPAIGN } },
  { type: 'DeadlineExtended', data: { campaignId: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' } },
  { type: 'CampaignCancelled', data: { campaignId: CAMPAIGN, reason: '疫情' } },
  { type: 'ResultsPublished', data: { campaignId: CAMPAIGN } },
  { type: 'JudgeAssigned', data: { campaignId: CAMPAIGN, judge: 'judge-1' } },
  { type: 'JudgeUnassigned', data: { campaignId: CAMPAIGN, judge: 'judge-1' } },
  submitted,
  {
    type: 'EntryRevised',
    data: {
      campaignId: CAMPAIGN,
      entryId: ENTRY,
      title: '我读《勋章》',
      participants: [{ name: '张小明', role: 'STUDENT', grade: '五年级' }],
      advisor: null,
      performance: null,
    },
  },
  { type: 'EntryWithdrawn', data: { campaignId: CAMPAIGN, entryId: ENTRY, reason: '重复提交' } },
  {
    type: 'EntryScored',
    data: {
      campaignId: CAMPAIGN,
      entryId: ENTRY,
      judge: 'judge-1',
      scores: [{ criterion: '总分', score: 88 }],
      weightedScore: 88,
      comment: null,
    },
  },
  { type: 'JudgeRecused', data: { campaignId: CAMPAIGN, entryId: ENTRY, judge: 'judge-1', reason: '亲属' } },
  { type: 'EntryAwarded', data: { campaignId: CAMPAIGN, entryId: ENTRY, prize: 'FIRST' } },
  { type: 'AwardRevoked', data: { campaignId: CAMPAIGN, entryId: ENTRY, reason: '复核' } },
  { type: 'EntryRated', data: { campaignId: CAMPAIGN, entryId: ENTRY, stars: 4 } },
  {
    type: 'LectureScheduled',
    data: {
      campaignId: 'party-history-2022',
      lectureId: LECTURE,
      lecturerId: 'wang-laoshi',
      schoolId: 'xinhua-primary',
      venue: null,
      topic: '红色家书',
      scheduledAt: '2022-05-04T14:00:00+08:00',
    },
  },
  {
    type: 'LectureRescheduled',
    data: { campaignId: 'party-history-2022', lectureId: LECTURE, scheduledAt: '2022-05-05T14:00:00+08:00' },
  },
  {
    type: 'LectureDelivered',
    data: { campaignId: 'party-history-2022', lectureId: LECTURE, audience: 320, durationMinutes: 45 },
  },
  { type: 'LectureCancelled', data: { campaignId: 'party-history-2022', lectureId: LECTURE, reason: '下雨' } },
];

const namedParameters = (sql: string): string[] => [...sql.matchAll(/@(\w+)/g)].map((match) => match[1] ?? '');

describe('every projection', () => {
  it('has a sample of every event type of the catalogue in this test', () => {
    // A new event type fails this check until it is added to `everyEvent` (and handled where it matters).
    expect(new Set(everyEvent.map((event) => event.type))).toEqual(new Set(events.types));
  });

  it.each(projections.map((projection) => [projection.name, projection] as const))(
    '%s only asks for its own statements, with every named parameter they use',
    (_, projection: Projection) => {
      for (const event of everyEvent) {
        for (const operation of projection.handle(event, context)) {
          const sql = (projection.statements as Record<string, string>)[operation.statement];
          expect(sql, `${event.type} → ${operation.statement}`).toBeDefined();
          for (const name of namedParameters(sql ?? '')) {
            expect(operation.params, `${event.type} → ${operation.statement} needs @${name}`).toHaveProperty(name);
            expect(operation.params[name], `${event.type} → @${name}`).not.toBeUndefined();
          }
        }
      }
    },
  );

  it('is pure: the same event and context always ask for the same operations', () => {
    for (const projection of projections) {
      for (const event of everyEvent) {
        expect(projection.handle(event, context)).toEqual(projection.handle(structuredClone(event), context));
      }
    }
  });
});

describe('schools projection', () => {
  it('inserts a registered school, private as 0/1, stamped with recordedAt', () => {
    expect(
      schoolsProjection.handle(
        {
          type: 'SchoolRegistered',
          data: { schoolId: 'guangming', name: '光明民工子弟学校', kind: 'MIGRANT', town: '城南镇', private: true },
        },
        context,
      ),
    ).toEqual([
      {
        statement: 'insertSchool',
        params: {
          id: 'guangming',
          name: '光明民工子弟学校',
          kind: 'MIGRANT',
          town: '城南镇',
          private: 1,
          at: RECORDED_AT,
        },
      },
    ]);
  });

  it('upserts enrollment by school and year', () => {
    expect(
      schoolsProjection.handle(
        { type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 800 } },
        context,
      ),
    ).toEqual([{ statement: 'upsertEnrollment', params: { schoolId: 'xinhua-primary', year: 2022, students: 800 } }]);
  });

  it('ignores campaign events', () => {
    expect(schoolsProjection.handle(created, context)).toEqual([]);
  });
});

describe('lecturers projection', () => {
  it('inserts a lecturer with topics as JSON, and marks retirement', () => {
    expect(
      lecturersProjection.handle(
        {
          type: 'LecturerRegistered',
          data: { lecturerId: 'wang-laoshi', name: '王老师', formerSchoolId: null, topics: ['党史', '家风'] },
        },
        context,
      ),
    ).toEqual([
      {
        statement: 'insertLecturer',
        params: { id: 'wang-laoshi', name: '王老师', formerSchoolId: null, topics: '["党史","家风"]', at: RECORDED_AT },
      },
    ]);
    expect(
      lecturersProjection.handle({ type: 'LecturerRetired', data: { lecturerId: 'wang-laoshi', reason: '' } }, context),
    ).toEqual([{ statement: 'retireLecturer', params: { id: 'wang-laoshi' } }]);
  });
});

describe('campaigns projection', () => {
  it('inserts a created campaign with its lists as JSON', () => {
    expect(campaignsProjection.handle(created, context)).toEqual([
      {
        statement: 'insertCampaign',
        params: {
          id: CAMPAIGN,
          kind: 'ESSAY',
          title: '《勋章》读书征文',
          theme: '童心向党',
          year: 2022,
          opensAt: '2022-03-01T00:00:00+08:00',
          closesAt: '2022-06-30T23:59:59+08:00',
          eligibleSchoolKinds: '["PRIMARY","JUNIOR_HIGH"]',
          maxEntriesPerSchool: 3,
          targetSessions: null,
          awardQuota: 0.15,
          rubric: JSON.stringify(DEFAULT_RUBRIC),
          copiedFrom: null,
          at: RECORDED_AT,
        },
      },
    ]);
  });

  it.each([
    ['CampaignOpened', 'OPEN'],
    ['CampaignClosed', 'CLOSED'],
    ['ResultsPublished', 'RESULTS_PUBLISHED'],
  ] as const)('sets the status on %s', (type, status) => {
    expect(campaignsProjection.handle({ type, data: { campaignId: CAMPAIGN } }, context)).toEqual([
      { statement: 'setStatus', params: { id: CAMPAIGN, status } },
    ]);
  });

  it('cancels with the reason, moves the deadline and records judges', () => {
    expect(
      campaignsProjection.handle(
        { type: 'CampaignCancelled', data: { campaignId: CAMPAIGN, reason: '疫情' } },
        context,
      ),
    ).toEqual([{ statement: 'cancel', params: { id: CAMPAIGN, reason: '疫情' } }]);
    expect(
      campaignsProjection.handle(
        { type: 'DeadlineExtended', data: { campaignId: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' } },
        context,
      ),
    ).toEqual([{ statement: 'extendDeadline', params: { id: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' } }]);
    expect(
      campaignsProjection.handle({ type: 'JudgeAssigned', data: { campaignId: CAMPAIGN, judge: 'judge-1' } }, context),
    ).toEqual([{ statement: 'insertJudge', params: { campaignId: CAMPAIGN, judge: 'judge-1', at: RECORDED_AT } }]);
    expect(
      campaignsProjection.handle(
        { type: 'JudgeUnassigned', data: { campaignId: CAMPAIGN, judge: 'judge-1' } },
        context,
      ),
    ).toEqual([{ statement: 'deleteJudge', params: { campaignId: CAMPAIGN, judge: 'judge-1' } }]);
  });

  it('ignores entry events', () => {
    expect(campaignsProjection.handle(submitted, context)).toEqual([]);
  });
});

describe('entries projection', () => {
  it('inserts a submitted entry, its participants in order and a history row', () => {
    expect(entriesProjection.handle(submitted, context)).toEqual([
      {
        statement: 'insertEntry',
        params: {
          id: ENTRY,
          campaignId: CAMPAIGN,
          schoolId: 'xinhua-primary',
          submissionId: 'sub-1',
          title: '老少同台·我读《勋章》',
          advisor: '李老师',
          genre: null,
          durationMinutes: null,
          intergenerational: 1,
          at: RECORDED_AT,
        },
      },
      {
        statement: 'insertParticipant',
        params: {
          entryId: ENTRY,
          seq: 0,
          name: '张小明',
          role: 'STUDENT',
          grade: '五年级',
          key: null,
          schoolId: 'xinhua-primary',
          personKey: 'xinhua-primary|n|张小明|五年级',
        },
      },
      {
        statement: 'insertParticipant',
        params: {
          entryId: ENTRY,
          seq: 1,
          name: '王老师',
          role: 'RETIRED_TEACHER',
          grade: null,
          key: 'T-7',
          schoolId: 'xinhua-primary',
          personKey: 'xinhua-primary|k|T-7',
        },
      },
      history(submitted),
    ]);
  });

  it('marks an entry intergenerational only with a retired teacher and a student', () => {
    const only = (participants: EventOf<'EntrySubmitted'>['data']['participants']) =>
      entriesProjection.handle({ ...submitted, data: { ...submitted.data, participants } }, context)[0]?.params
        .intergenerational;
    expect(only([{ name: '张小明', role: 'STUDENT' }])).toBe(0);
    expect(only([{ name: '王老师', role: 'RETIRED_TEACHER' }])).toBe(0);
    expect(
      only([
        { name: '王老师', role: 'RETIRED_TEACHER' },
        { name: '张爸爸', role: 'PARENT' },
      ]),
    ).toBe(0);
  });

  it('keeps the performance of a showcase entry', () => {
    const [insert] = entriesProjection.handle(
      { ...submitted, data: { ...submitted.data, performance: { genre: '合唱', durationMinutes: 6 } } },
      context,
    );
    expect(insert?.params).toMatchObject({ genre: '合唱', durationMinutes: 6 });
  });

  it('replaces the content and participants of a revised entry', () => {
    const revised: EventOf<'EntryRevised'> = {
      type: 'EntryRevised',
      data: {
        campaignId: CAMPAIGN,
        entryId: ENTRY,
        title: '我读《勋章》',
        participants: [{ name: '张小明', role: 'STUDENT', grade: '五年级', key: 'S-1' }],
        advisor: null,
        performance: null,
      },
    };
    expect(entriesProjection.handle(revised, context)).toEqual([
      {
        statement: 'reviseEntry',
        params: {
          id: ENTRY,
          title: '我读《勋章》',
          advisor: null,
          genre: null,
          durationMinutes: null,
          intergenerational: 0,
          at: RECORDED_AT,
        },
      },
      { statement: 'deleteParticipants', params: { id: ENTRY } },
      {
        // The revision does not name the school: the statement takes it, and the key's prefix, from the entry row.
        statement: 'reviseParticipant',
        params: {
          entryId: ENTRY,
          seq: 0,
          name: '张小明',
          role: 'STUDENT',
          grade: '五年级',
          key: 'S-1',
          personKey: '|k|S-1',
        },
      },
      history(revised),
    ]);
  });

  it('withdraws with the reason and keeps the history', () => {
    const event: DomainEvent = {
      type: 'EntryWithdrawn',
      data: { campaignId: CAMPAIGN, entryId: ENTRY, reason: '重复提交' },
    };
    expect(entriesProjection.handle(event, context)).toEqual([
      { statement: 'withdrawEntry', params: { id: ENTRY, reason: '重复提交', at: RECORDED_AT } },
      history(event),
    ]);
  });

  it('upserts scores, drops the score of a recused judge, sets prizes and stars', () => {
    const scored: DomainEvent = {
      type: 'EntryScored',
      data: {
        campaignId: CAMPAIGN,
        entryId: ENTRY,
        judge: 'judge-1',
        scores: [{ criterion: '总分', score: 88 }],
        weightedScore: 88,
        comment: '情感真挚',
      },
    };
    expect(entriesProjection.handle(scored, context)).toEqual([
      {
        statement: 'upsertScore',
        params: {
          entryId: ENTRY,
          judge: 'judge-1',
          weightedScore: 88,
          criteria: '[{"criterion":"总分","score":88}]',
          comment: '情感真挚',
          at: RECORDED_AT,
        },
      },
      history(scored),
    ]);
    const recused: DomainEvent = {
      type: 'JudgeRecused',
      data: { campaignId: CAMPAIGN, entryId: ENTRY, judge: 'judge-1', reason: '亲属' },
    };
    expect(entriesProjection.handle(recused, context)).toEqual([
      { statement: 'recuse', params: { entryId: ENTRY, judge: 'judge-1', reason: '亲属' } },
      { statement: 'dropScore', params: { entryId: ENTRY, judge: 'judge-1' } },
      history(recused),
    ]);
    const awarded: DomainEvent = {
      type: 'EntryAwarded',
      data: { campaignId: CAMPAIGN, entryId: ENTRY, prize: 'SECOND' },
    };
    expect(entriesProjection.handle(awarded, context)).toEqual([
      { statement: 'setPrize', params: { entryId: ENTRY, prize: 'SECOND' } },
      history(awarded),
    ]);
    const revoked: DomainEvent = {
      type: 'AwardRevoked',
      data: { campaignId: CAMPAIGN, entryId: ENTRY, reason: '复核' },
    };
    expect(entriesProjection.handle(revoked, context)).toEqual([
      { statement: 'setPrize', params: { entryId: ENTRY, prize: null } },
      history(revoked),
    ]);
    const rated: DomainEvent = { type: 'EntryRated', data: { campaignId: CAMPAIGN, entryId: ENTRY, stars: 5 } };
    expect(entriesProjection.handle(rated, context)).toEqual([
      { statement: 'setStars', params: { entryId: ENTRY, stars: 5 } },
      history(rated),
    ]);
  });

  it("drops an unassigned judge's scores in that campaign, leaving the entries' history as it was", () => {
    expect(
      entriesProjection.handle({ type: 'JudgeUnassigned', data: { campaignId: CAMPAIGN, judge: 'judge-1' } }, context),
    ).toEqual([{ statement: 'dropJudgeScores', params: { campaignId: CAMPAIGN, judge: 'judge-1' } }]);
  });

  it('ignores campaign lifecycle events', () => {
    expect(entriesProjection.handle(created, context)).toEqual([]);
    expect(entriesProjection.handle({ type: 'CampaignClosed', data: { campaignId: CAMPAIGN } }, context)).toEqual([]);
  });
});

describe('personKey', () => {
  it("uses the school's key when given, else name and grade, always within the school", () => {
    expect(personKey('a', { name: '张三', role: 'STUDENT', grade: '三年级', key: 'S-1' })).toBe('a|k|S-1');
    expect(personKey('a', { name: '李四', role: 'STUDENT', key: 'S-1' })).toBe('a|k|S-1');
    expect(personKey('a', { name: '张三', role: 'STUDENT', grade: '三年级' })).toBe('a|n|张三|三年级');
    expect(personKey('a', { name: '张三', role: 'STUDENT' })).toBe('a|n|张三|');
    expect(personKey('b', { name: '张三', role: 'STUDENT', grade: '三年级' })).not.toBe(
      personKey('a', { name: '张三', role: 'STUDENT', grade: '三年级' }),
    );
  });
});

describe('lectures projection', () => {
  it('inserts, reschedules, delivers and cancels lectures', () => {
    const lecture = { campaignId: 'party-history-2022', lectureId: LECTURE };
    const scheduled = {
      ...lecture,
      lecturerId: 'wang-laoshi',
      schoolId: null,
      venue: '城关镇社区中心',
      topic: '红色家书',
      scheduledAt: '2022-05-04T14:00:00+08:00',
    };
    expect(lecturesProjection.handle({ type: 'LectureScheduled', data: scheduled }, context)).toEqual([
      { statement: 'insertLecture', params: scheduled },
    ]);
    const rescheduled = { ...lecture, scheduledAt: '2022-05-05T14:00:00+08:00' };
    expect(lecturesProjection.handle({ type: 'LectureRescheduled', data: rescheduled }, context)).toEqual([
      { statement: 'reschedule', params: rescheduled },
    ]);
    expect(
      lecturesProjection.handle(
        { type: 'LectureDelivered', data: { ...lecture, audience: 320, durationMinutes: 45 } },
        context,
      ),
    ).toEqual([{ statement: 'deliver', params: { ...lecture, audience: 320, durationMinutes: 45, at: RECORDED_AT } }]);
    expect(
      lecturesProjection.handle({ type: 'LectureCancelled', data: { ...lecture, reason: '下雨' } }, context),
    ).toEqual([{ statement: 'cancel', params: { ...lecture, reason: '下雨' } }]);
  });

  it('ignores entry events', () => {
    expect(lecturesProjection.handle(submitted, context)).toEqual([]);
  });
});
