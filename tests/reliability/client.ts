import { randomUUID } from 'node:crypto';
import { ParticipationGrouping } from '@qingmiao/schema';
import { graphql, type ResultOf, type VariablesOf } from '@qingmiao/schema/graphql';
import { type Checked, dataOf, type Operation, postGraphQL, type VariablesFor } from '../support/graphql-http.ts';

/** The reliability tests' setup and checks, on the tests' one GraphQL client (support/graphql-http.ts). */

/** A timeout or a network failure: the request may or may not have reached the server. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // fetch: TimeoutError, or a TypeError ("fetch failed"); node:http: AbortError, or ECONNRESET, EPIPE, …
  const code = 'code' in error ? String(error.code) : '';
  return (
    error.name === 'TimeoutError' || error.name === 'AbortError' || error instanceof TypeError || /^E[A-Z]+$/.test(code)
  );
}

const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export const SUBMIT = graphql(`mutation Submit($i: SubmitEntryInput!) {
  submitEntry(input: $i) { id submissionId schoolId campaignId }
}`);

export type SubmittedEntry = ResultOf<typeof SUBMIT>['submitEntry'];
export type SubmitEntryInput = VariablesOf<typeof SUBMIT>['i'];

/** The organizer's setup steps, each of which must succeed. */
export class Organizer {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async ok<O extends Operation>(operation: O & Checked<O>, variables?: VariablesFor<O>) {
    return dataOf(await postGraphQL<O>(this.url, this.token, operation, variables));
  }

  async registerSchool(input: { id?: string; name?: string; kind?: string; town?: string } = {}): Promise<string> {
    const id = input.id ?? uid('s');
    await this.ok(`mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }`, {
      i: { id, name: input.name ?? `学校${id}`, kind: input.kind ?? 'PRIMARY', town: input.town ?? '城厢镇' },
    });
    return id;
  }

  async recordEnrollment(schoolId: string, year: number, students: number): Promise<void> {
    await this.ok(`mutation($i: RecordEnrollmentInput!) { recordEnrollment(input: $i) { year } }`, {
      i: { schoolId, year, students },
    });
  }

  async createCampaign(input: Record<string, unknown>, open = true): Promise<string> {
    const id = typeof input.id === 'string' ? input.id : uid('c');
    await this.ok(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
      i: {
        kind: 'ESSAY',
        title: `活动${id}`,
        year: 2022,
        opensAt: '2022-01-01T00:00:00+08:00',
        closesAt: '2099-12-31T23:59:59+08:00',
        ...input,
        id,
      },
    });
    if (open) await this.ok(`mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }`, { i: { id } });
    return id;
  }

  async closeCampaign(id: string): Promise<void> {
    await this.ok(`mutation($i: CloseCampaignInput!) { closeCampaign(input: $i) { id } }`, { i: { id } });
  }

  async registerLecturer(): Promise<string> {
    const id = uid('l');
    await this.ok(`mutation($i: RegisterLecturerInput!) { registerLecturer(input: $i) { id } }`, {
      i: { id, name: '张建国', topics: ['党史'] },
    });
    return id;
  }
}

/** One entry's input: a single student with a key, so figures are easy to check. */
export function entryInput(
  campaignId: string,
  schoolId: string,
  submissionId: string,
  extra: Partial<SubmitEntryInput> = {},
): SubmitEntryInput {
  return {
    submissionId,
    campaignId,
    schoolId,
    title: `作品 ${submissionId}`,
    participants: [{ name: `学生${submissionId.slice(-4)}`, role: 'STUDENT', grade: '五年级', key: submissionId }],
    ...extra,
  };
}

export const GROUPINGS = ParticipationGrouping.options;

export const PARTICIPATION =
  graphql(`query Participation($year: Int!, $groupBy: ParticipationGrouping!, $campaignId: ID) {
  participation(year: $year, groupBy: $groupBy, campaignId: $campaignId) {
    key label schools entries students participants retiredTeachers enrolled participationRate awards
    awardsByPrize { prize count } lecturesDelivered audience
  }
}`);

const CAMPAIGN_FIGURES = graphql(`query CampaignFigures($id: ID!) {
  campaign(id: $id) {
    status entryCount schoolCount awardsGranted sessionsDelivered progress
    entries { id submissionId schoolId title status prize submittedAt updatedAt participants { name key } }
    lectures { id status audience }
  }
}`);

/** Every participation grouping of a year, overall and per campaign, and each campaign's entries and counts. */
export async function figures(
  url: string,
  token: string,
  year: number,
  campaignIds: readonly string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const campaignId of [undefined, ...campaignIds]) {
    for (const groupBy of GROUPINGS) {
      const result = await postGraphQL(url, token, PARTICIPATION, { year, groupBy, campaignId });
      out[`participation ${groupBy} ${campaignId ?? 'all'}`] = dataOf(result).participation;
    }
  }
  for (const campaignId of campaignIds) {
    const { campaign } = dataOf(await postGraphQL(url, token, CAMPAIGN_FIGURES, { id: campaignId }));
    // Order is the read model's business; the set of entries is what must match.
    campaign?.entries.sort((a, b) => a.id.localeCompare(b.id));
    out[`campaign ${campaignId}`] = campaign;
  }
  return out;
}
