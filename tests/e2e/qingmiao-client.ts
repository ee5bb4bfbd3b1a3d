import { randomUUID } from 'node:crypto';
import { dataOf, removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';

/** Ids the product accepts (lowercase letters, digits, dashes), fresh per call. */
export const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A deadline far ahead, so campaigns stay open for the whole run. */
export const FAR_FUTURE = '2099-12-31T23:59:59+08:00';

export interface ParticipantInput {
  readonly name: string;
  readonly role: 'STUDENT' | 'TEACHER' | 'RETIRED_TEACHER' | 'PARENT';
  readonly grade?: string;
  readonly key?: string;
}

export interface SubmitEntryInput {
  readonly submissionId: string;
  readonly campaignId: string;
  readonly schoolId: string;
  readonly title: string;
  readonly participants: readonly ParticipantInput[];
  readonly advisor?: string;
}

export interface EntryView {
  readonly id: string;
  readonly submissionId: string;
  readonly campaignId: string;
  readonly schoolId: string;
  readonly title: string;
  readonly status: 'LIVE' | 'WITHDRAWN';
  readonly advisor: string | null;
  readonly participants: ParticipantView[] | null;
}

export interface ParticipantView {
  readonly name: string;
  readonly role: string;
  readonly grade: string | null;
  readonly key: string | null;
}

export interface CampaignView {
  readonly id: string;
  readonly status: string;
  readonly entryCount: number;
  readonly schoolCount: number;
  readonly maxEntriesPerSchool: number | null;
  readonly entries: EntryView[];
}

export interface ParticipationView {
  readonly key: string;
  readonly label: string;
  readonly schools: number;
  readonly entries: number;
  readonly students: number;
  readonly participants: number;
  readonly retiredTeachers: number;
  readonly enrolled: number | null;
  readonly participationRate: number | null;
}

export interface HistoryView {
  readonly type: string;
  readonly recordedAt: string;
  readonly actor: string;
  readonly role: string;
}

export const ENTRY_FIELDS = `id submissionId campaignId schoolId title status advisor
  participants { name role grade key }`;

export const SUBMIT = `mutation Submit($input: SubmitEntryInput!) { submitEntry(input: $input) { ${ENTRY_FIELDS} } }`;

export const WITHDRAW = `mutation Withdraw($input: WithdrawEntryInput!) {
  withdrawEntry(input: $input) { id status withdrawReason }
}`;

export const CAMPAIGN = `query Campaign($id: ID!) {
  campaign(id: $id) { id status entryCount schoolCount maxEntriesPerSchool entries { ${ENTRY_FIELDS} } }
}`;

export const CAMPAIGN_COUNTS = `query Counts($id: ID!) { campaign(id: $id) { id status entryCount schoolCount } }`;

export const PARTICIPATION = `query Participation($year: Int!, $campaignId: ID) {
  participation(year: $year, groupBy: SCHOOL, campaignId: $campaignId) {
    key label schools entries students participants retiredTeachers enrolled participationRate
  }
}`;

export const HISTORY = `query History($entryId: ID!) { entryHistory(entryId: $entryId) { type recordedAt actor role } }`;

/** The organizer's side of a campaign year, over HTTP. */
export class Organizer {
  constructor(
    readonly server: ServerProcess,
    readonly token: string,
  ) {}

  async registerSchool(input: { id?: string; name?: string; kind?: string; town?: string } = {}) {
    const id = input.id ?? uid('school');
    const result = await this.server.graphql<{
      registerSchool: { id: string; name: string; kind: string; town: string };
    }>(
      `mutation Register($input: RegisterSchoolInput!) { registerSchool(input: $input) { id name kind town private } }`,
      {
        input: {
          id,
          name: input.name ?? `城厢镇第${id}小学`,
          kind: input.kind ?? 'PRIMARY',
          town: input.town ?? '城厢镇',
        },
      },
      this.token,
    );
    return dataOf(result).registerSchool;
  }

  async recordEnrollment(schoolId: string, year: number, students: number) {
    const result = await this.server.graphql<{
      recordEnrollment: { schoolId: string; year: number; students: number };
    }>(
      `mutation Enrol($input: RecordEnrollmentInput!) { recordEnrollment(input: $input) { schoolId year students } }`,
      { input: { schoolId, year, students } },
      this.token,
    );
    return dataOf(result).recordEnrollment;
  }

  async createCampaign(input: Record<string, unknown> = {}) {
    const id = uid('essay');
    const result = await this.server.graphql<{
      createCampaign: { id: string; status: string; maxEntriesPerSchool: number | null; eligibleSchoolKinds: string[] };
    }>(
      `mutation Create($input: CreateCampaignInput!) {
        createCampaign(input: $input) {
          id kind title theme year opensAt closesAt eligibleSchoolKinds maxEntriesPerSchool status
        }
      }`,
      {
        input: {
          id,
          kind: 'ESSAY',
          title: '《勋章》读书征文',
          theme: '童心喜迎二十大',
          year: 2022,
          opensAt: '2022-03-01T00:00:00+08:00',
          closesAt: FAR_FUTURE,
          maxEntriesPerSchool: 3,
          ...input,
        },
      },
      this.token,
    );
    return dataOf(result).createCampaign;
  }

  async openCampaign(id: string) {
    const result = await this.server.graphql<{ openCampaign: { id: string; status: string } }>(
      `mutation Open($id: ID!) { openCampaign(input: { id: $id }) { id status } }`,
      { id },
      this.token,
    );
    return dataOf(result).openCampaign;
  }

  async closeCampaign(id: string) {
    const result = await this.server.graphql<{ closeCampaign: { id: string; status: string } }>(
      `mutation Close($id: ID!) { closeCampaign(input: { id: $id }) { id status } }`,
      { id },
      this.token,
    );
    return dataOf(result).closeCampaign;
  }

  /** A registered school and a token acting for it. */
  async schoolWithToken(kind = 'PRIMARY') {
    const { id } = await this.registerSchool({ kind });
    return { id, token: await this.server.token('school', { sub: `contact-${id}`, schoolId: id }) };
  }

  /** A created and opened campaign (ESSAY, year 2022, at most 3 entries per school unless overridden). */
  async openedCampaign(input: Record<string, unknown> = {}) {
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

export function submit(server: ServerProcess, token: string, input: SubmitEntryInput) {
  return server.graphql<{ submitEntry: EntryView }>(SUBMIT, { input }, token);
}

export async function campaignOf(server: ServerProcess, token: string, id: string): Promise<CampaignView> {
  const campaign = dataOf(await server.graphql<{ campaign: CampaignView | null }>(CAMPAIGN, { id }, token)).campaign;
  if (!campaign) throw new Error(`campaign ${id} not found`);
  return campaign;
}

export async function countsOf(server: ServerProcess, token: string, id: string) {
  const result = await server.graphql<{
    campaign: { id: string; status: string; entryCount: number; schoolCount: number } | null;
  }>(CAMPAIGN_COUNTS, { id }, token);
  const campaign = dataOf(result).campaign;
  if (!campaign) throw new Error(`campaign ${id} not found`);
  return campaign;
}

export async function participationOf(
  server: ServerProcess,
  token: string,
  year: number,
  campaignId?: string,
): Promise<ParticipationView[]> {
  const result = await server.graphql<{ participation: ParticipationView[] }>(
    PARTICIPATION,
    { year, campaignId },
    token,
  );
  return dataOf(result).participation;
}

export async function historyOf(server: ServerProcess, token: string, entryId: string): Promise<HistoryView[]> {
  return dataOf(await server.graphql<{ entryHistory: HistoryView[] }>(HISTORY, { entryId }, token)).entryHistory;
}

/** The row of one group (school id, …) of a participation answer. */
export function rowOf(rows: readonly ParticipationView[], key: string): ParticipationView {
  const row = rows.find((candidate) => candidate.key === key);
  if (!row) throw new Error(`no participation row ${key} among ${rows.map((r) => r.key).join(', ')}`);
  return row;
}
