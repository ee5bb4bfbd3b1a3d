import { randomUUID } from 'node:crypto';
import { type GraphQLBody, type GraphQLErrorBody, postGraphQL } from '../support/graphql-http.ts';

/** A small GraphQL-over-HTTP client for the reliability tests: every request bounded by a timeout. */

export interface GraphQLResult<T> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: readonly GraphQLErrorBody[] | undefined;
}

export interface RequestOptions {
  /** Abort the request after this long (AbortSignal.timeout); the promise then rejects with a TimeoutError. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** POST /graphql; rejects on network errors and timeouts, resolves with any HTTP answer. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<GraphQLResult<T>> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const response = await postGraphQL(url, token, query, variables, signal);
  const text = await response.text();
  let body: GraphQLBody<T>;
  try {
    body = JSON.parse(text) as GraphQLBody<T>;
  } catch {
    body = { errors: [{ message: `non-JSON answer: ${text.slice(0, 300)}` }] };
  }
  return { status: response.status, data: body.data, errors: body.errors };
}

/** The `extensions.code` of a result's first error, or 'OK' without errors. */
export function codeOf(result: GraphQLResult<unknown>): string {
  if (!result.errors?.length) return 'OK';
  return result.errors[0]?.extensions?.code ?? 'NO_CODE';
}

/** The data of a result that must have succeeded. */
export function dataOf<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length || result.status !== 200 || !result.data) {
    throw new Error(`expected success, got HTTP ${result.status}: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

/** A timeout or a network failure: the request may or may not have reached the server. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // fetch: TimeoutError, or a TypeError ("fetch failed"); node:http: AbortError, or ECONNRESET, EPIPE, …
  const code = 'code' in error ? String(error.code) : '';
  return (
    error.name === 'TimeoutError' || error.name === 'AbortError' || error instanceof TypeError || /^E[A-Z]+$/.test(code)
  );
}

export const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export const SUBMIT = `mutation($i: SubmitEntryInput!) { submitEntry(input: $i) { id submissionId schoolId campaignId } }`;

export interface SubmittedEntry {
  readonly id: string;
  readonly submissionId: string;
  readonly schoolId: string;
  readonly campaignId: string;
}

/** The organizer's setup steps, each of which must succeed. */
export class Organizer {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    return dataOf(await graphql<T>(this.url, this.token, query, variables));
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
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    submissionId,
    campaignId,
    schoolId,
    title: `作品 ${submissionId}`,
    participants: [{ name: `学生${submissionId.slice(-4)}`, role: 'STUDENT', grade: '五年级', key: submissionId }],
    ...extra,
  };
}

export const GROUPINGS = ['SCHOOL', 'TOWN', 'SCHOOL_KIND', 'CAMPAIGN', 'MONTH'] as const;

export const PARTICIPATION = `query($year: Int!, $groupBy: ParticipationGrouping!, $campaignId: ID) {
  participation(year: $year, groupBy: $groupBy, campaignId: $campaignId) {
    key label schools entries students participants retiredTeachers enrolled participationRate awards
    awardsByPrize { prize count } lecturesDelivered audience
  }
}`;

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
      const result = await graphql(url, token, PARTICIPATION, { year, groupBy, campaignId });
      out[`participation ${groupBy} ${campaignId ?? 'all'}`] = dataOf(result).participation;
    }
  }
  for (const campaignId of campaignIds) {
    const result = await graphql<{ campaign: { entries: { id: string }[] } }>(
      url,
      token,
      `query($id: ID!) { campaign(id: $id) {
        status entryCount schoolCount awardsGranted sessionsDelivered progress
        entries { id submissionId schoolId title status prize submittedAt updatedAt participants { name key } }
        lectures { id status audience }
      } }`,
      { id: campaignId },
    );
    const campaign = dataOf(result).campaign;
    // Order is the read model's business; the set of entries is what must match.
    campaign.entries.sort((a, b) => a.id.localeCompare(b.id));
    out[`campaign ${campaignId}`] = campaign;
  }
  return out;
}
