import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, type GraphQLResult } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { countsOf, entryInput, historyOf, Organizer, type ParticipantInput, uid } from './qingmiao-client.ts';

/**
 * Guardian consent over real HTTP: a campaign that requires it refuses a submission or revision naming a student
 * without `guardianConsent: true`, on that participant's field, appending nothing; the consent given is shown with
 * who attested it and when, to those who may read the participants.
 */
let server: TestServer;
let organizer: Organizer;

beforeAll(async () => {
  server = await startTestServer();
  organizer = new Organizer(server, await server.token('organizer', { sub: 'consent-office' }));
});

afterAll(async () => {
  await server?.stop();
});

const CONSENTED_ENTRY = graphql(`
  mutation SubmitConsented($input: SubmitEntryInput!) {
    submitEntry(input: $input) {
      id
      participants { name role guardianConsent { attestedBy attestedAt } }
    }
  }
`);

const REVISE = graphql(`
  mutation ReviseConsented($input: ReviseEntryInput!) {
    reviseEntry(input: $input) { id participants { name guardianConsent { attestedBy attestedAt } } }
  }
`);

const ENTRY = graphql(`
  query ConsentedEntry($id: ID!) {
    entry(id: $id) { id participants { name guardianConsent { attestedBy attestedAt } } }
  }
`);

const CAMPAIGN = graphql(`query ConsentCampaign($id: ID!) { campaign(id: $id) { id requireGuardianConsent } }`);

const fieldOf = (answer: GraphQLResult<unknown>) => answer.errors?.[0]?.extensions?.field;
const refusal = (answer: GraphQLResult<unknown>) => [codeOf(answer), fieldOf(answer)];

const student = (name: string, guardianConsent?: boolean | null): ParticipantInput => ({
  name,
  role: 'STUDENT',
  grade: '五年级',
  ...(guardianConsent === undefined ? {} : { guardianConsent }),
});

async function consentingCampaign() {
  const campaignId = await organizer.openedCampaign({ requireGuardianConsent: true });
  const school = await organizer.schoolWithToken();
  return { campaignId, school };
}

describe('a campaign requiring guardian consent', () => {
  it('says so; a campaign created without the option does not', async () => {
    const { campaignId } = await consentingCampaign();
    const read = async (id: string) => dataOf(await server.graphql(CAMPAIGN, { id }, organizer.token)).campaign;
    expect(await read(campaignId)).toEqual({ id: campaignId, requireGuardianConsent: true });
    const plain = await organizer.createCampaign();
    expect(await read(plain.id)).toEqual({ id: plain.id, requireGuardianConsent: false });
  });

  it('is refused for a LECTURE campaign, naming the field', async () => {
    const answer = await server.graphql(
      graphql(`mutation CreateLectures($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`),
      {
        input: {
          id: uid('lectures'),
          kind: 'LECTURE',
          title: '千场党史报告进校园',
          year: 2022,
          opensAt: '2022-03-01T00:00:00+08:00',
          closesAt: '2022-12-31T00:00:00+08:00',
          requireGuardianConsent: true,
        },
      },
      organizer.token,
    );
    expect(refusal(answer)).toEqual(['BAD_USER_INPUT', 'requireGuardianConsent']);
  });

  it('refuses a student without consent (absent, null or false) on that participant, appending nothing', async () => {
    const { campaignId, school } = await consentingCampaign();
    const teacher: ParticipantInput = { name: '王老师', role: 'TEACHER' };
    for (const [participants, field] of [
      [[student('张小明', true), teacher, student('李小红')], 'participants.2.guardianConsent'],
      [[student('张小明', null)], 'participants.0.guardianConsent'],
      [[teacher, student('张小明', false)], 'participants.1.guardianConsent'],
    ] as const) {
      const input = entryInput(campaignId, school.id, { participants: [...participants] });
      expect(refusal(await server.graphql(CONSENTED_ENTRY, { input }, school.token))).toEqual([
        'BAD_USER_INPUT',
        field,
      ]);
    }
    expect((await countsOf(server, organizer.token, campaignId)).entryCount).toBe(0);
  });

  it('records who attested each consent and when, shown to the school and the office', async () => {
    const { campaignId, school } = await consentingCampaign();
    const input = entryInput(campaignId, school.id, {
      participants: [student('张小明', true), { name: '王老师', role: 'TEACHER' }],
    });
    const entry = dataOf(await server.graphql(CONSENTED_ENTRY, { input }, school.token)).submitEntry;
    const [submitted] = await historyOf(server, organizer.token, entry.id);
    const attested = { attestedBy: `contact-${school.id}`, attestedAt: submitted?.recordedAt };
    expect(entry.participants).toEqual([
      { name: '张小明', role: 'STUDENT', guardianConsent: attested },
      { name: '王老师', role: 'TEACHER', guardianConsent: null },
    ]);
    for (const token of [school.token, organizer.token]) {
      const read = dataOf(await server.graphql(ENTRY, { id: entry.id }, token)).entry;
      expect(read?.participants?.map((p) => p.guardianConsent)).toEqual([attested, null]);
    }
  });

  it('refuses a revision adding a student without consent; a consent keeps who attested it first', async () => {
    const { campaignId, school } = await consentingCampaign();
    const input = entryInput(campaignId, school.id, { participants: [student('张小明', true)] });
    const { id } = dataOf(await server.graphql(CONSENTED_ENTRY, { input }, school.token)).submitEntry;
    const refused = await server.graphql(
      REVISE,
      { input: { entryId: id, participants: [student('张小明', true), student('李小红')] } },
      school.token,
    );
    expect(refusal(refused)).toEqual(['BAD_USER_INPUT', 'participants.1.guardianConsent']);
    // The office revises for the school, attesting the form it was handed; the consent already given stays the
    // school's.
    const revised = dataOf(
      await server.graphql(
        REVISE,
        { input: { entryId: id, participants: [student('张小明', true), student('李小红', true)] } },
        organizer.token,
      ),
    ).reviseEntry;
    expect(revised.participants?.map((p) => [p.name, p.guardianConsent?.attestedBy])).toEqual([
      ['张小明', `contact-${school.id}`],
      ['李小红', 'consent-office'],
    ]);
    // A revision that does not change the participants keeps each consent as attested.
    const titled = dataOf(
      await server.graphql(
        graphql(`mutation Retitle($input: ReviseEntryInput!) {
          reviseEntry(input: $input) { participants { guardianConsent { attestedBy attestedAt } } }
        }`),
        { input: { entryId: id, title: '新的题目' } },
        school.token,
      ),
    ).reviseEntry;
    expect(titled.participants?.map((p) => p.guardianConsent)).toEqual(
      revised.participants?.map((p) => p.guardianConsent),
    );
  });
});

describe('a campaign not requiring guardian consent', () => {
  it('takes students without it', async () => {
    const campaignId = await organizer.openedCampaign();
    const school = await organizer.schoolWithToken();
    const input = entryInput(campaignId, school.id, { participants: [student('张小明')] });
    const entry = dataOf(await server.graphql(CONSENTED_ENTRY, { input }, school.token)).submitEntry;
    expect(entry.participants).toEqual([{ name: '张小明', role: 'STUDENT', guardianConsent: null }]);
  });
});
