import { graphql } from '@qingmiao/schema/graphql';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { entryInput, Organizer, submit } from './qingmiao-client.ts';

/**
 * Who read children's names, over real HTTP: every read of an entry's participants outside the entry's own school
 * (GraphQL fields at any depth, the entry's history, the winners list and its workbook) is in the access log once
 * per request and entry; a participant's key goes back to its own school only, on every path.
 */
let server: TestServer;
let organizer: Organizer;
let officeToken: string;
let campaignId: string;
const schools: { id: string; token: string; entryId: string; key: string }[] = [];

const ACCESS_LOG = graphql(`
  query ReadsLog($from: DateTime!, $to: DateTime!, $actor: String) {
    accessLog(from: $from, to: $to, actor: $actor, limit: 1000) { actor role action subject }
  }
`);

const started = Date.now();
/** The access-log entries of `actor`, oldest first. */
async function logOf(actor: string) {
  const window = { from: new Date(started - 3_600_000).toISOString(), to: new Date(started + 3_600_000).toISOString() };
  const entries = dataOf(await server.graphql(ACCESS_LOG, { ...window, actor }, officeToken)).accessLog;
  return entries.reverse();
}
const reads = (...entryIds: string[]) =>
  entryIds.map((subject) => ({ actor: 'reads-office', role: 'organizer', action: 'READ_PARTICIPANTS', subject }));

const EVERY_WAY = graphql(`
  query EveryWay($campaignId: ID!, $entryId: ID!) {
    campaign(id: $campaignId) {
      entries { id participants { name key } }
      again: entries { participants { name } }
      leaderboard { participants { name } }
    }
    entry(id: $entryId) { participants { name key } }
    entryHistory(entryId: $entryId) { type data }
  }
`);

const OWN = graphql(`
  query Own($entryId: ID!) {
    entry(id: $entryId) { participants { name key } }
    entryHistory(entryId: $entryId) { data }
  }
`);

beforeAll(async () => {
  server = await startTestServer();
  officeToken = await server.token('organizer', { sub: 'reads-office' });
  organizer = new Organizer(server, officeToken);
  campaignId = await organizer.openedCampaign();
  for (const key of ['XH-0001', 'YC-0002']) {
    const school = await organizer.schoolWithToken();
    const input = entryInput(campaignId, school.id, {
      participants: [{ name: `学生${key}`, role: 'STUDENT', grade: '五年级', key }],
    });
    const entryId = dataOf(await submit(server, school.token, input)).submitEntry.id;
    schools.push({ ...school, entryId, key });
  }
});

afterAll(async () => {
  await server?.stop();
});

describe('reads of participants in the access log', () => {
  it("records nothing of a school reading its own entries, which alone carry the participants' keys", async () => {
    const [own] = schools;
    if (!own) throw new Error('no school');
    const answer = dataOf(await server.graphql(OWN, { entryId: own.entryId }, own.token));
    expect(answer.entry?.participants).toEqual([{ name: `学生${own.key}`, key: own.key }]);
    expect(answer.entryHistory[0]?.data).toContain(own.key);
    expect(await logOf(`contact-${own.id}`)).toEqual([]);
  });

  it('records an organizer reading names once per request and entry, however often the request names them', async () => {
    const [first, second] = schools;
    if (!first || !second) throw new Error('no schools');
    const variables = { campaignId, entryId: first.entryId };
    const before = (await logOf('reads-office')).length;
    const answer = dataOf(await server.graphql(EVERY_WAY, variables, officeToken));
    const added = (await logOf('reads-office')).slice(before);
    expect(added).toEqual(reads(first.entryId, second.entryId));
    // No key to the office, on any path.
    expect(answer.campaign?.entries.flatMap((entry) => entry.participants?.map((p) => p.key) ?? [])).toEqual([
      null,
      null,
    ]);
    expect(answer.entry?.participants).toEqual([{ name: `学生${first.key}`, key: null }]);
    const [submitted] = answer.entryHistory;
    expect(submitted?.type).toBe('EntrySubmitted');
    expect(JSON.parse(submitted?.data ?? '{}').participants).toEqual([
      { name: `学生${first.key}`, role: 'STUDENT', grade: '五年级' },
    ]);
    // The same request again is read again: such answers are never served from the response cache.
    dataOf(await server.graphql(EVERY_WAY, variables, officeToken));
    expect((await logOf('reads-office')).slice(before)).toEqual(
      reads(first.entryId, second.entryId, first.entryId, second.entryId),
    );
  });

  it('records nothing when no name is read: entries without participants, history without data', async () => {
    const [first] = schools;
    if (!first) throw new Error('no school');
    const before = (await logOf('reads-office')).length;
    dataOf(
      await server.graphql(
        graphql(`query Nameless($campaignId: ID!, $entryId: ID!) {
          campaign(id: $campaignId) { entries { id title } }
          entryHistory(entryId: $entryId) { type actor }
        }`),
        { campaignId, entryId: first.entryId },
        officeToken,
      ),
    );
    expect((await logOf('reads-office')).slice(before)).toEqual([]);
  });

  it('records nothing of a judge, to whom names are FORBIDDEN', async () => {
    const [first] = schools;
    if (!first) throw new Error('no school');
    dataOf(
      await server.graphql(
        graphql(`mutation AssignReader($input: AssignJudgeInput!) { assignJudge(input: $input) { id } }`),
        { input: { campaignId, judge: 'reads-judge' } },
        officeToken,
      ),
    );
    const judge = await server.token('judge', { sub: 'reads-judge' });
    const answer = await server.graphql(OWN, { entryId: first.entryId }, judge);
    expect(codeOf(answer)).toBe('FORBIDDEN');
    expect(await logOf('reads-judge')).toEqual([]);
  });

  it('records the winners list: each named entry, and the workbook as an export with the entries it names', async () => {
    const [first, second] = schools;
    if (!first || !second) throw new Error('no schools');
    await organizer.closeCampaign(campaignId);
    dataOf(
      await server.graphql(
        graphql(`mutation AwardRead($input: AwardEntryInput!) { awardEntry(input: $input) { id } }`),
        { input: { entryId: second.entryId, prize: 'FIRST' } },
        officeToken,
      ),
    );
    const before = (await logOf('reads-office')).length;
    const winners = dataOf(
      await server.graphql(
        graphql(`query NamedWinners($year: Int!) { winners(year: $year) { entryId participants { name key } } }`),
        { year: 2022 },
        officeToken,
      ),
    ).winners;
    expect(winners).toEqual([{ entryId: second.entryId, participants: [{ name: `学生${second.key}`, key: null }] }]);
    const workbook = await fetch(`${server.url}/reports/winners.xlsx?year=2022`, {
      headers: { authorization: `Bearer ${officeToken}` },
    });
    expect(workbook.status).toBe(200);
    const bytes = Buffer.from(await workbook.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
    const zip = await fetch(`${server.url}/reports/campaigns/${campaignId}/files.zip`, {
      headers: { authorization: `Bearer ${officeToken}` },
    });
    expect(zip.status).toBe(200);
    await zip.arrayBuffer();
    expect((await logOf('reads-office')).slice(before)).toEqual([
      ...reads(second.entryId),
      { actor: 'reads-office', role: 'organizer', action: 'EXPORT', subject: '/reports/winners.xlsx' },
      ...reads(second.entryId),
      {
        actor: 'reads-office',
        role: 'organizer',
        action: 'EXPORT',
        subject: `/reports/campaigns/${campaignId}/files.zip`,
      },
    ]);
  });

  it("exports a viewer's reports without names, and records them as exports only", async () => {
    dataOf(
      await server.graphql(
        graphql(`mutation PublishRead($input: PublishResultsInput!) { publishResults(input: $input) { id } }`),
        { input: { id: campaignId } },
        officeToken,
      ),
    );
    const viewer = await server.token('viewer', { sub: 'reads-leader' });
    const download = async (path: string) => {
      const answer = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
      expect(answer.status).toBe(200);
      return answer.arrayBuffer();
    };
    const csv = Buffer.from(await download('/reports/participation.csv?year=2022')).toString('utf8');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await download('/reports/winners.xlsx?year=2022'));
    const cells: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))));
    // The published award is listed, by title and school, without its participants.
    expect(cells).toContain('我心中的勋章');
    for (const text of [csv, cells.join('\n')]) {
      for (const { key } of schools) {
        expect(text).not.toContain(`学生${key}`);
        expect(text).not.toContain(key);
      }
    }
    expect((await logOf('reads-leader')).map((entry) => entry.action)).toEqual(['EXPORT', 'EXPORT']);
  });
});
