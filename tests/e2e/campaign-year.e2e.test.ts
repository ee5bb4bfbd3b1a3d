import { randomUUID } from 'node:crypto';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Checked, codeOf, dataOf, type Operation, type VariablesFor } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/** Every campaign kind of the work plan, run over real HTTP from creation to published results. */
let server: TestServer;
let organizer: string;
let judge: string;
let otherJudge: string;

const future = () => new Date(Date.now() + 3_600_000).toISOString();
const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function ok<O extends Operation>(token: string, operation: O & Checked<O>, variables?: VariablesFor<O>) {
  return dataOf(await server.graphql<O>(operation, variables, token));
}

async function school(kind: 'PRIMARY' | 'JUNIOR_HIGH' = 'PRIMARY', town = '城厢镇') {
  const id = uid('s');
  await ok(organizer, `mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }`, {
    i: { id, name: `学校${id}`, kind, town },
  });
  return { id, token: await server.token('school', { schoolId: id }) };
}

async function campaign(input: Record<string, unknown>, open = true) {
  const id = uid('c');
  await ok(organizer, `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
    i: { id, year: 2022, title: `活动${id}`, opensAt: '2022-01-01T00:00:00+08:00', closesAt: future(), ...input },
  });
  if (open) await ok(organizer, `mutation { openCampaign(input: {id: "${id}"}) { status } }`);
  return id;
}

const SUBMIT = graphql(`mutation Submit($i: SubmitEntryInput!) {
  submitEntry(input: $i) { id title status intergenerational performance { genre durationMinutes } }
}`);

type SubmitEntryInput = VariablesFor<typeof SUBMIT>['i'];

const SESSIONS = graphql(`query Sessions($id: ID!) { campaign(id: $id) { sessionsDelivered } }`);

async function submit(token: string, campaignId: string, schoolId: string, extra: Partial<SubmitEntryInput> = {}) {
  const data = await ok(token, SUBMIT, {
    i: {
      submissionId: randomUUID(),
      campaignId,
      schoolId,
      title: '作品',
      participants: [{ name: '学生甲', role: 'STUDENT', grade: '五年级' }],
      ...extra,
    },
  });
  return data.submitEntry;
}

const close = (id: string) => ok(organizer, `mutation { closeCampaign(input: {id: "${id}"}) { status } }`);

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer', { sub: 'office' });
  judge = await server.token('judge', { sub: 'judge-wang' });
  otherJudge = await server.token('judge', { sub: 'judge-li' });
});

afterAll(async () => {
  await server?.stop();
});

describe('lectures (讲座, 老园丁讲师团)', () => {
  let lecturerId: string;
  let campaignId: string;
  let host: { id: string };

  beforeAll(async () => {
    lecturerId = uid('l');
    const registered = await ok(
      organizer,
      graphql(`mutation Register($i: RegisterLecturerInput!) { registerLecturer(input: $i) { id topics } }`),
      { i: { id: lecturerId, name: '张建国', topics: ['党史', '家风'] } },
    );
    expect(registered.registerLecturer.topics).toEqual(['党史', '家风']);
    host = await school();
    campaignId = await campaign({ kind: 'LECTURE', title: '千场党史报告进校园', targetSessions: 4 });
  });

  const schedule = (input: { schoolId?: string; venue?: string; lecturerId?: string }) =>
    server.graphql(
      graphql(
        `mutation Schedule($i: ScheduleLectureInput!) { scheduleLecture(input: $i) { id status venue schoolId } }`,
      ),
      { i: { campaignId, lecturerId, topic: '百年党史', scheduledAt: '2022-05-04T09:00:00+08:00', ...input } },
      organizer,
    );

  const deliver = (lectureId: string, audience = 120) =>
    server.graphql(
      `mutation($i: RecordLectureDeliveredInput!) { recordLectureDelivered(input: $i) { status audience } }`,
      { i: { lectureId, audience, durationMinutes: 60 } },
      organizer,
    );

  it('schedules at a school and at a community venue, reschedules, delivers and counts progress', async () => {
    const atSchool = await schedule({ schoolId: host.id });
    const inCommunity = await schedule({ venue: '城厢镇东门社区' });
    expect(codeOf(atSchool)).toBe('OK');
    expect(codeOf(inCommunity)).toBe('OK');
    const schoolLecture = atSchool.data?.scheduleLecture.id ?? '';
    const communityLecture = inCommunity.data?.scheduleLecture.id ?? '';
    const moved = await ok(
      organizer,
      graphql(`mutation Reschedule($i: RescheduleLectureInput!) { rescheduleLecture(input: $i) { scheduledAt } }`),
      { i: { lectureId: schoolLecture, scheduledAt: '2022-05-11T09:00:00+08:00' } },
    );
    expect(moved.rescheduleLecture.scheduledAt).toBe('2022-05-11T09:00:00+08:00');
    expect(codeOf(await deliver(schoolLecture, 300))).toBe('OK');
    expect(codeOf(await deliver(communityLecture, 80))).toBe('OK');

    const data = await ok(
      organizer,
      graphql(`query Progress($campaignId: ID!, $lecturerId: ID!) {
        campaign(id: $campaignId) { targetSessions sessionsDelivered progress audience }
        lecturer(id: $lecturerId) { lecturesDelivered audience }
        participation(year: 2022, campaignId: $campaignId) { key lecturesDelivered audience }
      }`),
      { campaignId, lecturerId },
    );
    expect(data.campaign).toEqual({ targetSessions: 4, sessionsDelivered: 2, progress: 0.5, audience: 380 });
    expect(data.lecturer).toEqual({ lecturesDelivered: 2, audience: 380 });
    // Lectures count for the school that hosted them; the community lecture belongs to no school.
    expect(data.participation.find((row) => row.key === host.id)).toMatchObject({
      lecturesDelivered: 1,
      audience: 300,
    });
  });

  it('counts a lecture once when its delivery is recorded many times at once', async () => {
    const lectureId = (await schedule({ schoolId: host.id })).data?.scheduleLecture.id ?? '';
    const before = await ok(organizer, SESSIONS, { id: campaignId });
    const results = await Promise.all(Array.from({ length: 8 }, () => deliver(lectureId)));
    expect(results.map(codeOf).sort()).toEqual([
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'OK',
    ]);
    const after = await ok(organizer, SESSIONS, { id: campaignId });
    expect(after.campaign?.sessionsDelivered).toBe((before.campaign?.sessionsDelivered ?? 0) + 1);
  });

  it('refuses delivery after cancellation, a negative audience, a missing venue and a retired lecturer', async () => {
    const lectureId = (await schedule({ schoolId: host.id })).data?.scheduleLecture.id ?? '';
    const cancelled = await ok(
      organizer,
      graphql(`mutation Cancel($i: CancelLectureInput!) { cancelLecture(input: $i) { status cancelReason } }`),
      { i: { lectureId, reason: '疫情停课' } },
    );
    expect(cancelled.cancelLecture).toEqual({ status: 'CANCELLED', cancelReason: '疫情停课' });
    expect(codeOf(await deliver(lectureId))).toBe('CONFLICT');

    const another = (await schedule({ schoolId: host.id })).data?.scheduleLecture.id ?? '';
    const negative = await deliver(another, -5);
    expect(codeOf(negative)).toBe('BAD_USER_INPUT');
    expect(negative.errors?.[0]?.extensions?.field).toBe('audience');

    const nowhere = await schedule({});
    expect(codeOf(nowhere)).toBe('BAD_USER_INPUT');
    expect(nowhere.errors?.[0]?.extensions?.field).toBe('venue');

    const retiring = uid('l');
    await ok(organizer, `mutation { registerLecturer(input: {id: "${retiring}", name: "李老师"}) { id } }`);
    await ok(
      organizer,
      `mutation { retireLecturer(input: {lecturerId: "${retiring}", reason: "年事已高"}) { retired } }`,
    );
    expect(codeOf(await schedule({ lecturerId: retiring, schoolId: host.id }))).toBe('CONFLICT');
    expect(codeOf(await schedule({ lecturerId: 'nobody', schoolId: host.id }))).toBe('NOT_FOUND');
  });

  it('records lectures against LECTURE campaigns only', async () => {
    const essay = await campaign({ kind: 'ESSAY' });
    const wrong = await server.graphql(
      `mutation { scheduleLecture(input: {campaignId: "${essay}", lecturerId: "${lecturerId}", venue: "礼堂", topic: "x", scheduledAt: "2022-05-04T09:00:00+08:00"}) { id } }`,
      undefined,
      organizer,
    );
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0]?.extensions?.field).toBe('campaignId');
  });
});

describe('performances (展演, 老少同台)', () => {
  it('requires a performance and counts old and young on one stage', async () => {
    const s = await school();
    const show = await campaign({ kind: 'PERFORMANCE', title: '喜迎二十大,筑梦向未来' });
    const missing = await server.graphql(
      SUBMIT,
      {
        i: {
          submissionId: randomUUID(),
          campaignId: show,
          schoolId: s.id,
          title: '合唱',
          participants: [{ name: '甲', role: 'STUDENT' }],
        },
      },
      s.token,
    );
    expect(codeOf(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0]?.extensions?.field).toBe('performance');

    const together = await submit(s.token, show, s.id, {
      performance: { genre: '合唱', durationMinutes: 6 },
      participants: [
        { name: '王秀英', role: 'RETIRED_TEACHER' },
        { name: '李小明', role: 'STUDENT', grade: '五年级' },
      ],
    });
    const studentsOnly = await submit(s.token, show, s.id, { performance: { genre: '舞蹈', durationMinutes: 4 } });
    expect(together.intergenerational).toBe(true);
    expect(studentsOnly.intergenerational).toBe(false);
    const data = await ok(
      organizer,
      graphql(`query Show($id: ID!) { campaign(id: $id) { intergenerationalEntries entryCount } }`),
      { id: show },
    );
    expect(data.campaign).toEqual({ intergenerationalEntries: 1, entryCount: 2 });
  });
});

describe('evaluations (评比)', () => {
  it('takes one application per school and rates it with stars after closing', async () => {
    const twice = await server.graphql(
      `mutation { createCampaign(input: {kind: EVALUATION, title: "x", year: 2022, opensAt: "2022-01-01T00:00:00+08:00", closesAt: "${future()}", maxEntriesPerSchool: 2}) { id } }`,
      undefined,
      organizer,
    );
    expect(codeOf(twice)).toBe('BAD_USER_INPUT');
    expect(twice.errors?.[0]?.extensions?.field).toBe('maxEntriesPerSchool');

    const stars = await campaign({ kind: 'EVALUATION', title: '星级家长学校复评' });
    const s = await school();
    const application = await submit(s.token, stars, s.id);
    const second = await server.graphql(
      SUBMIT,
      {
        i: {
          submissionId: randomUUID(),
          campaignId: stars,
          schoolId: s.id,
          title: '再申报',
          participants: [{ name: '甲', role: 'PARENT' }],
        },
      },
      s.token,
    );
    expect(codeOf(second)).toBe('LIMIT_EXCEEDED');

    const rate = (stars: number) =>
      server.graphql(
        graphql(`mutation Rate($i: RateEntryInput!) { rateEntry(input: $i) { stars } }`),
        { i: { entryId: application.id, stars } },
        organizer,
      );
    expect(codeOf(await rate(4))).toBe('CONFLICT');
    await close(stars);
    const six = await rate(6);
    expect(six.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stars' });
    expect((await rate(4)).data?.rateEntry.stars).toBe(4);
  });
});

describe('entries over their life', () => {
  it('revises while open, extends the deadline, withdraws with a reason and lists the history', async () => {
    const s = await school();
    const other = await school();
    const essay = await campaign({ kind: 'ESSAY' });
    const entry = await submit(s.token, essay, s.id);
    const revise = (token: string, title: string) =>
      server.graphql(
        graphql(`mutation Revise($i: ReviseEntryInput!) { reviseEntry(input: $i) { title } }`),
        { i: { entryId: entry.id, title } },
        token,
      );
    expect((await revise(s.token, '修改后的题目')).data?.reviseEntry.title).toBe('修改后的题目');
    expect(codeOf(await revise(other.token, '别人的'))).toBe('FORBIDDEN');

    const earlier = await server.graphql(
      `mutation { extendDeadline(input: {id: "${essay}", closesAt: "2022-02-01T00:00:00+08:00"}) { closesAt } }`,
      undefined,
      organizer,
    );
    expect(earlier.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'closesAt' });
    const later = new Date(Date.now() + 7_200_000).toISOString();
    const extended = await ok(
      organizer,
      graphql(`mutation Extend($i: ExtendDeadlineInput!) { extendDeadline(input: $i) { closesAt } }`),
      { i: { id: essay, closesAt: later } },
    );
    expect(extended.extendDeadline.closesAt).toBe(later);

    const withdrawn = await ok(
      s.token,
      graphql(`mutation Withdraw($i: WithdrawEntryInput!) { withdrawEntry(input: $i) { status withdrawReason } }`),
      { i: { entryId: entry.id, reason: '重复提交' } },
    );
    expect(withdrawn.withdrawEntry).toEqual({ status: 'WITHDRAWN', withdrawReason: '重复提交' });

    const history = await ok(
      organizer,
      graphql(`query History($id: ID!) { entryHistory(entryId: $id) { type actor role recordedAt } }`),
      { id: entry.id },
    );
    expect(history.entryHistory.map(({ type, role }) => [type, role])).toEqual([
      ['EntrySubmitted', 'school'],
      ['EntryRevised', 'school'],
      ['EntryWithdrawn', 'school'],
    ]);
    expect(history.entryHistory.every((event) => event.actor === 'school-test' && event.recordedAt)).toBe(true);
  });

  it('refuses revisions after the deadline', async () => {
    const s = await school();
    // Room for creating, opening and submitting on a loaded machine; then past the deadline, however long that took.
    const closesAt = Date.now() + 3000;
    const essay = await campaign({ kind: 'ESSAY', closesAt: new Date(closesAt).toISOString() });
    const entry = await submit(s.token, essay, s.id);
    await new Promise((resolve) => setTimeout(resolve, closesAt + 100 - Date.now()));
    const late = await server.graphql(
      `mutation { reviseEntry(input: {entryId: "${entry.id}", title: "迟到的修改"}) { title } }`,
      undefined,
      s.token,
    );
    expect(codeOf(late)).toBe('CAMPAIGN_NOT_OPEN');
  });

  it('cancels a campaign with a reason', async () => {
    const essay = await campaign({ kind: 'ESSAY' });
    const cancelled = await ok(
      organizer,
      graphql(`mutation Cancel($i: CancelCampaignInput!) { cancelCampaign(input: $i) { status cancelReason } }`),
      { i: { id: essay, reason: '上级通知取消' } },
    );
    expect(cancelled.cancelCampaign).toEqual({ status: 'CANCELLED', cancelReason: '上级通知取消' });
    const s = await school();
    const refused = await server.graphql(
      SUBMIT,
      {
        i: {
          submissionId: randomUUID(),
          campaignId: essay,
          schoolId: s.id,
          title: 't',
          participants: [{ name: '甲', role: 'STUDENT' }],
        },
      },
      s.token,
    );
    expect(codeOf(refused)).toBe('CAMPAIGN_NOT_OPEN');
  });
});

describe('judging', () => {
  const rubric = [
    { name: '立意', weight: 2, maxScore: 40 },
    { name: '文采', weight: 1, maxScore: 30 },
  ];
  const score = (token: string, entryId: string, criteria: { criterion: string; score: number }[]) =>
    server.graphql(
      graphql(`mutation Score($i: ScoreEntryInput!) { scoreEntry(input: $i) { meanScore scoreCount } }`),
      { i: { entryId, criteria } },
      token,
    );

  it('lets assigned judges score on the rubric, recuse, and ranks entries by mean weighted score', async () => {
    const essay = await campaign({ kind: 'ESSAY', rubric });
    const s = await school();
    const first = await submit(s.token, essay, s.id);
    const second = await submit(s.token, essay, s.id);

    expect(
      codeOf(
        await score(judge, first.id, [
          { criterion: '立意', score: 30 },
          { criterion: '文采', score: 20 },
        ]),
      ),
    ).toBe('FORBIDDEN');
    await ok(organizer, `mutation { assignJudge(input: {campaignId: "${essay}", judge: "judge-wang"}) { judges } }`);
    await ok(organizer, `mutation { assignJudge(input: {campaignId: "${essay}", judge: "judge-li"}) { judges } }`);

    const tooHigh = await score(judge, first.id, [
      { criterion: '立意', score: 41 },
      { criterion: '文采', score: 20 },
    ]);
    expect(tooHigh.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'criteria.0.score' });
    const partial = await score(judge, first.id, [{ criterion: '立意', score: 30 }]);
    expect(partial.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'criteria' });

    // (2 × 30/40 + 1 × 15/30) / 3 × 100 = 66.67; (2 × 40/40 + 1 × 30/30) / 3 × 100 = 100
    await score(judge, first.id, [
      { criterion: '立意', score: 30 },
      { criterion: '文采', score: 15 },
    ]);
    const both = await score(otherJudge, first.id, [
      { criterion: '立意', score: 40 },
      { criterion: '文采', score: 30 },
    ]);
    // A judge does not see the other judges' scores before results are published; the organizer does.
    expect(both.data?.scoreEntry).toEqual({ meanScore: null, scoreCount: null });
    const mean = await ok(organizer, graphql(`query Mean($id: ID!) { entry(id: $id) { meanScore scoreCount } }`), {
      id: first.id,
    });
    expect(mean.entry?.meanScore).toBeCloseTo((66.67 + 100) / 2, 2);
    expect(mean.entry?.scoreCount).toBe(2);

    await ok(
      otherJudge,
      `mutation { recuseFromEntry(input: {entryId: "${second.id}", reason: "指导教师是亲属"}) { id } }`,
    );
    const recused = await score(otherJudge, second.id, [
      { criterion: '立意', score: 40 },
      { criterion: '文采', score: 30 },
    ]);
    expect(codeOf(recused)).toBe('FORBIDDEN');
    await score(judge, second.id, [
      { criterion: '立意', score: 20 },
      { criterion: '文采', score: 10 },
    ]);

    const board = await ok(
      organizer,
      graphql(`query Board($id: ID!) {
        campaign(id: $id) { leaderboard { id meanScore } judgingProgress { judge assigned scored } }
      }`),
      { id: essay },
    );
    expect(board.campaign?.leaderboard.map((entry) => entry.id)).toEqual([first.id, second.id]);
    expect(board.campaign?.judgingProgress).toEqual([
      { judge: 'judge-li', assigned: 1, scored: 1 },
      { judge: 'judge-wang', assigned: 2, scored: 2 },
    ]);
  });
});

describe('awards', () => {
  it('grants exactly floor(quota × live entries) of many simultaneous awards, only after closing', async () => {
    const contest = await campaign({ kind: 'ESSAY', awardQuota: 0.15 });
    const schools = await Promise.all(Array.from({ length: 4 }, () => school()));
    const entries: string[] = [];
    for (const s of schools) for (let i = 0; i < 5; i++) entries.push((await submit(s.token, contest, s.id)).id);
    const award = (entryId: string, prize = 'FIRST') =>
      server.graphql(
        `mutation { awardEntry(input: {entryId: "${entryId}", prize: ${prize}}) { prize } }`,
        undefined,
        organizer,
      );

    expect(codeOf(await award(entries[0] ?? ''))).toBe('CONFLICT');
    await close(contest);
    const results = await Promise.all(entries.slice(0, 10).map((id) => award(id)));
    const codes = results.map(codeOf);
    expect(codes.filter((code) => code === 'OK')).toHaveLength(3);
    expect(codes.filter((code) => code === 'QUOTA_EXCEEDED')).toHaveLength(7);

    const granted = entries.slice(0, 10).filter((_, i) => codes[i] === 'OK');
    // Changing a winner's prize takes no extra place; revoking one frees a place.
    expect(codeOf(await award(granted[0] ?? '', 'SECOND'))).toBe('OK');
    expect(codeOf(await award(entries[15] ?? ''))).toBe('QUOTA_EXCEEDED');
    await ok(organizer, `mutation { revokeAward(input: {entryId: "${granted[1]}", reason: "材料不实"}) { prize } }`);
    expect(codeOf(await award(entries[15] ?? '', 'THIRD'))).toBe('OK');

    const published = await ok(
      organizer,
      graphql(`mutation Publish($id: ID!) { publishResults(input: { id: $id }) { status awardsGranted awardCap } }`),
      { id: contest },
    );
    expect(published.publishResults).toEqual({ status: 'RESULTS_PUBLISHED', awardsGranted: 3, awardCap: 3 });
    expect(codeOf(await award(entries[16] ?? ''))).toBe('CONFLICT');
    const frozen = await server.graphql(
      `mutation { revokeAward(input: {entryId: "${granted[0]}", reason: "x"}) { prize } }`,
      undefined,
      organizer,
    );
    expect(codeOf(frozen)).toBe('CONFLICT');

    const byPrize = await ok(
      organizer,
      graphql(`query ByPrize($id: ID!) {
        participation(year: 2022, groupBy: CAMPAIGN, campaignId: $id) { awards awardsByPrize { prize count } }
      }`),
      { id: contest },
    );
    expect(byPrize.participation[0]?.awards).toBe(3);
    expect(byPrize.participation[0]?.awardsByPrize).toEqual([
      { prize: 'FIRST', count: 1 },
      { prize: 'SECOND', count: 1 },
      { prize: 'THIRD', count: 1 },
      { prize: 'EXCELLENCE', count: 0 },
    ]);
  });
});

describe('next year', () => {
  it("copies a campaign's configuration into a new year's DRAFT", async () => {
    const source = await campaign(
      {
        kind: 'LECTURE',
        title: '千场党史报告进校园',
        targetSessions: 1000,
        opensAt: '2022-03-01T08:00:00+08:00',
        closesAt: '2022-12-31T23:59:59+08:00',
      },
      false,
    );
    const copy = await ok(
      organizer,
      graphql(`mutation Copy($i: CopyCampaignInput!) {
        copyCampaign(input: $i) { id kind title year opensAt closesAt status targetSessions copiedFrom }
      }`),
      { i: { sourceId: source, id: `${source}-next`, year: 2023 } },
    );
    expect(copy.copyCampaign).toEqual({
      id: `${source}-next`,
      kind: 'LECTURE',
      title: '千场党史报告进校园',
      year: 2023,
      opensAt: '2023-03-01T08:00:00+08:00',
      closesAt: '2023-12-31T23:59:59+08:00',
      status: 'DRAFT',
      targetSessions: 1000,
      copiedFrom: source,
    });
    const missing = await server.graphql(
      `mutation { copyCampaign(input: {sourceId: "nope", year: 2023}) { id } }`,
      undefined,
      organizer,
    );
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sourceId' });
  });
});
