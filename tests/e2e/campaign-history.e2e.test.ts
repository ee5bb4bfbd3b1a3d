import { randomUUID } from 'node:crypto';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/** `Campaign.history`, the campaign's timeline, over HTTP: its own changes in order, for organizers only. */
let server: TestServer;
let organizer: string;

const CREATE = graphql(`mutation ChCreate($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`);
const OPEN = graphql(`mutation ChOpen($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }`);
const EXTEND = graphql(`mutation ChExtend($i: ExtendDeadlineInput!) { extendDeadline(input: $i) { id } }`);
const CLOSE = graphql(`mutation ChClose($i: CloseCampaignInput!) { closeCampaign(input: $i) { id } }`);
const CANCEL = graphql(`mutation ChCancel($i: CancelCampaignInput!) { cancelCampaign(input: $i) { id } }`);
const ASSIGN = graphql(`mutation ChAssign($i: AssignJudgeInput!) { assignJudge(input: $i) { id } }`);
const COPY = graphql(`mutation ChCopy($i: CopyCampaignInput!) { copyCampaign(input: $i) { id } }`);
const SUBMIT = graphql(`mutation ChSubmit($i: SubmitEntryInput!) { submitEntry(input: $i) { id } }`);
const SCHOOL = graphql(`mutation ChSchool($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }`);
const HISTORY = graphql(`
  query ChHistory($id: ID!) {
    campaign(id: $id) { history { type recordedAt actor role closesAt reason judge copiedFrom } }
  }
`);

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer', { sub: 'office-zhang' });
});

afterAll(async () => {
  await server?.stop();
});

it('lists creation, opening, extension, judges, closing and cancellation in order with who did them; entries stay out', async () => {
  const id = `ch-${randomUUID().slice(0, 8)}`;
  const schoolId = `s-${randomUUID().slice(0, 8)}`;
  dataOf(
    await server.graphql(SCHOOL, { i: { id: schoolId, name: '实验小学', kind: 'PRIMARY', town: '城厢镇' } }, organizer),
  );
  const input = {
    id,
    kind: 'ESSAY' as const,
    title: '征文',
    year: 2026,
    opensAt: '2026-03-01T00:00:00+08:00',
    closesAt: '2099-06-30T23:59:00+08:00',
  };
  dataOf(await server.graphql(CREATE, { i: input }, organizer));
  dataOf(await server.graphql(OPEN, { i: { id } }, organizer));
  const school = await server.token('school', { schoolId });
  dataOf(
    await server.graphql(
      SUBMIT,
      {
        i: {
          submissionId: 'one',
          campaignId: id,
          schoolId,
          title: '作文',
          participants: [{ name: '学生', role: 'STUDENT' }],
        },
      },
      school,
    ),
  );
  dataOf(await server.graphql(EXTEND, { i: { id, closesAt: '2099-07-15T23:59:00+08:00' } }, organizer));
  dataOf(await server.graphql(ASSIGN, { i: { campaignId: id, judge: 'judge-wang' } }, organizer));
  dataOf(await server.graphql(CLOSE, { i: { id } }, organizer));
  dataOf(await server.graphql(CANCEL, { i: { id, reason: '场地变更' } }, organizer));

  const { campaign } = dataOf(await server.graphql(HISTORY, { id }, organizer));
  expect(campaign?.history.map(({ recordedAt: _, ...event }) => event)).toEqual([
    {
      type: 'CampaignCreated',
      actor: 'office-zhang',
      role: 'organizer',
      closesAt: '2099-06-30T23:59:00+08:00',
      reason: null,
      judge: null,
      copiedFrom: null,
    },
    {
      type: 'CampaignOpened',
      actor: 'office-zhang',
      role: 'organizer',
      closesAt: null,
      reason: null,
      judge: null,
      copiedFrom: null,
    },
    {
      type: 'DeadlineExtended',
      actor: 'office-zhang',
      role: 'organizer',
      closesAt: '2099-07-15T23:59:00+08:00',
      reason: null,
      judge: null,
      copiedFrom: null,
    },
    {
      type: 'JudgeAssigned',
      actor: 'office-zhang',
      role: 'organizer',
      closesAt: null,
      reason: null,
      judge: 'judge-wang',
      copiedFrom: null,
    },
    {
      type: 'CampaignClosed',
      actor: 'office-zhang',
      role: 'organizer',
      closesAt: null,
      reason: null,
      judge: null,
      copiedFrom: null,
    },
    {
      type: 'CampaignCancelled',
      actor: 'office-zhang',
      role: 'organizer',
      closesAt: null,
      reason: '场地变更',
      judge: null,
      copiedFrom: null,
    },
  ]);
  const times = campaign?.history.map((event) => Date.parse(event.recordedAt)) ?? [];
  expect(times).toEqual([...times].sort((a, b) => a - b));

  // A copy's timeline starts with where it came from; its dates are the source's as created, a year on.
  dataOf(await server.graphql(COPY, { i: { sourceId: id, id: `${id}-next`, year: 2027 } }, organizer));
  const copy = dataOf(await server.graphql(HISTORY, { id: `${id}-next` }, organizer));
  expect(copy.campaign?.history.map((event) => [event.type, event.copiedFrom, event.closesAt])).toEqual([
    ['CampaignCreated', id, '2100-06-30T23:59:00+08:00'],
  ]);

  // Only the office reads who did what to a campaign.
  for (const token of [
    school,
    await server.token('judge', { sub: 'judge-wang' }),
    await server.token('viewer', { sub: 'leader' }),
  ]) {
    expect(codeOf(await server.graphql(HISTORY, { id }, token))).toBe('FORBIDDEN');
  }
});
