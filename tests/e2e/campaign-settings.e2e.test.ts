import { randomUUID } from 'node:crypto';
import { graphql, type VariablesOf } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, type GraphQLResult } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/** `changeCampaignSettings` over HTTP: a draft's settings replaced as a whole, by the office, until it opens. */
let server: TestServer;
let organizer: string;

const CREATE = graphql(`mutation CsCreate($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`);
const OPEN = graphql(`mutation CsOpen($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }`);
const CHANGE = graphql(`
  mutation CsChange($i: ChangeCampaignSettingsInput!) {
    changeCampaignSettings(input: $i) {
      id kind year title theme opensAt closesAt eligibleSchoolKinds maxEntriesPerSchool targetSessions awardQuota
      rubric { name weight maxScore }
      blindJudging status
    }
  }
`);
const HISTORY = graphql(`query CsHistory($id: ID!) { campaign(id: $id) { status title history { type closesAt } } }`);

type Settings = VariablesOf<typeof CHANGE>['i'];

const fieldOf = (answer: GraphQLResult<unknown>) => answer.errors?.[0]?.extensions?.field;

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer', { sub: 'office-li' });
});

afterAll(async () => {
  await server?.stop();
});

/** A fresh ESSAY draft, and its settings as the wizard would send them back unchanged. */
async function draft(): Promise<Settings> {
  const id = `cs-${randomUUID().slice(0, 8)}`;
  const settings = {
    title: '《勋章》读书征文',
    opensAt: '2026-03-01T00:00:00+08:00',
    closesAt: '2099-06-30T23:59:00+08:00',
    maxEntriesPerSchool: 5,
  };
  dataOf(await server.graphql(CREATE, { i: { id, kind: 'ESSAY', year: 2026, ...settings } }, organizer));
  return { id, ...settings };
}

describe('changeCampaignSettings', () => {
  it("replaces a draft's settings as a whole, keeping its kind and year, and notes it in the timeline", async () => {
    const settings = await draft();
    const changed = dataOf(
      await server.graphql(
        CHANGE,
        {
          i: {
            id: settings.id,
            title: '童心喜迎二十大 征文',
            theme: '讲好身边的故事',
            opensAt: '2026-04-01T00:00:00+08:00',
            closesAt: '2099-07-31T23:59:00+08:00',
            eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
            awardQuota: 0.2,
            rubric: [
              { name: '立意', weight: 2, maxScore: 40 },
              { name: '文采', weight: 1, maxScore: 60 },
            ],
            blindJudging: false,
          },
        },
        organizer,
      ),
    ).changeCampaignSettings;
    expect(changed).toEqual({
      id: settings.id,
      kind: 'ESSAY',
      year: 2026,
      title: '童心喜迎二十大 征文',
      theme: '讲好身边的故事',
      opensAt: '2026-04-01T00:00:00+08:00',
      closesAt: '2099-07-31T23:59:00+08:00',
      eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
      // Left out, so unlimited again: the settings are replaced as a whole.
      maxEntriesPerSchool: null,
      targetSessions: null,
      awardQuota: 0.2,
      rubric: [
        { name: '立意', weight: 2, maxScore: 40 },
        { name: '文采', weight: 1, maxScore: 60 },
      ],
      blindJudging: false,
      status: 'DRAFT',
    });
    const { campaign } = dataOf(await server.graphql(HISTORY, { id: settings.id }, organizer));
    expect(campaign?.history).toEqual([
      { type: 'CampaignCreated', closesAt: '2099-06-30T23:59:00+08:00' },
      { type: 'CampaignSettingsChanged', closesAt: '2099-07-31T23:59:00+08:00' },
    ]);
  });

  it('records one change for the same settings sent at once, and none for settings already in force', async () => {
    const settings = await draft();
    const retitled = { ...settings, title: '新标题' };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => server.graphql(CHANGE, { i: retitled }, organizer)),
    );
    for (const answer of answers) expect(dataOf(answer).changeCampaignSettings.title).toBe('新标题');
    dataOf(await server.graphql(CHANGE, { i: retitled }, organizer));
    const { campaign } = dataOf(await server.graphql(HISTORY, { id: settings.id }, organizer));
    expect(campaign?.history.map((event) => event.type)).toEqual(['CampaignCreated', 'CampaignSettingsChanged']);
  });

  it.each<[string, Partial<Settings>]>([
    ['title', { title: '  ' }],
    ['closesAt', { closesAt: '2026-02-01T00:00:00+08:00' }],
    ['awardQuota', { awardQuota: 1.5 }],
    ['maxEntriesPerSchool', { maxEntriesPerSchool: 0 }],
    ['eligibleSchoolKinds', { eligibleSchoolKinds: [] }],
    ['rubric', { rubric: [] }],
    // The kind's rules, as at creation: an essay contest has no target of sessions.
    ['targetSessions', { targetSessions: 100 }],
  ])('refuses a bad %s, naming the field, and changes nothing', async (field, bad) => {
    const settings = await draft();
    const answer = await server.graphql(CHANGE, { i: { ...settings, ...bad } }, organizer);
    expect([codeOf(answer), fieldOf(answer)]).toEqual(['BAD_USER_INPUT', field]);
    const { campaign } = dataOf(await server.graphql(HISTORY, { id: settings.id }, organizer));
    expect(campaign?.history.map((event) => event.type)).toEqual(['CampaignCreated']);
  });

  it('refuses once the campaign has opened, and a campaign that does not exist', async () => {
    const settings = await draft();
    dataOf(await server.graphql(OPEN, { i: { id: settings.id } }, organizer));
    expect(codeOf(await server.graphql(CHANGE, { i: { ...settings, title: '新标题' } }, organizer))).toBe('CONFLICT');
    expect(codeOf(await server.graphql(CHANGE, { i: { ...settings, id: 'no-such-campaign' } }, organizer))).toBe(
      'NOT_FOUND',
    );
  });

  it('decides a change racing the opening one after the other: never a change after the opening', async () => {
    const settings = await draft();
    const [change, open] = await Promise.all([
      server.graphql(CHANGE, { i: { ...settings, title: '新标题' } }, organizer),
      server.graphql(OPEN, { i: { id: settings.id } }, organizer),
    ]);
    dataOf(open);
    const { campaign } = dataOf(await server.graphql(HISTORY, { id: settings.id }, organizer));
    const types = campaign?.history.map((event) => event.type);
    if (change.errors) {
      expect(codeOf(change)).toBe('CONFLICT');
      expect(types).toEqual(['CampaignCreated', 'CampaignOpened']);
      expect(campaign?.title).toBe(settings.title);
    } else {
      expect(types).toEqual(['CampaignCreated', 'CampaignSettingsChanged', 'CampaignOpened']);
      expect(campaign?.title).toBe('新标题');
    }
  });

  it('is for the office only', async () => {
    const settings = await draft();
    for (const token of [
      await server.token('school', { schoolId: 'tc-shiyan' }),
      await server.token('judge', { sub: 'judge-wang' }),
      await server.token('viewer', { sub: 'leader' }),
    ]) {
      expect(codeOf(await server.graphql(CHANGE, { i: { ...settings, title: '新标题' } }, token))).toBe('FORBIDDEN');
    }
    expect(codeOf(await server.graphql(CHANGE, { i: { ...settings, title: '新标题' } }))).toBe('UNAUTHENTICATED');
  });
});
