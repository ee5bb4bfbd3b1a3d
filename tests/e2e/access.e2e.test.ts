import { mintToken } from '@qingmiao/api';
import type { SchoolKind } from '@qingmiao/schema';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import type { ServerProcess } from '../support/server-process.ts';
import {
  countsOf,
  ENTRY_FIELDS,
  type EntryView,
  entryInput,
  type Organizer,
  participationOf,
  rowOf,
  startWithOrganizer,
  stopAndRemove,
  submit,
  uid,
} from './qingmiao-client.ts';

/** Who may do and see what, checked over real HTTP against a separately started server process. */
let server: ServerProcess;
let organizer: Organizer;

beforeAll(async () => {
  ({ server, organizer } = await startWithOrganizer());
});

afterAll(() => stopAndRemove(server));

const school = (kind?: SchoolKind) => organizer.schoolWithToken(kind);

describe('health endpoints', () => {
  it('answers /healthz and /readyz with 200, ready true', async () => {
    const health = await server.get('/healthz');
    expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await server.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true });
  });
});

describe('authentication', () => {
  const query = '{ schools { id } }';

  function expectUnauthenticated(result: Awaited<ReturnType<ServerProcess['graphql']>>) {
    expect(result.status).toBe(401);
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  }

  it('refuses a request without a token with HTTP 401 UNAUTHENTICATED', async () => {
    expectUnauthenticated(await server.graphql(query));
  });

  it('refuses a token signed with another secret with HTTP 401 UNAUTHENTICATED', async () => {
    const forged = await mintToken(new TextEncoder().encode('not-the-server-secret-0123456789abcdef'), {
      sub: 'mallory',
      role: 'organizer',
    });
    expectUnauthenticated(await server.graphql(query, undefined, forged));
  });

  it('refuses an expired token with HTTP 401 UNAUTHENTICATED', async () => {
    const expired = await server.token('organizer', { sub: 'office' }, '-10m');
    const result = await server.graphql(query, undefined, expired);
    expectUnauthenticated(result);
    expect(result.errors?.[0]?.message).toMatch(/expired/i);
  });

  it('refuses a malformed token and a tampered one with HTTP 401 UNAUTHENTICATED', async () => {
    expectUnauthenticated(await server.graphql(query, undefined, 'not-a-jwt'));
    const signed = await server.token('organizer');
    const [header, , signature] = signed.split('.');
    const noRole = Buffer.from(JSON.stringify({ sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 })).toString(
      'base64url',
    );
    // The signature of one payload over another (claims swapped by hand) must not pass either.
    expectUnauthenticated(await server.graphql(query, undefined, `${header}.${noRole}.${signature}`));
  });

  it('refuses a mutation without a token and writes nothing', async () => {
    const id = uid('nobody');
    const result = await server.graphql(
      `mutation($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }`,
      { input: { id, name: '无名学校', kind: 'PRIMARY', town: '城厢镇' } },
    );
    expectUnauthenticated(result);
    const lookup = await server.graphql(`query($id: ID!) { school(id: $id) { id } }`, { id }, organizer.token);
    expect(dataOf(lookup).school).toBeNull();
  });

  it('does not write bearer tokens into the request log', async () => {
    const token = await server.token('viewer', { sub: 'log-reader' });
    expect(codeOf(await server.graphql(query, undefined, token))).toBe('OK');
    // The request line is logged when the response finishes; give the pipe a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const requestLines = server.logs.filter((line) => line.msg === 'request completed');
    expect(requestLines.length).toBeGreaterThan(0);
    const signature = token.split('.')[2] ?? token;
    expect(JSON.stringify(server.logs)).not.toContain(signature);
  });
});

describe('authorization of commands', () => {
  it('refuses a school submitting for another school as FORBIDDEN', async () => {
    const own = await school();
    const other = await school();
    const campaignId = await organizer.openedCampaign();
    const result = await submit(server, own.token, entryInput(campaignId, other.id));
    expect(result.status).toBe(200);
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await countsOf(server, organizer.token, campaignId)).toMatchObject({ entryCount: 0, schoolCount: 0 });
  });

  it('refuses createCampaign by a school and by a viewer as FORBIDDEN, and creates nothing', async () => {
    const { token } = await school();
    const viewer = await server.token('viewer');
    const create = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`;
    for (const who of [token, viewer]) {
      const id = uid('rogue');
      const input = {
        id,
        kind: 'ESSAY',
        title: '私设的征文',
        year: 2022,
        opensAt: '2022-03-01T00:00:00+08:00',
        closesAt: '2099-12-31T00:00:00+08:00',
        maxEntriesPerSchool: 3,
      };
      const result = await server.graphql(create, { input }, who);
      expect(codeOf(result)).toBe('FORBIDDEN');
      expect(result.data ?? null).toBeNull();
      const lookup = await server.graphql(`query($id: ID!) { campaign(id: $id) { id } }`, { id }, organizer.token);
      expect(dataOf(lookup).campaign).toBeNull();
    }
  });

  it('refuses a viewer submitting an entry as FORBIDDEN', async () => {
    const { id } = await school();
    const campaignId = await organizer.openedCampaign();
    const viewer = await server.token('viewer');
    expect(codeOf(await submit(server, viewer, entryInput(campaignId, id)))).toBe('FORBIDDEN');
  });
});

describe('who sees which participants', () => {
  let campaignId: string;
  let schoolA: { id: string; token: string };
  let schoolB: { id: string; token: string };
  let entryA: EntryView;
  let entryB: EntryView;

  beforeAll(async () => {
    schoolA = await school();
    schoolB = await school();
    await organizer.recordEnrollment(schoolA.id, 2022, 300);
    campaignId = await organizer.openedCampaign();
    entryA = dataOf(
      await submit(
        server,
        schoolA.token,
        entryInput(campaignId, schoolA.id, { participants: [{ name: '甲校学生', role: 'STUDENT', grade: '五年级' }] }),
      ),
    ).submitEntry;
    entryB = dataOf(
      await submit(
        server,
        schoolB.token,
        entryInput(campaignId, schoolB.id, { participants: [{ name: '乙校学生', role: 'STUDENT', grade: '六年级' }] }),
      ),
    ).submitEntry;
  });

  const CAMPAIGN_WITH_ENTRIES = graphql(
    `query CampaignWithEntries($id: ID!) {
      campaign(id: $id) { id entryCount schoolCount entries { ...EntryFields } }
    }`,
    [ENTRY_FIELDS],
  );
  const ENTRY = graphql(`query Entry($id: ID!) { entry(id: $id) { ...EntryFields } }`, [ENTRY_FIELDS]);

  it('lets a viewer read aggregates, but campaign.entries is FORBIDDEN', async () => {
    const viewer = await server.token('viewer', { sub: 'bureau-leader' });
    const rows = await participationOf(server, viewer, 2022, campaignId);
    expect(rowOf(rows, schoolA.id)).toMatchObject({ entries: 1, students: 1, enrolled: 300 });
    expect(rowOf(rows, schoolB.id)).toMatchObject({ entries: 1, students: 1 });

    const counts = await countsOf(server, viewer, campaignId);
    expect(counts).toMatchObject({ entryCount: 2, schoolCount: 2 });

    const entries = await server.graphql(CAMPAIGN_WITH_ENTRIES, { id: campaignId }, viewer);
    expect(entries.status).toBe(200);
    expect(codeOf(entries)).toBe('FORBIDDEN');
    expect(entries.errors?.[0]?.path).toEqual(['campaign', 'entries']);
    expect(JSON.stringify(entries)).not.toContain('甲校学生');
    expect(JSON.stringify(entries)).not.toContain('乙校学生');

    const single = await server.graphql(ENTRY, { id: entryA.id }, viewer);
    expect(codeOf(single)).toBe('FORBIDDEN');
    expect(JSON.stringify(single)).not.toContain('甲校学生');
  });

  it("lets a school see its own entries' participants and nothing of another school's entry", async () => {
    const seen = await server.graphql(CAMPAIGN_WITH_ENTRIES, { id: campaignId }, schoolA.token);
    expect(seen.errors).toBeUndefined();
    expect(dataOf(seen).campaign?.entries).toEqual([entryA]);
    expect(entryA.participants).toEqual([{ name: '甲校学生', role: 'STUDENT', grade: '五年级', key: null }]);

    const own = await server.graphql(ENTRY, { id: entryA.id }, schoolA.token);
    expect(dataOf(own).entry?.participants).toEqual(entryA.participants);

    const others = await server.graphql(ENTRY, { id: entryB.id }, schoolA.token);
    expect(others.data?.entry ?? null).toBeNull();
    expect(JSON.stringify(others)).not.toContain('乙校学生');

    const history = await server.graphql(
      `query($id: ID!) { entryHistory(entryId: $id) { type actor data } }`,
      { id: entryB.id },
      schoolA.token,
    );
    expect(dataOf(history).entryHistory).toEqual([]);
  });

  it('returns participants null with a FORBIDDEN error to a reader allowed the entry but not its names', async () => {
    // A judge of the campaign may read its entries but not the children's names: the field-level refusal.
    const assigned = await server.graphql(
      `mutation($i: AssignJudgeInput!) { assignJudge(input: $i) { id } }`,
      { i: { campaignId, judge: 'judge-wang' } },
      organizer.token,
    );
    expect(codeOf(assigned)).toBe('OK');
    const judge = await server.token('judge', { sub: 'judge-wang' });
    const result = await server.graphql(ENTRY, { id: entryB.id }, judge);
    expect(result.status).toBe(200);
    // Judged blind (the default), the judge does not learn the school either.
    expect(result.data?.entry).toMatchObject({ id: entryB.id, schoolId: null, participants: null });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(result.errors?.[0]?.path).toEqual(['entry', 'participants']);
    expect(JSON.stringify(result)).not.toContain('乙校学生');
  });

  it('shows the organizer every participant', async () => {
    const all = await server.graphql(CAMPAIGN_WITH_ENTRIES, { id: campaignId }, organizer.token);
    const names = dataOf(all).campaign?.entries.flatMap((entry) => entry.participants?.map((p) => p.name) ?? []);
    expect(names?.sort()).toEqual(['乙校学生', '甲校学生'].sort());
  });
});
