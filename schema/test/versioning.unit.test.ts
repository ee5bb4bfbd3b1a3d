import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CreateCampaignInput,
  DEFAULT_RUBRIC,
  defineEventCatalogue,
  events,
  RegisterSchoolInput,
  ReviseEntryInput,
  readEvent,
  readTrustedEvent,
  SubmitEntryInput,
  UnreadableEvent,
  type Upcaster,
} from '../src/index.ts';

/**
 * A made-up history of one event type: v1 {name}, v2 split the name into family and given names, v3 added the
 * grade. Another type stayed at v1.
 */
const StudentEnrolledV3 = z.object({
  studentId: z.string(),
  familyName: z.string(),
  givenName: z.string(),
  grade: z.string().nullable(),
});
const ClassOpened = z.object({ classId: z.string() });

const v1ToV2: Upcaster = {
  type: 'StudentEnrolled',
  fromVersion: 1,
  upcast: ({ name, ...rest }) => ({
    ...rest,
    familyName: String(name).slice(0, 1),
    givenName: String(name).slice(1),
  }),
};
const v2ToV3: Upcaster = {
  type: 'StudentEnrolled',
  fromVersion: 2,
  upcast: (data) => ({ ...data, grade: null }),
};

const catalogue = defineEventCatalogue(
  { StudentEnrolled: StudentEnrolledV3, ClassOpened },
  { versions: { StudentEnrolled: 3 }, upcasters: [v2ToV3, v1ToV2] },
);

const METADATA = {
  actor: 'organizer-1',
  role: 'organizer',
  correlationId: 'c-1',
  recordedAt: '2022-06-01T08:00:00+08:00',
};

describe('defineEventCatalogue', () => {
  it('knows its types and their current versions (1 unless said otherwise)', () => {
    expect(catalogue.types).toEqual(['StudentEnrolled', 'ClassOpened']);
    expect(catalogue.versionOf('StudentEnrolled')).toBe(3);
    expect(catalogue.versionOf('ClassOpened')).toBe(1);
    expect(catalogue.has('ClassOpened')).toBe(true);
    expect(catalogue.has('ClassClosed')).toBe(false);
    expect(catalogue.has('toString')).toBe(false);
  });

  it('upcasts a v1 event through every step to the current shape', () => {
    const stored = { studentId: 's-1', name: '张小明' };
    expect(catalogue.decode({ type: 'StudentEnrolled', data: stored, schemaVersion: 1 })).toEqual({
      type: 'StudentEnrolled',
      data: { studentId: 's-1', familyName: '张', givenName: '小明', grade: null },
    });
    // The stored data is read, never changed.
    expect(stored).toEqual({ studentId: 's-1', name: '张小明' });
  });

  it('upcasts a v2 event with the remaining step only', () => {
    expect(
      catalogue.decode({
        type: 'StudentEnrolled',
        data: { studentId: 's-2', familyName: '李', givenName: '华' },
        schemaVersion: 2,
      }),
    ).toEqual({ type: 'StudentEnrolled', data: { studentId: 's-2', familyName: '李', givenName: '华', grade: null } });
  });

  it('reads a current event as it is, validated by its schema', () => {
    const data = { studentId: 's-3', familyName: '王', givenName: '芳', grade: '三年级' };
    expect(catalogue.decode({ type: 'StudentEnrolled', data, schemaVersion: 3 })).toEqual({
      type: 'StudentEnrolled',
      data,
    });
    expect(catalogue.decode({ type: 'ClassOpened', data: { classId: 'c-1' }, schemaVersion: 1 })).toEqual({
      type: 'ClassOpened',
      data: { classId: 'c-1' },
    });
  });

  it('refuses an old version without an upcaster for one of its steps', () => {
    const gap = defineEventCatalogue(
      { StudentEnrolled: StudentEnrolledV3 },
      { versions: { StudentEnrolled: 3 }, upcasters: [v1ToV2] },
    );
    expect(() =>
      gap.decode({ type: 'StudentEnrolled', data: { studentId: 's-1', name: '张小明' }, schemaVersion: 1 }),
    ).toThrow(UnreadableEvent);
    expect(() =>
      gap.decode({ type: 'StudentEnrolled', data: { studentId: 's-1', name: '张小明' }, schemaVersion: 1 }),
    ).toThrow('No upcaster for StudentEnrolled v2');
  });

  it('refuses a version newer than the catalogue knows', () => {
    const newer = () =>
      catalogue.decode({
        type: 'StudentEnrolled',
        data: { studentId: 's-1', familyName: '张', givenName: '小明', grade: null, nickname: '明明' },
        schemaVersion: 4,
      });
    expect(newer).toThrow(UnreadableEvent);
    expect(newer).toThrow('newer');
  });

  it('refuses data that does not match the schema after upcasting', () => {
    expect(() => catalogue.decode({ type: 'StudentEnrolled', data: { name: '张小明' }, schemaVersion: 1 })).toThrow(
      UnreadableEvent,
    );
    expect(() => catalogue.decode({ type: 'ClassOpened', data: { classId: 42 }, schemaVersion: 1 })).toThrow(
      UnreadableEvent,
    );
  });

  it('decodes a type it does not know (written by a newer version) to undefined', () => {
    expect(catalogue.decode({ type: 'ClassClosed', data: { classId: 'c-1' }, schemaVersion: 1 })).toBeUndefined();
    expect(catalogue.decode({ type: 'ClassClosed', data: {}, schemaVersion: 7 })).toBeUndefined();
  });
});

describe("Qingmiao's event catalogue", () => {
  const created = {
    campaignId: 'medal-essay-2022',
    kind: 'ESSAY',
    title: '《勋章》读书征文',
    theme: '',
    year: 2022,
    opensAt: '2022-03-01T00:00:00+08:00',
    closesAt: '2022-06-30T23:59:59+08:00',
    eligibleSchoolKinds: ['PRIMARY'],
    maxEntriesPerSchool: null,
    targetSessions: null,
    awardQuota: null,
  };

  it('writes CampaignCreated at v4, EntrySubmitted at v2, the rest at v1', () => {
    expect(events.versionOf('CampaignCreated')).toBe(4);
    expect(events.versionOf('EntrySubmitted')).toBe(2);
    expect(events.versionOf('SchoolRegistered')).toBe(1);
  });

  it('upcasts a v1 CampaignCreated with the default rubric, no copy origin and blind judging', () => {
    expect(events.decode({ type: 'CampaignCreated', data: created, schemaVersion: 1 })).toEqual({
      type: 'CampaignCreated',
      data: {
        ...created,
        rubric: DEFAULT_RUBRIC,
        copiedFrom: null,
        blindJudging: true,
        requireGuardianConsent: false,
      },
    });
  });

  it('reads a v2 CampaignCreated (before blindJudging) as judged blind, the default', () => {
    const v2 = { ...created, rubric: DEFAULT_RUBRIC, copiedFrom: null };
    expect(events.decode({ type: 'CampaignCreated', data: v2, schemaVersion: 2 })?.data).toEqual({
      ...v2,
      blindJudging: true,
      requireGuardianConsent: false,
    });
  });

  it('reads a v3 CampaignCreated (before requireGuardianConsent) as requiring no consent', () => {
    const v3 = { ...created, rubric: DEFAULT_RUBRIC, copiedFrom: null, blindJudging: false };
    expect(events.decode({ type: 'CampaignCreated', data: v3, schemaVersion: 3 })?.data).toEqual({
      ...v3,
      requireGuardianConsent: false,
    });
  });

  it('reads an entry recorded before text and files as one without them', () => {
    const entry = {
      campaignId: 'medal-essay-2022',
      entryId: 'medal-essay-2022:0f8fad5b-d9cb-569f-a165-70867728950e',
      title: '我读《勋章》',
      participants: [],
      advisor: null,
      performance: { genre: '朗诵', durationMinutes: 5 },
    };
    const decoded = events.decode({ type: 'EntryRevised', data: entry, schemaVersion: 1 });
    expect(decoded?.data).toEqual(entry);
    expect(decoded?.data).not.toHaveProperty('body');
    expect(decoded?.data).not.toHaveProperty('attachments');
  });

  it('reads a stored current event with its metadata (readEvent)', () => {
    const data = {
      campaignId: 'medal-essay-2022',
      entryId: 'medal-essay-2022:0f8fad5b-d9cb-569f-a165-70867728950e',
      submissionId: 'sub-1',
      schoolId: 'xinhua-primary',
      title: '我读《勋章》',
      participants: [{ name: '张小明', role: 'STUDENT', grade: '五年级' }],
      advisor: null,
      performance: { genre: '朗诵', durationMinutes: 5 },
    };
    const metadata = { ...METADATA, schoolId: 'xinhua-primary', schemaVersion: 2 };
    expect(readEvent({ type: 'EntrySubmitted', data, metadata })).toEqual({
      event: { type: 'EntrySubmitted', data },
      metadata,
    });
  });

  it('upcasts through readEvent with the version kept in the metadata', () => {
    const read = readEvent({ type: 'CampaignCreated', data: created, metadata: { ...METADATA, schemaVersion: 1 } });
    expect(read?.event.data).toMatchObject({ rubric: DEFAULT_RUBRIC, copiedFrom: null });
  });

  it('reads an unknown type as undefined and refuses metadata without a schema version', () => {
    expect(readEvent({ type: 'SomethingNew', data: {}, metadata: { ...METADATA, schemaVersion: 1 } })).toBeUndefined();
    expect(() => readEvent({ type: 'CampaignOpened', data: { campaignId: 'x' }, metadata: METADATA })).toThrow();
  });

  it('reads an unknown type as undefined also when a newer version wrote metadata this one cannot read', () => {
    const newer = { ...METADATA, role: 'auditor', schemaVersion: 7 };
    expect(readEvent({ type: 'AuditNoteAdded', data: {}, metadata: newer })).toBeUndefined();
    expect(readEvent({ type: 'AuditNoteAdded', data: {}, metadata: 'not even an object' })).toBeUndefined();
    expect(() => readEvent({ type: 'CampaignOpened', data: { campaignId: 'x' }, metadata: newer })).toThrow();
  });

  it('replays events of the current version as stored, and parses the others (readTrustedEvent)', () => {
    const opened = { campaignId: ' not parsed again ' };
    const current = { ...METADATA, schemaVersion: 1 };
    expect(readTrustedEvent({ type: 'CampaignOpened', data: opened, metadata: current })).toEqual({
      event: { type: 'CampaignOpened', data: opened },
      metadata: current,
    });
    const upcast = readTrustedEvent({ type: 'CampaignCreated', data: created, metadata: current });
    expect(upcast?.event.data).toMatchObject({ rubric: DEFAULT_RUBRIC, copiedFrom: null });
    expect(readTrustedEvent({ type: 'SomethingNew', data: {}, metadata: current })).toBeUndefined();
    expect(() =>
      readTrustedEvent({ type: 'CampaignOpened', data: opened, metadata: { ...METADATA, schemaVersion: 7 } }),
    ).toThrow(UnreadableEvent);
    expect(() => readTrustedEvent({ type: 'CampaignOpened', data: opened, metadata: 'not an object' })).toThrow();
    expect(() => readTrustedEvent({ type: 'CampaignOpened', data: 'not an object', metadata: current })).toThrow();
  });
});

describe('command input schemas', () => {
  const campaign = {
    kind: 'ESSAY',
    title: '《勋章》读书征文',
    year: 2022,
    opensAt: '2022-03-01T00:00:00+08:00',
    closesAt: '2022-06-30T23:59:59+08:00',
  };
  const pathsOf = (result: { success: boolean; error?: z.ZodError }) =>
    result.error?.issues.map((issue) => issue.path) ?? [];

  it('CreateCampaignInput: closesAt before opensAt is an issue at closesAt', () => {
    const result = CreateCampaignInput.safeParse({ ...campaign, closesAt: '2022-02-28T00:00:00+08:00' });
    expect(result.success).toBe(false);
    expect(pathsOf(result)).toEqual([['closesAt']]);
    expect(result.error?.issues[0]?.message).toBe('must be after opensAt');
  });

  it('CreateCampaignInput: closesAt equal to opensAt, or before it in another time zone, is refused too', () => {
    // opensAt 2022-03-01T00:00:00+08:00 is 2022-02-28T16:00:00Z.
    expect(pathsOf(CreateCampaignInput.safeParse({ ...campaign, closesAt: '2022-02-28T16:00:00Z' }))).toEqual([
      ['closesAt'],
    ]);
    expect(CreateCampaignInput.safeParse({ ...campaign, closesAt: '2022-02-28T16:00:01Z' }).success).toBe(true);
    // 07:00 in Beijing is 23:00 UTC of the day before: the string sorts after opensAt, the instant is before it.
    expect(
      pathsOf(
        CreateCampaignInput.safeParse({
          ...campaign,
          opensAt: '2022-03-01T00:00:00Z',
          closesAt: '2022-03-01T07:00:00+08:00',
        }),
      ),
    ).toEqual([['closesAt']]);
  });

  it('CreateCampaignInput: nullish optional fields become undefined', () => {
    const parsed = CreateCampaignInput.parse({
      ...campaign,
      id: null,
      theme: null,
      eligibleSchoolKinds: null,
      maxEntriesPerSchool: null,
      targetSessions: undefined,
      awardQuota: null,
      rubric: null,
    });
    expect(parsed.id).toBeUndefined();
    expect(parsed.theme).toBeUndefined();
    expect(parsed.eligibleSchoolKinds).toBeUndefined();
    expect(parsed.maxEntriesPerSchool).toBeUndefined();
    expect(parsed.targetSessions).toBeUndefined();
    expect(parsed.awardQuota).toBeUndefined();
    expect(parsed.rubric).toBeUndefined();
  });

  it('CreateCampaignInput: names the field of each problem', () => {
    expect(pathsOf(CreateCampaignInput.safeParse({ ...campaign, title: '  ' }))).toEqual([['title']]);
    expect(pathsOf(CreateCampaignInput.safeParse({ ...campaign, opensAt: '2022-03-01T00:00:00' }))).toContainEqual([
      'opensAt',
    ]);
    expect(pathsOf(CreateCampaignInput.safeParse({ ...campaign, awardQuota: 1.5 }))).toEqual([['awardQuota']]);
    expect(pathsOf(CreateCampaignInput.safeParse({ ...campaign, eligibleSchoolKinds: [] }))).toEqual([
      ['eligibleSchoolKinds'],
    ]);
  });

  it('SubmitEntryInput: participant problems carry their index; text is trimmed', () => {
    const entry = {
      submissionId: 'sub-1',
      campaignId: 'medal-essay-2022',
      schoolId: 'xinhua-primary',
      title: '  我读《勋章》 ',
      participants: [{ name: '张小明', role: 'STUDENT' }],
      advisor: null,
      performance: null,
    };
    const parsed = SubmitEntryInput.parse(entry);
    expect(parsed.title).toBe('我读《勋章》');
    expect(parsed.advisor).toBeUndefined();
    expect(parsed.performance).toBeUndefined();
    expect(
      pathsOf(
        SubmitEntryInput.safeParse({
          ...entry,
          participants: [
            { name: '张小明', role: 'STUDENT' },
            { name: '', role: 'STUDENT' },
          ],
        }),
      ),
    ).toEqual([['participants', 1, 'name']]);
    // How many participants a campaign's kind needs is the decider's rule (an EVALUATION may name nobody).
    expect(SubmitEntryInput.parse({ ...entry, participants: [] }).participants).toEqual([]);
    expect(SubmitEntryInput.parse({ ...entry, participants: null }).participants).toEqual([]);
    const { participants: _, ...withoutParticipants } = entry;
    expect(SubmitEntryInput.parse(withoutParticipants).participants).toEqual([]);
    expect(pathsOf(SubmitEntryInput.safeParse({ ...entry, schoolId: 'Xinhua Primary' }))).toEqual([['schoolId']]);
  });

  it('SubmitEntryInput: a participant with null grade and key (nullable in GraphQL) has neither', () => {
    const parsed = SubmitEntryInput.parse({
      submissionId: 'sub-1',
      campaignId: 'medal-essay-2022',
      schoolId: 'xinhua-primary',
      title: '我读《勋章》',
      participants: [
        { name: '张小明', role: 'STUDENT', grade: null, key: null },
        { name: '李华', role: 'STUDENT', grade: '五年级', key: 'S-2' },
      ],
    });
    expect(parsed.participants).toEqual([
      { name: '张小明', role: 'STUDENT' },
      { name: '李华', role: 'STUDENT', grade: '五年级', key: 'S-2' },
    ]);
    expect(parsed.participants[0]?.grade).toBeUndefined();
    expect(parsed.participants[0]?.key).toBeUndefined();
    const blank = SubmitEntryInput.safeParse({
      submissionId: 'sub-1',
      campaignId: 'medal-essay-2022',
      schoolId: 'xinhua-primary',
      title: '我读《勋章》',
      participants: [{ name: '张小明', role: 'STUDENT', key: ' ' }],
    });
    expect(pathsOf(blank)).toEqual([['participants', 0, 'key']]);
  });

  it('RegisterSchoolInput and ReviseEntryInput: omitted and null mean the same', () => {
    const school = RegisterSchoolInput.parse({ name: '新华小学', kind: 'PRIMARY', town: '城关镇', private: null });
    expect(school.private).toBeUndefined();
    expect(school.id).toBeUndefined();
    const revision = ReviseEntryInput.parse({
      entryId: 'medal-essay-2022:0f8fad5b-d9cb-569f-a165-70867728950e',
      title: null,
      participants: null,
    });
    expect(revision.title).toBeUndefined();
    expect(revision.participants).toBeUndefined();
  });
});
