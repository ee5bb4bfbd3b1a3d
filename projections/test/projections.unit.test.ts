import { type DomainEvent, type EventMetadata, type EventOf, events } from '@qingmiao/schema';
import { describe, expect, it } from 'vitest';
import type { EventContext, Projection } from '../src/projection.ts';
import { personKey } from '../src/read-models/entries.ts';
import { projections } from '../src/read-models/index.ts';
import { campaignCreated } from './samples.ts';

const RECORDED_AT = '2022-05-20T09:30:00.000Z';
const CAMPAIGN = 'medal-essay-2022';
const ENTRY = `${CAMPAIGN}:0f8fad5b-d9cb-569f-a165-70867728950e`;
const LECTURE = 'party-history-2022:7c9e6679-7425-50de-944b-e07fc1f90ae7';
const ACCOUNT = '6f1c2b8e-0d5a-5c3e-9b7a-2e4f6a8c0d1e';
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';

const metadata: EventMetadata = {
  actor: 'contact-xinhua',
  role: 'school',
  schoolId: 'xinhua-primary',
  correlationId: 'req-1',
  recordedAt: RECORDED_AT,
  schemaVersion: 1,
};
const context: EventContext = { metadata, position: 42n };

const created = campaignCreated(CAMPAIGN);

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
    body: '爷爷的勋章挂在墙上。',
    attachments: [{ id: 'a'.repeat(64), name: '作文.pdf', mediaType: 'application/pdf', size: 2048 }],
    personalDataKeys: [{ subject: `entry:${ENTRY}`, kid: 'kid-1' }],
  },
};

/** Every event type of the catalogue with plausible data, to run every projection over all of them. */
const everyEvent: DomainEvent[] = [
  {
    type: 'SchoolRegistered',
    data: { schoolId: 'xinhua-primary', name: '新华小学', kind: 'PRIMARY', town: '城关镇', private: false },
  },
  { type: 'SchoolRenamed', data: { schoolId: 'xinhua-primary', name: '新华实验小学' } },
  { type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 800 } },
  {
    type: 'LecturerRegistered',
    data: { lecturerId: 'wang-laoshi', name: '王老师', formerSchoolId: 'xinhua-primary', topics: ['党史'] },
  },
  { type: 'LecturerRetired', data: { lecturerId: 'wang-laoshi', reason: '' } },
  created,
  {
    type: 'CampaignSettingsChanged',
    data: {
      campaignId: CAMPAIGN,
      title: '童心喜迎二十大',
      theme: '',
      opensAt: '2022-04-01T00:00:00+08:00',
      closesAt: '2022-07-31T23:59:59+08:00',
      eligibleSchoolKinds: ['PRIMARY'],
      maxEntriesPerSchool: null,
      targetSessions: null,
      awardQuota: 0.2,
      rubric: [{ name: '立意', weight: 1, maxScore: 100 }],
      blindJudging: false,
      requireGuardianConsent: false,
    },
  },
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
      performance: { genre: '朗诵', durationMinutes: 5, videoLink: 'https://video.example.cn/v/1' },
      body: '爷爷的勋章挂在客厅。',
      attachments: [{ id: 'b'.repeat(64), name: '朗诵.mp4', mediaType: 'video/mp4', size: 4096 }],
      personalDataKeys: [{ subject: `entry:${ENTRY}`, kid: 'kid-2' }],
    },
  },
  {
    type: 'ParticipantErased',
    data: { schoolId: 'xinhua-primary', participantId: 'p_child', reason: '监护人申请' },
  },
  { type: 'EntryPersonalDataErased', data: { campaignId: CAMPAIGN, entryId: ENTRY, reason: '监护人申请' } },
  { type: 'PersonalDataExpired', data: { year: 2022, retentionYears: 3 } },
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
  {
    type: 'AccountCreated',
    data: {
      accountId: ACCOUNT,
      login: 'xinhua@taicang.edu.cn',
      displayName: '新华小学',
      role: 'school',
      schoolId: 'xinhua-primary',
      activation: { codeHash: 'a'.repeat(64), expiresAt: '2022-05-27T09:30:00.000Z' },
    },
  },
  { type: 'AccountActivated', data: { accountId: ACCOUNT, passwordHash: PASSWORD_HASH } },
  { type: 'PasswordChanged', data: { accountId: ACCOUNT, passwordHash: PASSWORD_HASH } },
  { type: 'AccountDisabled', data: { accountId: ACCOUNT } },
  { type: 'AccountEnabled', data: { accountId: ACCOUNT } },
  {
    type: 'AccountReset',
    data: { accountId: ACCOUNT, activation: { codeHash: 'b'.repeat(64), expiresAt: '2022-05-27T09:30:00.000Z' } },
  },
  { type: 'OrganizerEnlisted', data: { accountId: ACCOUNT } },
  { type: 'OrganizerDelisted', data: { accountId: ACCOUNT } },
];

const namedParameters = (sql: string): string[] => [...sql.matchAll(/@(\w+)/g)].map((match) => match[1] ?? '');

const tablesOf = (projection: Projection) =>
  projection.tables.map((sql) => /^CREATE TABLE (\w+)/.exec(sql)?.[1]).filter((name) => name !== undefined);

// What each projection writes is asserted row by row in read-models.int.test.ts; here, what the runner and the
// as-of replayer rely on without a database: the declarations.
describe('every projection', () => {
  it('has a sample of every event type of the catalogue in this test', () => {
    // A new event type fails this check until it is added to `everyEvent` (and handled where it matters).
    expect(new Set(everyEvent.map((event) => event.type))).toEqual(new Set(events.types));
  });

  it.each(projections.map((projection) => [projection.name, projection] as const))(
    '%s only asks for the statements it declares for the event type, with every named parameter they use',
    (_, projection: Projection) => {
      for (const event of everyEvent) {
        const declared: readonly string[] = projection.handles[event.type] ?? [];
        for (const operation of projection.handle(event, context)) {
          expect(declared, `${event.type} → ${operation.statement}`).toContain(operation.statement);
          const sql = (projection.statements as Record<string, { sql: string }>)[operation.statement]?.sql;
          expect(sql, `${event.type} → ${operation.statement}`).toBeDefined();
          for (const name of namedParameters(sql ?? '')) {
            expect(operation.params, `${event.type} → ${operation.statement} needs @${name}`).toHaveProperty(name);
            expect(operation.params[name], `${event.type} → @${name}`).not.toBeUndefined();
          }
        }
      }
    },
  );

  it.each(projections.map((projection) => [projection.name, projection] as const))(
    '%s declares only the event types and statements it uses',
    (_, projection: Projection) => {
      for (const event of everyEvent) {
        const asked = new Set(projection.handle(event, context).map((operation) => operation.statement));
        expect([...asked].sort(), event.type).toEqual([...(projection.handles[event.type] ?? [])].sort());
      }
    },
  );

  it('declares for each statement a table that a projection creates, named in its SQL', () => {
    const tables = new Set(projections.flatMap(tablesOf));
    for (const projection of projections) {
      for (const [name, { table, sql }] of Object.entries(projection.statements)) {
        expect(tables, `${projection.name}.${name}`).toContain(table);
        expect(sql, `${projection.name}.${name}`).toMatch(new RegExp(`(INTO|UPDATE|FROM) ${table}\\b`));
      }
    }
  });

  it('is pure: the same event and context always ask for the same operations', () => {
    for (const projection of projections) {
      for (const event of everyEvent) {
        expect(projection.handle(event, context)).toEqual(projection.handle(structuredClone(event), context));
      }
    }
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
