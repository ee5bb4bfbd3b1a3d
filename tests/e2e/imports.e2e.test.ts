import { graphql } from '@qingmiao/schema/graphql';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { BAD_ROWS, bureauSchools, SCHOOL_COLUMNS, studentsOf, workbookOf } from '../support/school-sheet.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const YEAR = 2022;

let server: TestServer;
let organizer: string;

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer');
});
afterAll(() => server?.stop());

const post = (path: string, body: Buffer | string, token = organizer, type = XLSX) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });

interface PreviewRow {
  row: number;
  key: string | null;
  actions: { command: string; input: Record<string, unknown> }[];
  errors: { code: string; field: string; column: string | null; value: string; message: string }[];
}

async function preview(path: string, file: Buffer | string, type = XLSX) {
  const answer = await post(path, file, organizer, type);
  expect(answer.status).toBe(200);
  return (await answer.json()) as {
    columns: string[];
    mapping: Record<string, string>;
    mappingProblems: unknown[];
    rows: PreviewRow[];
  };
}

/** The NDJSON lines of an import, in order. */
async function imported(path: string, file: Buffer | string, type = XLSX) {
  const answer = await post(path, file, organizer, type);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  return (await answer.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const SCHOOLS = graphql(`
  query ImportedSchools($year: Int!) {
    schools {
      id
      name
      kind
      private
      enrollments {
        year
        students
      }
    }
    participation(year: $year, groupBy: SCHOOL) {
      key
      enrolled
    }
  }
`);

describe('importing schools', () => {
  let workbook: Buffer;
  const rows = bureauSchools(100);
  const badRowNumbers = Object.values(BAD_ROWS).map((index) => index + 2);

  beforeAll(async () => {
    workbook = await workbookOf(SCHOOL_COLUMNS, rows);
  });

  it('refuses callers who are not organizers', async () => {
    const anonymous = await fetch(`${server.url}/imports/schools/preview`, { method: 'POST', body: 'x' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    for (const role of ['school', 'judge', 'viewer'] as const) {
      const token = await server.token(role, role === 'school' ? { schoolId: 'sch-001' } : {});
      const answer = await post('/imports/schools', workbook, token);
      expect(answer.status).toBe(403);
      expect(await answer.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it('offers a template with the header row and an example row that previews clean', async () => {
    const answer = await fetch(`${server.url}/imports/schools/template.xlsx`, {
      headers: { authorization: `Bearer ${organizer}` },
    });
    expect(answer.status).toBe(200);
    const template = Buffer.from(await answer.arrayBuffer());
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(template as unknown as ExcelJS.Buffer);
    const header = book.worksheets[0]?.getRow(1).values;
    expect(header).toEqual([undefined, '学校代码', '学校名称', '学校类型', '镇区', '是否民办', '在校学生数', '年度']);
    const plan = await preview('/imports/schools/preview', template);
    expect(plan.rows).toHaveLength(1);
    expect(plan.rows[0]?.errors).toEqual([]);
    expect(plan.rows[0]?.actions.map((action) => action.command)).toEqual(['registerSchool', 'recordEnrollment']);
  });

  it('previews the sheet: a mapping by header, and the three bad rows with their row, column and value', async () => {
    const plan = await preview(`/imports/schools/preview?year=${YEAR}`, workbook);
    expect(plan.columns).toEqual([...SCHOOL_COLUMNS]);
    expect(plan.mapping).toEqual({
      code: '学校代码',
      name: '学校名称',
      kind: '学校类型',
      town: '镇区',
      private: '是否民办',
      students: '在校学生数',
    });
    const bad = plan.rows.filter((row) => row.errors.length > 0);
    expect(bad.map((row) => [row.row, row.errors.map(({ code, column, value }) => [code, column, value])])).toEqual([
      [badRowNumbers[0], [['UNKNOWN_KIND', '学校类型', '大学']]],
      [badRowNumbers[1], [['DUPLICATE', '学校代码', 'sch-005']]],
      [badRowNumbers[2], [['BAD_NUMBER', '在校学生数', '三百']]],
    ]);
    expect(plan.rows.filter((row) => row.actions.length === 2)).toHaveLength(97);
    // Nothing was written.
    const { schools } = dataOf(await server.graphql(SCHOOLS, { year: YEAR }, organizer));
    expect(schools).toEqual([]);
  });

  it('writes nothing while rows have errors, unless asked to import the valid rows only', async () => {
    const refused = await post(`/imports/schools?year=${YEAR}`, workbook);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'rows' } });

    const lines = await imported(`/imports/schools?year=${YEAR}&validOnly=true`, workbook);
    expect(lines[0]).toEqual({ type: 'start', total: 100, valid: 97 });
    expect(lines.filter((line) => line.type === 'row')).toHaveLength(97);
    expect(lines.at(-1)).toEqual({ type: 'done', applied: 97, unchanged: 0, failed: 0, skipped: 3 });

    const { schools, participation } = dataOf(await server.graphql(SCHOOLS, { year: YEAR }, organizer));
    expect(schools).toHaveLength(97);
    const enrolled = new Map(participation.map((row) => [row.key, row.enrolled]));
    rows.forEach(([code], index) => {
      if (Object.values<number>(BAD_ROWS).includes(index)) return;
      expect(enrolled.get(String(code))).toBe(studentsOf(index));
    });
    expect(schools.find((school) => school.id === 'sch-001')).toMatchObject({ kind: 'PRIMARY', private: true });
    expect(schools.find((school) => school.id === 'sch-004')).toMatchObject({ kind: 'NINE_YEAR', private: false });
    expect(enrolled.has('sch-011')).toBe(false);
  });

  it('changes nothing when the same sheet is imported again', async () => {
    const before = (await server.server.qingmiao.store.headPosition()).commit;
    const lines = await imported(`/imports/schools?year=${YEAR}&validOnly=true`, workbook);
    expect(lines.filter((line) => line.type === 'row').every((line) => line.outcome === 'unchanged')).toBe(true);
    expect(lines.at(-1)).toEqual({ type: 'done', applied: 0, unchanged: 97, failed: 0, skipped: 3 });
    expect((await server.server.qingmiao.store.headPosition()).commit).toBe(before);
  });

  it('renames a school and records a new enrollment from a changed sheet, and the fixed rows as new schools', async () => {
    const fixed = rows.map((row) => [...row]);
    fixed[0] = ['sch-001', '太仓市第一实验学校', '小学', '城厢镇', '是', 300];
    fixed[1] = ['sch-002', '太仓市第2学校', '初中', '沙溪镇', '否', 400];
    fixed[BAD_ROWS.unknownKind] = ['sch-011', '太仓市第11学校', '高中', '城厢镇', '否', 500];
    fixed[BAD_ROWS.duplicateCode] = ['sch-021', '太仓市第21学校', '小学', '城厢镇', '否', 600];
    fixed[BAD_ROWS.badNumber] = ['sch-031', '太仓市第31学校', '小学', '城厢镇', '否', 700];
    const lines = await imported(`/imports/schools?year=${YEAR}`, await workbookOf(SCHOOL_COLUMNS, fixed));
    const applied = lines.filter((line) => line.outcome === 'applied');
    expect(applied.map((line) => [line.key, line.commands])).toEqual([
      ['sch-001', ['renameSchool']],
      ['sch-002', ['recordEnrollment']],
      ['sch-011', ['registerSchool', 'recordEnrollment']],
      ['sch-021', ['registerSchool', 'recordEnrollment']],
      ['sch-031', ['registerSchool', 'recordEnrollment']],
    ]);
    const { schools, participation } = dataOf(await server.graphql(SCHOOLS, { year: YEAR }, organizer));
    expect(schools).toHaveLength(100);
    expect(schools.find((school) => school.id === 'sch-001')?.name).toBe('太仓市第一实验学校');
    expect(participation.find((row) => row.key === 'sch-002')?.enrolled).toBe(400);
  });

  it('reads the year from a 年度 column, and a CSV as well as a workbook', async () => {
    const csv =
      '\uFEFF学校代码,学校名称,学校类型,镇区,在校学生数,年度\nsch-001,太仓市第一实验学校,小学,城厢镇,310,2023\n';
    const lines = await imported('/imports/schools', csv, 'text/csv');
    expect(lines.find((line) => line.type === 'row')).toMatchObject({
      outcome: 'applied',
      commands: ['recordEnrollment'],
    });
    const { participation } = dataOf(await server.graphql(SCHOOLS, { year: 2023 }, organizer));
    expect(participation.find((row) => row.key === 'sch-001')?.enrolled).toBe(310);
  });

  it('takes a mapping chosen by the user, and names the field of a bad one', async () => {
    const csv = 'code,学校,type,区\nsch-200,新学校,小学,城厢镇\n';
    const guessed = await preview('/imports/schools/preview', csv, 'text/csv');
    expect(guessed.mappingProblems).toEqual([
      { field: 'kind', message: 'needs a column' },
      { field: 'town', message: 'needs a column' },
    ]);
    const mapping = encodeURIComponent(JSON.stringify({ code: 'code', name: '学校', kind: 'type', town: '区' }));
    const chosen = await preview(`/imports/schools/preview?mapping=${mapping}`, csv, 'text/csv');
    expect(chosen.rows[0]?.actions.map((action) => action.command)).toEqual(['registerSchool']);

    const unknown = await post(`/imports/schools/preview?mapping=${encodeURIComponent('{"colour":"code"}')}`, csv);
    expect(await unknown.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'mapping.colour' } });
    const missing = await post(`/imports/schools?mapping=${encodeURIComponent('{"code":"nope"}')}`, csv);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'mapping.code' } });
    const broken = await post('/imports/schools/preview?mapping=%7B', csv);
    expect(await broken.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'mapping' } });
    const badYear = await post('/imports/schools/preview?year=1800', csv);
    expect(await badYear.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'year' } });
  });

  it('refuses an empty body, an unreadable file and one over the size limit', async () => {
    expect(await (await post('/imports/schools/preview', '')).json()).toMatchObject({ error: { field: 'file' } });
    const broken = await post('/imports/schools/preview', Buffer.from('PK\u0003\u0004 broken'));
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'file' } });
    const huge = await post('/imports/schools/preview', Buffer.alloc(6 * 1024 * 1024, 'a'));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'file' } });
  });
});

describe('importing lecturers', () => {
  it('registers the lecturers of a sheet once, and reports a school that does not exist', async () => {
    const file = await workbookOf(
      ['讲师姓名', '讲题/专长', '原任教学校代码'],
      [
        ['王秀英', '党史、家风家训', 'sch-001'],
        ['李建国', '科普', ''],
        ['赵老师', '安全', 'nowhere'],
      ],
    );
    const first = await imported('/imports/lecturers?validOnly=true', file);
    expect(first.at(-1)).toEqual({ type: 'done', applied: 2, unchanged: 0, failed: 0, skipped: 1 });
    const again = await imported('/imports/lecturers?validOnly=true', file);
    expect(again.at(-1)).toEqual({ type: 'done', applied: 0, unchanged: 2, failed: 0, skipped: 1 });
    const { lecturers } = dataOf(
      await server.graphql(
        graphql(`query ImportedLecturers { lecturers { name topics formerSchoolId } }`),
        {},
        organizer,
      ),
    );
    expect(lecturers).toEqual(
      expect.arrayContaining([
        { name: '王秀英', topics: ['党史', '家风家训'], formerSchoolId: 'sch-001' },
        { name: '李建国', topics: ['科普'], formerSchoolId: null },
      ]),
    );
    expect(lecturers).toHaveLength(2);
  });
});
