import type { SchoolKind } from '@qingmiao/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import type { ServerProcess } from '../support/server-process.ts';
import {
  campaignOf,
  countsOf,
  entryInput,
  historyOf,
  type Organizer,
  type ParticipantInput,
  type ParticipationView,
  participationOf,
  rowOf,
  SUBMIT,
  type SubmitEntryInput,
  startWithOrganizer,
  stopAndRemove,
  submit,
  uid,
  WITHDRAW,
} from './qingmiao-client.ts';

/**
 * A campaign's entries over real HTTP against a separately started server process: the whole flow from registering
 * a school to the participation figures, and every rule a submission must pass.
 */
let server: ServerProcess;
let organizer: Organizer;

beforeAll(async () => {
  ({ server, organizer } = await startWithOrganizer());
});

afterAll(() => stopAndRemove(server));

const school = (kind?: SchoolKind) => organizer.schoolWithToken(kind);

/**
 * What the participation row of one school must say for these live entries, computed independently of the product:
 * a person is their participant key when given, else name + grade.
 */
function expectedRow(schoolId: string, live: readonly SubmitEntryInput[], enrolled: number) {
  const person = (p: ParticipantInput) => (p.key !== undefined ? `key:${p.key}` : `name:${p.name}|${p.grade ?? ''}`);
  const distinct = (keep: (p: ParticipantInput) => boolean) =>
    new Set(live.flatMap((entry) => (entry.participants ?? []).filter(keep).map(person))).size;
  const students = distinct((p) => p.role === 'STUDENT');
  return {
    key: schoolId,
    schools: live.length > 0 ? 1 : 0,
    entries: live.length,
    students,
    participants: distinct(() => true),
    retiredTeachers: distinct((p) => p.role === 'RETIRED_TEACHER'),
    enrolled,
  };
}

function expectFigures(row: ParticipationView, expected: ReturnType<typeof expectedRow>) {
  expect(row).toMatchObject(expected);
  expect(row.participationRate).not.toBeNull();
  expect(row.participationRate ?? Number.NaN).toBeCloseTo(expected.students / expected.enrolled, 12);
}

describe('a campaign from registration to participation figures', () => {
  it('registers, enrols, creates, opens, accepts entries, counts participation and withdraws', async () => {
    const registered = await organizer.registerSchool({ name: '太仓市实验小学', kind: 'PRIMARY', town: '城厢镇' });
    expect(registered).toMatchObject({ name: '太仓市实验小学', kind: 'PRIMARY', town: '城厢镇' });
    const schoolId = registered.id;
    const enrolled = 480;
    expect(await organizer.recordEnrollment(schoolId, 2022, enrolled)).toEqual({
      schoolId,
      year: 2022,
      students: enrolled,
    });
    const created = await organizer.createCampaign({ maxEntriesPerSchool: 3 });
    expect(created).toMatchObject({ status: 'DRAFT', maxEntriesPerSchool: 3 });
    expect(await organizer.openCampaign(created.id)).toEqual({ id: created.id, status: 'OPEN' });
    const campaignId = created.id;
    const schoolToken = await server.token('school', { sub: 'contact-shiyan', schoolId });

    const first = entryInput(campaignId, schoolId, {
      title: '我心中的勋章',
      advisor: '周老师',
      participants: [
        { name: '王小明', role: 'STUDENT', grade: '五年级', key: 'S001' },
        { name: '李华', role: 'STUDENT', grade: '四年级' },
        { name: '张老师', role: 'TEACHER' },
      ],
    });
    const submitted = dataOf(await submit(server, schoolToken, first)).submitEntry;
    expect(submitted).toMatchObject({
      submissionId: first.submissionId,
      campaignId,
      schoolId,
      title: '我心中的勋章',
      advisor: '周老师',
      status: 'LIVE',
    });
    expect(submitted.participants).toEqual([
      { name: '王小明', role: 'STUDENT', grade: '五年级', key: 'S001' },
      { name: '李华', role: 'STUDENT', grade: '四年级', key: null },
      { name: '张老师', role: 'TEACHER', grade: null, key: null },
    ]);

    // Visible to the very next query; the office sees the participants without the school's keys.
    const afterFirst = await campaignOf(server, organizer.token, campaignId);
    expect(afterFirst).toMatchObject({ id: campaignId, status: 'OPEN', entryCount: 1, schoolCount: 1 });
    const keyless = submitted.participants?.map((participant) => ({ ...participant, key: null }));
    expect(afterFirst.entries).toEqual([{ ...submitted, participants: keyless }]);

    // The same child under a slightly different name but the same key, the same name+grade again, a namesake in
    // another grade, and a retired teacher (老少同台).
    const second = entryInput(campaignId, schoolId, {
      title: '筑梦九天',
      participants: [
        { name: '王晓明', role: 'STUDENT', grade: '五年级', key: 'S001' },
        { name: '李华', role: 'STUDENT', grade: '四年级' },
        { name: '李华', role: 'STUDENT', grade: '三年级' },
        { name: '陈老师', role: 'RETIRED_TEACHER' },
      ],
    });
    const secondEntry = dataOf(await submit(server, schoolToken, second)).submitEntry;
    expect(secondEntry.status).toBe('LIVE');

    const both = await campaignOf(server, organizer.token, campaignId);
    expect(both).toMatchObject({ entryCount: 2, schoolCount: 1 });
    expect(both.entries.map((entry) => entry.id).sort()).toEqual([submitted.id, secondEntry.id].sort());

    const expectedBoth = expectedRow(schoolId, [first, second], enrolled);
    expect(expectedBoth).toMatchObject({ students: 3, participants: 5, retiredTeachers: 1 });
    expectFigures(rowOf(await participationOf(server, organizer.token, 2022), schoolId), expectedBoth);
    expectFigures(rowOf(await participationOf(server, organizer.token, 2022, campaignId), schoolId), expectedBoth);

    const history = await historyOf(server, organizer.token, submitted.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ type: 'EntrySubmitted', actor: 'contact-shiyan', role: 'school' });
    expect(Number.isNaN(Date.parse(history[0]?.recordedAt ?? ''))).toBe(false);
    // A school lists the history of its own entries too.
    expect(await historyOf(server, schoolToken, submitted.id)).toEqual(history);

    const withdrawn = await server.graphql(
      WITHDRAW,
      { input: { entryId: secondEntry.id, reason: '作品重复提交' } },
      schoolToken,
    );
    expect(dataOf(withdrawn).withdrawEntry).toEqual({
      id: secondEntry.id,
      status: 'WITHDRAWN',
      withdrawReason: '作品重复提交',
    });

    const afterWithdrawal = await campaignOf(server, organizer.token, campaignId);
    expect(afterWithdrawal).toMatchObject({ entryCount: 1, schoolCount: 1 });
    expect(afterWithdrawal.entries.find((entry) => entry.id === secondEntry.id)?.status).toBe('WITHDRAWN');
    const expectedFirstOnly = expectedRow(schoolId, [first], enrolled);
    expect(expectedFirstOnly).toMatchObject({ students: 2, participants: 3, retiredTeachers: 0 });
    expectFigures(rowOf(await participationOf(server, organizer.token, 2022), schoolId), expectedFirstOnly);

    const secondHistory = await historyOf(server, organizer.token, secondEntry.id);
    expect(secondHistory.map((event) => event.type)).toEqual(['EntrySubmitted', 'EntryWithdrawn']);
    expect(secondHistory.map((event) => event.actor)).toEqual(['contact-shiyan', 'contact-shiyan']);
  });
});

describe('submission rules', () => {
  it('accepts exactly maxEntriesPerSchool of 5 concurrent submissions from one school', async () => {
    const { id: schoolId, token } = await school();
    const campaignId = await organizer.openedCampaign({ maxEntriesPerSchool: 3 });
    const inputs = Array.from({ length: 5 }, (_, i) => entryInput(campaignId, schoolId, { title: `作品${i + 1}` }));
    const results = await Promise.all(inputs.map((input) => submit(server, token, input)));

    const codes = results.map(codeOf);
    expect(codes.filter((code) => code === 'OK')).toHaveLength(3);
    expect(codes.filter((code) => code === 'LIMIT_EXCEEDED')).toHaveLength(2);
    for (const result of results) expect(result.status).toBe(200);
    const accepted = results.flatMap((result) => (result.data?.submitEntry ? [result.data.submitEntry] : []));
    expect(new Set(accepted.map((entry) => entry.id)).size).toBe(3);

    const campaign = await campaignOf(server, organizer.token, campaignId);
    expect(campaign.entryCount).toBe(3);
    expect(campaign.entries.map((entry) => entry.id).sort()).toEqual(accepted.map((entry) => entry.id).sort());
    expect(rowOf(await participationOf(server, organizer.token, 2022, campaignId), schoolId).entries).toBe(3);

    // The limit counts live entries: withdrawing one frees a slot, and only one.
    const freed = accepted[0]?.id ?? '';
    expect(codeOf(await server.graphql(WITHDRAW, { input: { entryId: freed, reason: '换一篇' } }, token))).toBe('OK');
    const again = await Promise.all(
      [1, 2].map((i) => submit(server, token, entryInput(campaignId, schoolId, { title: `补交${i}` }))),
    );
    expect(again.map(codeOf).sort()).toEqual(['LIMIT_EXCEEDED', 'OK']);
    expect((await countsOf(server, organizer.token, campaignId)).entryCount).toBe(3);
  });

  it('answers a retry with the same submissionId with the same entry and appends nothing', async () => {
    const { id: schoolId, token } = await school();
    const campaignId = await organizer.openedCampaign();
    const input = entryInput(campaignId, schoolId);
    const first = dataOf(await submit(server, token, input)).submitEntry;
    const retry = dataOf(await submit(server, token, input)).submitEntry;
    expect(retry).toEqual(first);

    // Retries racing each other (a client that timed out and fired again) also collapse into the one entry.
    const racing = await Promise.all([1, 2, 3].map(() => submit(server, token, input)));
    for (const result of racing) expect(dataOf(result).submitEntry.id).toBe(first.id);

    expect(await countsOf(server, organizer.token, campaignId)).toMatchObject({ entryCount: 1, schoolCount: 1 });
    const history = await historyOf(server, organizer.token, first.id);
    expect(history.map((event) => event.type)).toEqual(['EntrySubmitted']);
  });

  it('refuses the same submissionId with other content as CONFLICT and keeps the original', async () => {
    const { id: schoolId, token } = await school();
    const campaignId = await organizer.openedCampaign();
    const input = entryInput(campaignId, schoolId, { title: '原题目' });
    const original = dataOf(await submit(server, token, input)).submitEntry;

    const conflicting = await submit(server, token, { ...input, title: '另一个题目' });
    expect(codeOf(conflicting)).toBe('CONFLICT');
    expect(conflicting.data ?? null).toBeNull();
    const otherPeople = await submit(server, token, {
      ...input,
      participants: [{ name: '赵小红', role: 'STUDENT', grade: '三年级' }],
    });
    expect(codeOf(otherPeople)).toBe('CONFLICT');

    const campaign = await campaignOf(server, organizer.token, campaignId);
    expect(campaign.entryCount).toBe(1);
    expect(campaign.entries).toEqual([original]);
    expect(await historyOf(server, organizer.token, original.id)).toHaveLength(1);
  });

  it('refuses blank input naming the field, and writes nothing', async () => {
    const { id: schoolId, token } = await school();
    const campaignId = await organizer.openedCampaign();

    const blankTitle = await submit(server, token, entryInput(campaignId, schoolId, { title: '   ' }));
    expect(blankTitle.status).toBe(200);
    expect(codeOf(blankTitle)).toBe('BAD_USER_INPUT');
    expect(blankTitle.errors?.[0]?.extensions?.field).toBe('title');
    expect(blankTitle.errors?.[0]?.message).toContain('title');

    const blankName = await submit(
      server,
      token,
      entryInput(campaignId, schoolId, { participants: [{ name: ' ', role: 'STUDENT', grade: '五年级' }] }),
    );
    expect(codeOf(blankName)).toBe('BAD_USER_INPUT');
    expect(blankName.errors?.[0]?.extensions?.field).toBe('participants.0.name');

    const secondBlank = await submit(
      server,
      token,
      entryInput(campaignId, schoolId, {
        participants: [
          { name: '王小明', role: 'STUDENT' },
          { name: '\t', role: 'PARENT' },
        ],
      }),
    );
    expect(secondBlank.errors?.[0]?.extensions?.field).toBe('participants.1.name');

    const nobody = await submit(server, token, entryInput(campaignId, schoolId, { participants: [] }));
    expect(codeOf(nobody)).toBe('BAD_USER_INPUT');
    expect(nobody.errors?.[0]?.extensions?.field).toBe('participants');

    expect(await countsOf(server, organizer.token, campaignId)).toMatchObject({ entryCount: 0, schoolCount: 0 });
  });

  it('accepts an EVALUATION application that names nobody and counts the school, not people', async () => {
    const { id: schoolId, token } = await school();
    const campaignId = await organizer.openedCampaign({ kind: 'EVALUATION', maxEntriesPerSchool: undefined });
    const { participants: _, ...application } = entryInput(campaignId, schoolId, { title: '关工委工作申报' });

    const entry = dataOf(await server.graphql(SUBMIT, { input: application }, token));
    expect(entry.submitEntry).toMatchObject({ campaignId, schoolId, status: 'LIVE', participants: [] });
    const row = rowOf(await participationOf(server, organizer.token, 2022, campaignId), schoolId);
    expect(row).toMatchObject({ schools: 1, entries: 1, students: 0, participants: 0 });

    const essay = await organizer.openedCampaign();
    const { participants: __, ...nobody } = entryInput(essay, schoolId);
    const refused = await server.graphql(SUBMIT, { input: nobody }, token);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.field).toBe('participants');
  });

  it('refuses entries unless the campaign is OPEN, yet a retry of an accepted one still returns it', async () => {
    const { id: schoolId, token } = await school();
    const draft = await organizer.createCampaign();
    expect(codeOf(await submit(server, token, entryInput(draft.id, schoolId)))).toBe('CAMPAIGN_NOT_OPEN');

    const campaignId = await organizer.openedCampaign();
    const accepted = entryInput(campaignId, schoolId);
    const entry = dataOf(await submit(server, token, accepted)).submitEntry;
    expect(await organizer.closeCampaign(campaignId)).toEqual({ id: campaignId, status: 'CLOSED' });

    const late = await submit(server, token, entryInput(campaignId, schoolId, { title: '迟交的作品' }));
    expect(codeOf(late)).toBe('CAMPAIGN_NOT_OPEN');
    expect(dataOf(await submit(server, token, accepted)).submitEntry.id).toBe(entry.id);
    expect(await countsOf(server, organizer.token, campaignId)).toMatchObject({ status: 'CLOSED', entryCount: 1 });
  });

  it('refuses a school whose kind the campaign is not open to as NOT_ELIGIBLE', async () => {
    const primary = await school('PRIMARY');
    const junior = await school('JUNIOR_HIGH');
    const campaignId = await organizer.openedCampaign({ eligibleSchoolKinds: ['JUNIOR_HIGH', 'SENIOR_HIGH'] });

    expect(codeOf(await submit(server, primary.token, entryInput(campaignId, primary.id)))).toBe('NOT_ELIGIBLE');
    expect(codeOf(await submit(server, junior.token, entryInput(campaignId, junior.id)))).toBe('OK');
    const campaign = await campaignOf(server, organizer.token, campaignId);
    expect(campaign.entries.map((entry) => entry.schoolId)).toEqual([junior.id]);
  });

  it('refuses a submission for a school that is not registered as NOT_FOUND', async () => {
    const campaignId = await organizer.openedCampaign();
    const ghost = uid('ghost');
    const result = await submit(server, organizer.token, entryInput(campaignId, ghost));
    expect(codeOf(result)).toBe('NOT_FOUND');
    expect((await countsOf(server, organizer.token, campaignId)).entryCount).toBe(0);
  });
});
