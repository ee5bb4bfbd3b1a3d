import { randomUUID } from 'node:crypto';
import type { SchoolKind } from '@qingmiao/schema';
import { graphql, type ResultOf, type VariablesOf } from '@qingmiao/schema/graphql';
import { dataOf, type GraphQLEndpoint } from '../support/graphql-http.ts';
import { removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';

/** Ids the product accepts (lowercase letters, digits, dashes), fresh per call. */
export const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A deadline far ahead, so campaigns stay open for the whole run. */
const FAR_FUTURE = '2099-12-31T23:59:59+08:00';

export const ENTRY_FIELDS = graphql(`
  fragment EntryFields on Entry @_unmask {
    id submissionId campaignId schoolId title status advisor
    participants { name role grade key }
  }
`);

export const SUBMIT = graphql(
  `mutation Submit($input: SubmitEntryInput!) { submitEntry(input: $input) { ...EntryFields } }`,
  [ENTRY_FIELDS],
);

export const WITHDRAW = graphql(`mutation Withdraw($input: WithdrawEntryInput!) {
  withdrawEntry(input: $input) { id status withdrawReason }
}`);

const CAMPAIGN = graphql(
  `query Campaign($id: ID!) {
    campaign(id: $id) { id status entryCount schoolCount maxEntriesPerSchool entries { ...EntryFields } }
  }`,
  [ENTRY_FIELDS],
);

const CAMPAIGN_COUNTS = graphql(`query Counts($id: ID!) { campaign(id: $id) { id status entryCount schoolCount } }`);

export const PARTICIPATION = graphql(`query Participation($year: Int!, $campaignId: ID) {
  participation(year: $year, groupBy: SCHOOL, campaignId: $campaignId) {
    key label schools entries students participants retiredTeachers enrolled participationRate
  }
}`);

const HISTORY = graphql(
  `query History($entryId: ID!) { entryHistory(entryId: $entryId) { type recordedAt actor role } }`,
);

const REGISTER_SCHOOL = graphql(`mutation Register($input: RegisterSchoolInput!) {
  registerSchool(input: $input) { id name kind town private }
}`);

const RECORD_ENROLLMENT = graphql(`mutation Enrol($input: RecordEnrollmentInput!) {
  recordEnrollment(input: $input) { schoolId year students }
}`);

const CREATE_CAMPAIGN = graphql(`mutation Create($input: CreateCampaignInput!) {
  createCampaign(input: $input) { id kind title theme year opensAt closesAt eligibleSchoolKinds maxEntriesPerSchool status }
}`);

const OPEN_CAMPAIGN = graphql(`mutation Open($id: ID!) { openCampaign(input: { id: $id }) { id status } }`);

const CLOSE_CAMPAIGN = graphql(`mutation Close($id: ID!) { closeCampaign(input: { id: $id }) { id status } }`);

export type SubmitEntryInput = VariablesOf<typeof SUBMIT>['input'];
export type ParticipantInput = NonNullable<SubmitEntryInput['participants']>[number];
export type CreateCampaignInput = VariablesOf<typeof CREATE_CAMPAIGN>['input'];
export type EntryView = ResultOf<typeof ENTRY_FIELDS>;
export type CampaignView = NonNullable<ResultOf<typeof CAMPAIGN>['campaign']>;
export type ParticipationView = ResultOf<typeof PARTICIPATION>['participation'][number];
export type HistoryView = ResultOf<typeof HISTORY>['entryHistory'][number];

/** A server that mints tokens with its own secret: the in-process one or a server process. */
export type TokenServer = GraphQLEndpoint & {
  token(
    role: 'organizer' | 'school' | 'judge' | 'viewer',
    claims?: { sub?: string; schoolId?: string },
  ): Promise<string>;
};

/** The organizer's side of a campaign year, over HTTP. */
export class Organizer {
  constructor(
    readonly server: TokenServer,
    readonly token: string,
  ) {}

  async registerSchool(input: Partial<VariablesOf<typeof REGISTER_SCHOOL>['input']> = {}) {
    const id = input.id ?? uid('school');
    const school = {
      id,
      name: input.name ?? `城厢镇第${id}小学`,
      kind: input.kind ?? 'PRIMARY',
      town: input.town ?? '城厢镇',
    } as const;
    return dataOf(await this.server.graphql(REGISTER_SCHOOL, { input: school }, this.token)).registerSchool;
  }

  async recordEnrollment(schoolId: string, year: number, students: number) {
    const input = { schoolId, year, students };
    return dataOf(await this.server.graphql(RECORD_ENROLLMENT, { input }, this.token)).recordEnrollment;
  }

  async createCampaign(input: Partial<CreateCampaignInput> = {}) {
    const campaign: CreateCampaignInput = {
      id: uid('essay'),
      kind: 'ESSAY',
      title: '《勋章》读书征文',
      theme: '童心喜迎二十大',
      year: 2022,
      opensAt: '2022-03-01T00:00:00+08:00',
      closesAt: FAR_FUTURE,
      maxEntriesPerSchool: 3,
      ...input,
    };
    return dataOf(await this.server.graphql(CREATE_CAMPAIGN, { input: campaign }, this.token)).createCampaign;
  }

  async openCampaign(id: string) {
    return dataOf(await this.server.graphql(OPEN_CAMPAIGN, { id }, this.token)).openCampaign;
  }

  async closeCampaign(id: string) {
    return dataOf(await this.server.graphql(CLOSE_CAMPAIGN, { id }, this.token)).closeCampaign;
  }

  /** A registered school and a token acting for it. */
  async schoolWithToken(kind: SchoolKind = 'PRIMARY') {
    const { id } = await this.registerSchool({ kind });
    return { id, token: await this.server.token('school', { sub: `contact-${id}`, schoolId: id }) };
  }

  /** A created and opened campaign (ESSAY, year 2022, at most 3 entries per school unless overridden). */
  async openedCampaign(input: Partial<CreateCampaignInput> = {}) {
    const created = await this.createCampaign(input);
    await this.openCampaign(created.id);
    return created.id;
  }
}

/** A server process of a test file's own, with the organizer's office acting on it; end it with stopAndRemove. */
export async function startWithOrganizer(sub = 'guangongwei-office') {
  const server = await startServerProcess();
  return { server, organizer: new Organizer(server, await server.token('organizer', { sub })) };
}

/** Stops a server process started by startWithOrganizer (if it started) and removes its data directory. */
export async function stopAndRemove(server: ServerProcess | undefined): Promise<void> {
  if (!server) return;
  await server.stop();
  removeDataDir(server.dataDir);
}

export function entryInput(
  campaignId: string,
  schoolId: string,
  overrides: Partial<SubmitEntryInput> = {},
): SubmitEntryInput {
  return {
    submissionId: randomUUID(),
    campaignId,
    schoolId,
    title: '我心中的勋章',
    participants: [{ name: '王小明', role: 'STUDENT', grade: '五年级' }],
    ...overrides,
  };
}

export function submit(server: GraphQLEndpoint, token: string, input: SubmitEntryInput) {
  return server.graphql(SUBMIT, { input }, token);
}

export async function campaignOf(server: GraphQLEndpoint, token: string, id: string): Promise<CampaignView> {
  const campaign = dataOf(await server.graphql(CAMPAIGN, { id }, token)).campaign;
  if (!campaign) throw new Error(`campaign ${id} not found`);
  return campaign;
}

export async function countsOf(server: GraphQLEndpoint, token: string, id: string) {
  const campaign = dataOf(await server.graphql(CAMPAIGN_COUNTS, { id }, token)).campaign;
  if (!campaign) throw new Error(`campaign ${id} not found`);
  return campaign;
}

export async function participationOf(
  server: GraphQLEndpoint,
  token: string,
  year: number,
  campaignId?: string,
): Promise<ParticipationView[]> {
  return dataOf(await server.graphql(PARTICIPATION, { year, campaignId }, token)).participation;
}

export async function historyOf(server: GraphQLEndpoint, token: string, entryId: string): Promise<HistoryView[]> {
  return dataOf(await server.graphql(HISTORY, { entryId }, token)).entryHistory;
}

/** The row of one group (school id, …) of a participation answer. */
export function rowOf(rows: readonly ParticipationView[], key: string): ParticipationView {
  const row = rows.find((candidate) => candidate.key === key);
  if (!row) throw new Error(`no participation row ${key} among ${rows.map((r) => r.key).join(', ')}`);
  return row;
}
