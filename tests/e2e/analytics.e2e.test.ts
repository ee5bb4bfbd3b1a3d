import { randomUUID } from 'node:crypto';
import { ParticipationGrouping } from '@qingmiao/schema';
import { graphql } from '@qingmiao/schema/graphql';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Checked, dataOf, type Operation, type VariablesFor } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * Year-end figures checked against numbers computed here, independently of the read models, from a small year
 * whose every entry, participant and lecture the test knows.
 */
interface PlannedSchool {
  id: string;
  name: string;
  kind: 'PRIMARY' | 'JUNIOR_HIGH' | 'MIGRANT';
  town: string;
  enrolled?: number;
}
interface Person {
  name: string;
  role: 'STUDENT' | 'TEACHER' | 'RETIRED_TEACHER';
  grade?: string;
  key?: string;
}
interface PlannedEntry {
  school: string;
  campaign: 'essay' | 'show';
  people: Person[];
  withdrawn?: boolean;
  prize?: 'FIRST' | 'SECOND';
}

const YEAR = 2022;
const schools: PlannedSchool[] = [
  { id: 'a-shiyan', name: '实验小学', kind: 'PRIMARY', town: '城厢镇', enrolled: 100 },
  { id: 'b-dongmen', name: '东门小学', kind: 'PRIMARY', town: '城厢镇', enrolled: 50 },
  { id: 'c-shaxi', name: '沙溪中学', kind: 'JUNIOR_HIGH', town: '沙溪镇', enrolled: 80 },
  { id: 'd-minggong', name: '新苗学校', kind: 'MIGRANT', town: '沙溪镇' },
  { id: 'e-liuhe', name: '浏河小学', kind: 'PRIMARY', town: '浏河镇', enrolled: 40 },
];
const ming: Person = { name: '李明', role: 'STUDENT', grade: '五年级' };
const entries: PlannedEntry[] = [
  {
    school: 'a-shiyan',
    campaign: 'essay',
    people: [ming, { name: '王芳', role: 'STUDENT', grade: '四年级' }],
    prize: 'FIRST',
  },
  // The same child (name + grade) in a second entry counts once; a keyed child is told apart from a namesake.
  { school: 'a-shiyan', campaign: 'show', people: [ming, { name: '张老', role: 'RETIRED_TEACHER' }] },
  { school: 'a-shiyan', campaign: 'essay', people: [{ name: '李明', role: 'STUDENT', grade: '三年级', key: 'S003' }] },
  {
    school: 'b-dongmen',
    campaign: 'essay',
    people: [{ name: '李明', role: 'STUDENT', grade: '五年级' }],
    withdrawn: true,
  },
  {
    school: 'b-dongmen',
    campaign: 'show',
    people: [
      { name: '陈静', role: 'STUDENT', key: 'B1' },
      { name: '周老师', role: 'TEACHER' },
    ],
  },
  { school: 'c-shaxi', campaign: 'essay', people: [{ name: '赵强', role: 'STUDENT', key: 'C1' }], prize: 'SECOND' },
  {
    school: 'd-minggong',
    campaign: 'show',
    people: [
      { name: '孙悦', role: 'STUDENT', grade: '二年级' },
      { name: '钱老', role: 'RETIRED_TEACHER' },
    ],
  },
];
const lectures = [
  { school: 'c-shaxi', audience: 200 },
  { school: 'e-liuhe', audience: 90 },
  { school: 'e-liuhe', audience: 60 },
  { school: undefined, audience: 40 },
];

interface Figures {
  schools: number;
  entries: number;
  students: number;
  participants: number;
  retiredTeachers: number;
  enrolled: number | null;
  participationRate: number | null;
  awards: number;
  lecturesDelivered: number;
  audience: number;
}

/** The figures of a set of schools, computed from the plan. */
function expected(
  schoolIds: readonly string[],
  options: { campaign?: PlannedEntry['campaign']; withdrawnToo?: boolean } = {},
): Figures {
  const live = entries.filter(
    (e) =>
      schoolIds.includes(e.school) &&
      (!e.withdrawn || options.withdrawnToo) &&
      (!options.campaign || e.campaign === options.campaign),
  );
  const who = (e: PlannedEntry, p: Person) => `${e.school}/${p.key ?? `${p.name}/${p.grade ?? ''}`}`;
  const distinct = (role?: Person['role']) =>
    new Set(live.flatMap((e) => e.people.filter((p) => !role || p.role === role).map((p) => who(e, p)))).size;
  const hosted = options.campaign ? [] : lectures.filter((l) => l.school && schoolIds.includes(l.school));
  const enrolledSchools = schools.filter((s) => schoolIds.includes(s.id) && s.enrolled !== undefined);
  const enrolled = enrolledSchools.length ? enrolledSchools.reduce((sum, s) => sum + (s.enrolled ?? 0), 0) : null;
  const students = distinct('STUDENT');
  return {
    schools: new Set([...live.map((e) => e.school), ...hosted.map((l) => l.school)]).size,
    entries: live.length,
    students,
    participants: distinct(),
    retiredTeachers: distinct('RETIRED_TEACHER'),
    enrolled,
    participationRate: enrolled ? students / enrolled : null,
    awards: live.filter((e) => e.prize).length,
    lecturesDelivered: hosted.length,
    audience: hosted.reduce((sum, l) => sum + l.audience, 0),
  };
}

const PARTICIPATION = graphql(`query Participation($year: Int!, $groupBy: ParticipationGrouping!, $asOf: DateTime) {
  participation(year: $year, groupBy: $groupBy, asOf: $asOf) {
    key label schools entries students participants retiredTeachers enrolled participationRate awards
    lecturesDelivered audience
  }
}`);

let server: TestServer;
let organizer: string;
let viewer: string;
const campaignIds = {
  essay: `essay-${randomUUID().slice(0, 6)}`,
  show: `show-${randomUUID().slice(0, 6)}`,
  talks: `talks-${randomUUID().slice(0, 6)}`,
};
const entryIds: string[] = [];
let beforeWithdrawal: string;

async function ok<O extends Operation>(token: string, operation: O & Checked<O>, variables?: VariablesFor<O>) {
  return dataOf(await server.graphql<O>(operation, variables, token));
}

/** As the office reads them: awards of campaigns not yet published count for organizers only (judging-access tests). */
const participation = (groupBy: ParticipationGrouping, asOf?: string) =>
  ok(organizer, PARTICIPATION, { year: YEAR, groupBy, asOf }).then((data) => data.participation);

function rowOf<Row extends { key: string }>(rows: readonly Row[], key: string): Row {
  const row = rows.find((candidate) => candidate.key === key);
  if (!row) throw new Error(`no row ${key}`);
  return row;
}

const figuresOf = ({ key: _key, label: _label, ...figures }: Figures & { key: string; label: string }): Figures =>
  figures;

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer');
  viewer = await server.token('viewer');
  for (const s of schools) {
    await ok(organizer, `mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }`, {
      i: { id: s.id, name: s.name, kind: s.kind, town: s.town },
    });
    if (s.enrolled !== undefined) {
      await ok(
        organizer,
        `mutation { recordEnrollment(input: {schoolId: "${s.id}", year: ${YEAR}, students: ${s.enrolled}}) { year } }`,
      );
    }
  }
  const closesAt = new Date(Date.now() + 3_600_000).toISOString();
  for (const [name, id] of Object.entries(campaignIds)) {
    const kind = name === 'essay' ? 'ESSAY' : name === 'show' ? 'PERFORMANCE' : 'LECTURE';
    await ok(organizer, `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
      i: {
        id,
        kind,
        title: `${name} 活动`,
        year: YEAR,
        opensAt: '2022-01-01T00:00:00+08:00',
        closesAt,
        ...(kind === 'LECTURE' ? { targetSessions: 10 } : {}),
        ...(kind === 'ESSAY' ? { awardQuota: 0.75 } : {}),
      },
    });
    await ok(organizer, `mutation { openCampaign(input: {id: "${id}"}) { id } }`);
  }
  for (const entry of entries) {
    const data = await ok(
      organizer,
      graphql(`mutation Submit($i: SubmitEntryInput!) { submitEntry(input: $i) { id } }`),
      {
        i: {
          submissionId: randomUUID(),
          campaignId: campaignIds[entry.campaign],
          schoolId: entry.school,
          title: '作品',
          participants: entry.people,
          ...(entry.campaign === 'show' ? { performance: { genre: '合唱', durationMinutes: 5 } } : {}),
        },
      },
    );
    entryIds.push(data.submitEntry.id);
  }
  await ok(organizer, `mutation { registerLecturer(input: {id: "lecturer-1", name: "张建国"}) { id } }`);
  for (const [i, lecture] of lectures.entries()) {
    const scheduled = await ok(
      organizer,
      graphql(`mutation Schedule($i: ScheduleLectureInput!) { scheduleLecture(input: $i) { id } }`),
      {
        i: {
          lectureId: `k${i}`,
          campaignId: campaignIds.talks,
          lecturerId: 'lecturer-1',
          topic: '党史',
          scheduledAt: '2022-05-04T09:00:00+08:00',
          ...(lecture.school ? { schoolId: lecture.school } : { venue: '东门社区' }),
        },
      },
    );
    await ok(
      organizer,
      `mutation { recordLectureDelivered(input: {lectureId: "${scheduled.scheduleLecture.id}", audience: ${lecture.audience}, durationMinutes: 45}) { id } }`,
    );
  }
  await ok(organizer, `mutation { closeCampaign(input: {id: "${campaignIds.essay}"}) { id } }`);
  for (const [i, entry] of entries.entries()) {
    if (entry.prize)
      await ok(organizer, `mutation { awardEntry(input: {entryId: "${entryIds[i]}", prize: ${entry.prize}}) { id } }`);
  }
  // The withdrawal comes last, so an as-of query just before it shows the entry still live.
  await new Promise((resolve) => setTimeout(resolve, 20));
  beforeWithdrawal = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const withdrawn = entries.findIndex((e) => e.withdrawn);
  await ok(
    organizer,
    `mutation { withdrawEntry(input: {entryId: "${entryIds[withdrawn]}", reason: "重复提交"}) { id } }`,
  );
});

afterAll(async () => {
  await server?.stop();
});

describe('participation', () => {
  it('per school, with schools without activity listed with zeros', async () => {
    const rows = await participation('SCHOOL');
    expect(rows.map((row) => row.key)).toEqual(schools.map((s) => s.id));
    for (const row of rows) expect(figuresOf(row), row.key).toEqual(expected([row.key]));
    expect(rows.find((row) => row.key === 'e-liuhe')).toMatchObject({ entries: 0, students: 0, lecturesDelivered: 2 });
  });

  it('per town and per school kind', async () => {
    for (const [grouping, keyOf] of [
      ['TOWN', (s: PlannedSchool) => s.town],
      ['SCHOOL_KIND', (s: PlannedSchool) => s.kind],
    ] as const) {
      const rows = await participation(grouping);
      const keys = [...new Set(schools.map(keyOf))].sort();
      expect(rows.map((row) => row.key)).toEqual(keys);
      for (const row of rows) {
        expect(figuresOf(row), `${grouping} ${row.key}`).toEqual(
          expected(schools.filter((s) => keyOf(s) === row.key).map((s) => s.id)),
        );
      }
    }
    const kinds = await participation('SCHOOL_KIND');
    expect(kinds.find((row) => row.key === 'MIGRANT')?.label).toBe('民工子弟学校');
  });

  it('per campaign, with students of the eligible schools as the denominator', async () => {
    const rows = await participation('CAMPAIGN');
    const all = schools.map((s) => s.id);
    const essay = rows.find((row) => row.key === campaignIds.essay);
    expect(essay).toMatchObject({
      ...expected(all, { campaign: 'essay' }),
      lecturesDelivered: 0,
      participationRate: 4 / 270,
    });
    const talks = rows.find((row) => row.key === campaignIds.talks);
    expect(talks).toMatchObject({ entries: 0, lecturesDelivered: lectures.length, audience: 390, schools: 2 });
  });

  it('says what each campaign takes, from its kind', async () => {
    const query = graphql(`query Takes($year: Int!) { campaigns(year: $year) { id kind takes } }`);
    const { campaigns } = await ok(viewer, query, { year: YEAR });
    const takes = (id: string) => campaigns.find((campaign) => campaign.id === id)?.takes;
    expect([takes(campaignIds.essay), takes(campaignIds.show), takes(campaignIds.talks)]).toEqual([
      'ENTRIES',
      'ENTRIES',
      'LECTURES',
    ]);
  });

  it('for the whole year as one row, lectures at community venues included', async () => {
    const totals = graphql(`query Totals($year: Int!, $campaignId: ID) {
      participationTotals(year: $year, campaignId: $campaignId) {
        key label schools entries students participants retiredTeachers enrolled participationRate awards
        lecturesDelivered audience
      }
    }`);
    const all = schools.map((s) => s.id);
    const year = (await ok(organizer, totals, { year: YEAR })).participationTotals;
    expect(year).toEqual({
      key: String(YEAR),
      label: String(YEAR),
      ...expected(all),
      lecturesDelivered: lectures.length,
      audience: lectures.reduce((sum, lecture) => sum + lecture.audience, 0),
    });
    const essay = (await ok(organizer, totals, { year: YEAR, campaignId: campaignIds.essay })).participationTotals;
    expect(figuresOf(essay)).toEqual(expected(all, { campaign: 'essay' }));
  });

  it('per month in China Standard Time, every month of the year listed', async () => {
    const rows = await participation('MONTH');
    const thisMonth = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    for (let month = 1; month <= 12; month++)
      expect(rows.map((r) => r.key)).toContain(`2022-${String(month).padStart(2, '0')}`);
    // Lectures count in the month they were held (May 2022), community ones too; entries when submitted.
    expect(rows.find((row) => row.key === '2022-05')).toMatchObject({ lecturesDelivered: lectures.length, entries: 0 });
    expect(rows.find((row) => row.key === thisMonth)?.entries).toBe(entries.filter((e) => !e.withdrawn).length);
  });

  it('ranks groups by any figure', async () => {
    const data = await ok(
      viewer,
      graphql(`query Ranked($year: Int!) {
        participation(year: $year, rankBy: participationRate) { key rank participationRate }
      }`),
      { year: YEAR },
    );
    const rates = data.participation.map((row) => row.participationRate ?? Number.NEGATIVE_INFINITY);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    const best = [...schools].sort(
      (a, b) => (expected([b.id]).participationRate ?? -1) - (expected([a.id]).participationRate ?? -1),
    )[0];
    expect(data.participation[0]).toMatchObject({ key: best?.id, rank: 1 });
  });

  it('as of a past moment: before the withdrawal the entry still counts', async () => {
    const now = await participation('SCHOOL');
    const then = await participation('SCHOOL', beforeWithdrawal);
    expect(figuresOf(rowOf(now, 'b-dongmen'))).toEqual(expected(['b-dongmen']));
    expect(figuresOf(rowOf(then, 'b-dongmen'))).toEqual(expected(['b-dongmen'], { withdrawnToo: true }));
    const beforeEverything = await participation('SCHOOL', '2020-01-01T00:00:00Z');
    expect(beforeEverything).toEqual([]);
    // The same moment again is answered from the cache and stays the same.
    expect(await participation('SCHOOL', beforeWithdrawal)).toEqual(then);
  });
});

describe('exports', () => {
  const download = (path: string, token: string | null = organizer) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('writes one xlsx sheet per grouping with Chinese headers, number formats and a frozen header', async () => {
    const response = await download(`/reports/participation.xlsx?year=${YEAR}`);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      '按学校',
      '按镇区',
      '按学校类型',
      '按活动',
      '按月份',
    ]);
    const sheet = workbook.getWorksheet('按学校');
    if (!sheet) throw new Error('no sheet');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual([
      '学校代码',
      '名称',
      '参与学校数',
      '作品数',
      '参与学生数',
      '参与人数',
      '退休教师数',
      '在校学生数',
      '参与率',
      '获奖数',
      '一等奖',
      '二等奖',
      '三等奖',
      '优秀奖',
      '讲座场次',
      '受众人数',
    ]);
    const rows = await participation('SCHOOL');
    rows.forEach((row, i) => {
      const cells = (sheet.getRow(i + 2).values as unknown[]).slice(1);
      expect(cells[0]).toBe(row.key);
      expect(cells[4]).toBe(row.students);
      expect(cells[8] ?? null).toBe(row.participationRate);
    });
    expect(sheet.getRow(2).getCell(9).numFmt).toBe('0.0%');
  });

  it('writes CSV with a byte order mark that parses back to the same figures', async () => {
    const response = await download(`/reports/participation.csv?year=${YEAR}&groupBy=TOWN`);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(Buffer.from(bytes), { bom: true, columns: true }) as Record<string, string>[];
    const rows = await participation('TOWN');
    expect(records.map((r) => [r['镇/区'], Number(r.参与学生数), Number(r.讲座场次)])).toEqual(
      rows.map((row) => [row.key, row.students, row.lecturesDelivered]),
    );
  });

  it('needs a token and names a bad parameter', async () => {
    expect((await download(`/reports/participation.csv?year=${YEAR}`, null)).status).toBe(401);
    const bad = await download('/reports/participation.csv?year=2022&groupBy=CITY');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'groupBy' } });
  });
});

describe('rebuild', () => {
  it('serves identical figures from a rebuilt generation', async () => {
    const groupings = ParticipationGrouping.options;
    const before = await Promise.all(groupings.map((g) => participation(g)));
    const report = await ok(organizer, graphql('mutation Rebuild { rebuildReadModels { generation position } }'));
    expect(report.rebuildReadModels.generation).toMatch(/\.db$/);
    expect(await Promise.all(groupings.map((g) => participation(g)))).toEqual(before);
    await expect(
      server.graphql('mutation { rebuildReadModels { generation } }', undefined, viewer),
    ).resolves.toMatchObject({
      errors: [{ extensions: { code: 'FORBIDDEN' } }],
    });
  });
});
