import type { EnrollmentRow, LecturerRow, SchoolRow } from '@qingmiao/projections';
import { describe, expect, it } from 'vitest';
import { LECTURER_FIELDS, SCHOOL_FIELDS, suggestMapping } from '../src/imports/columns.ts';
import { planLecturers, planSchools, type SchoolAction, schoolKindOf, validRows } from '../src/imports/plan.ts';
import type { Sheet } from '../src/imports/sheet.ts';

const COLUMNS = ['学校代码', '学校名称', '学校类型', '镇区', '是否民办', '在校学生数'];

/** A sheet with the bureau's columns; row numbers start at 2, under the header. */
const sheetOf = (rows: readonly (readonly string[])[], columns = COLUMNS): Sheet => ({
  columns,
  rows: rows.map((values, i) => ({
    row: i + 2,
    cells: Object.fromEntries(columns.map((column, j) => [column, values[j] ?? ''])),
  })),
});

/** A registry that applies the planned commands, as the domain would. */
function registry(schools: SchoolRow[] = [], enrollments: EnrollmentRow[] = []) {
  return {
    school: (id: string) => schools.find((school) => school.id === id),
    enrollment: (schoolId: string, year: number) =>
      enrollments.find((row) => row.schoolId === schoolId && row.year === year),
    apply(actions: readonly SchoolAction[]) {
      for (const action of actions) {
        if (action.command === 'registerSchool') {
          schools.push({ ...action.input, private: action.input.private ?? false });
        } else if (action.command === 'renameSchool') {
          const index = schools.findIndex((school) => school.id === action.input.schoolId);
          const school = schools[index];
          if (school) schools[index] = { ...school, name: action.input.name };
        } else {
          const index = enrollments.findIndex(
            (r) => r.schoolId === action.input.schoolId && r.year === action.input.year,
          );
          if (index >= 0) enrollments.splice(index, 1);
          enrollments.push(action.input);
        }
      }
    },
  };
}

const mapping = suggestMapping(SCHOOL_FIELDS, COLUMNS);

describe('planSchools', () => {
  it('suggests a column for each field by its header', () => {
    expect(mapping).toEqual({
      code: '学校代码',
      name: '学校名称',
      kind: '学校类型',
      town: '镇区',
      private: '是否民办',
      students: '在校学生数',
    });
    expect(suggestMapping(SCHOOL_FIELDS, ['学校 代码', '名称', 'Kind', '镇 区', '民办', '学生数', '年度'])).toEqual({
      code: '学校 代码',
      name: '名称',
      kind: 'Kind',
      town: '镇 区',
      private: '民办',
      students: '学生数',
      year: '年度',
    });
  });

  it('registers new schools and records their enrollment', () => {
    const plan = planSchools(
      sheetOf([
        ['tc-shiyan', '太仓市实验小学', '小学', '城厢镇', '否', '1,200'],
        ['tc-xinmiao', '新苗学校', '随迁子女学校', '沙溪镇', '是', ''],
        ['tc-9', '九年制学校', 'NINE_YEAR', '浏河镇', '', '800'],
      ]),
      mapping,
      registry(),
      2022,
    );
    expect(plan).toEqual([
      {
        row: 2,
        key: 'tc-shiyan',
        errors: [],
        actions: [
          {
            command: 'registerSchool',
            input: { id: 'tc-shiyan', name: '太仓市实验小学', kind: 'PRIMARY', town: '城厢镇', private: false },
          },
          { command: 'recordEnrollment', input: { schoolId: 'tc-shiyan', year: 2022, students: 1200 } },
        ],
      },
      {
        row: 3,
        key: 'tc-xinmiao',
        errors: [],
        actions: [
          {
            command: 'registerSchool',
            input: { id: 'tc-xinmiao', name: '新苗学校', kind: 'MIGRANT', town: '沙溪镇', private: true },
          },
        ],
      },
      {
        row: 4,
        key: 'tc-9',
        errors: [],
        actions: [
          {
            command: 'registerSchool',
            input: { id: 'tc-9', name: '九年制学校', kind: 'NINE_YEAR', town: '浏河镇', private: false },
          },
          { command: 'recordEnrollment', input: { schoolId: 'tc-9', year: 2022, students: 800 } },
        ],
      },
    ]);
  });

  it('reports each bad row with its row number, column and value', () => {
    const plan = planSchools(
      sheetOf([
        ['tc-a', '甲小学', '大学', '城厢镇', '否', '100'],
        ['tc-b', '乙小学', '小学', '城厢镇', '否', '一百'],
        ['tc-a', '丙小学', '小学', '城厢镇', '否', '100'],
        ['', '丁小学', '小学', '', '也许', '12.5'],
        ['TC C', '戊小学', '小学', '城厢镇', '', '200000'],
      ]),
      mapping,
      registry(),
      2022,
    );
    const errors = plan.map((row) => row.errors.map(({ code, column, value }) => [row.row, code, column, value]));
    expect(errors).toEqual([
      [[2, 'UNKNOWN_KIND', '学校类型', '大学']],
      [[3, 'BAD_NUMBER', '在校学生数', '一百']],
      [[4, 'DUPLICATE', '学校代码', 'tc-a']],
      [
        [5, 'MISSING', '学校代码', ''],
        [5, 'MISSING', '镇区', ''],
        [5, 'BAD_VALUE', '是否民办', '也许'],
        [5, 'BAD_NUMBER', '在校学生数', '12.5'],
      ],
      [
        [6, 'BAD_VALUE', '学校代码', 'TC C'],
        [6, 'BAD_NUMBER', '在校学生数', '200000'],
      ],
    ]);
    expect(plan[2]?.errors[0]?.message).toBe('code: tc-a is also on row 2');
    expect(plan.every((row) => row.actions.length === 0)).toBe(true);
    expect(validRows(plan)).toEqual([]);
  });

  it('plans nothing for a sheet imported already, a rename for a new name and a new enrollment for a new count', () => {
    const sheet = sheetOf([
      ['tc-a', '甲小学', '小学', '城厢镇', '否', '100'],
      ['tc-b', '乙中学', '初中', '沙溪镇', '是', '300'],
    ]);
    const known = registry();
    known.apply(planSchools(sheet, mapping, known, 2022).flatMap((row) => row.actions));
    expect(planSchools(sheet, mapping, known, 2022).map((row) => row.actions)).toEqual([[], []]);

    const changed = sheetOf([
      ['tc-a', '甲小学', '小学', '城厢镇', '否', '120'],
      ['tc-b', '太仓市乙中学', '初中', '沙溪镇', '是', '300'],
    ]);
    const plan = planSchools(changed, mapping, known, 2022);
    expect(plan.map((row) => row.actions)).toEqual([
      [{ command: 'recordEnrollment', input: { schoolId: 'tc-a', year: 2022, students: 120 } }],
      [{ command: 'renameSchool', input: { schoolId: 'tc-b', name: '太仓市乙中学' } }],
    ]);
    known.apply(plan.flatMap((row) => row.actions));
    expect(planSchools(changed, mapping, known, 2022).map((row) => row.actions)).toEqual([[], []]);
    // Another year is another enrollment.
    expect(planSchools(changed, mapping, known, 2023).map((row) => row.actions.map((a) => a.command))).toEqual([
      ['recordEnrollment'],
      ['recordEnrollment'],
    ]);
  });

  it('refuses a row that would change what a registered school is', () => {
    const known = registry([{ id: 'tc-a', name: '甲小学', kind: 'PRIMARY', town: '城厢镇', private: false }]);
    const [row] = planSchools(sheetOf([['tc-a', '甲小学', '初中', '沙溪镇', '否', '']]), mapping, known, 2022);
    expect(row?.errors.map((error) => [error.code, error.column])).toEqual([
      ['DIFFERS', '学校类型'],
      ['DIFFERS', '镇区'],
    ]);
    // A sheet without a 民办 column says nothing about it.
    const privateSchool = registry([{ id: 'tc-p', name: '民办学校', kind: 'PRIMARY', town: '城厢镇', private: true }]);
    const columns = ['学校代码', '学校名称', '学校类型', '镇区'];
    const withoutPrivate = planSchools(
      sheetOf([['tc-p', '民办学校', '小学', '城厢镇']], columns),
      suggestMapping(SCHOOL_FIELDS, columns),
      privateSchool,
      2022,
    );
    expect(withoutPrivate.map((row) => [row.errors, row.actions])).toEqual([[[], []]]);
  });

  it('reads the year from a 年度 column, and needs one without the import year', () => {
    const columns = [...COLUMNS, '年度'];
    const withYear = suggestMapping(SCHOOL_FIELDS, columns);
    const sheet = sheetOf(
      [
        ['tc-a', '甲小学', '小学', '城厢镇', '否', '100', '2021'],
        ['tc-b', '乙小学', '小学', '城厢镇', '否', '100', ''],
        ['tc-c', '丙小学', '小学', '城厢镇', '否', '100', '1900'],
      ],
      columns,
    );
    const plan = planSchools(sheet, withYear, registry(), undefined);
    expect(plan[0]?.actions[1]).toEqual({
      command: 'recordEnrollment',
      input: { schoolId: 'tc-a', year: 2021, students: 100 },
    });
    expect(plan[1]?.errors.map((error) => [error.code, error.field])).toEqual([['MISSING', 'year']]);
    expect(plan[2]?.errors.map((error) => [error.code, error.field])).toEqual([['BAD_NUMBER', 'year']]);
  });

  it('knows every kind by its enum name and its Chinese name', () => {
    expect(schoolKindOf('幼儿园')).toBe('KINDERGARTEN');
    expect(schoolKindOf('九年一贯制')).toBe('NINE_YEAR');
    expect(schoolKindOf('九年一贯制学校')).toBe('NINE_YEAR');
    expect(schoolKindOf('特殊教育')).toBe('SPECIAL');
    expect(schoolKindOf('junior_high')).toBe('JUNIOR_HIGH');
    expect(schoolKindOf('大学')).toBeUndefined();
  });
});

describe('planLecturers', () => {
  const columns = ['讲师姓名', '讲题/专长', '原任教学校代码'];
  const lecturerMapping = suggestMapping(LECTURER_FIELDS, columns);
  const wang: LecturerRow = {
    id: 'l-wang',
    name: '王秀英',
    topics: ['党史', '家风家训'],
    formerSchoolId: 'tc-a',
    retired: false,
    lecturesScheduled: 0,
    lecturesDelivered: 0,
    audience: 0,
  };

  it('registers new lecturers, leaves known ones and reports bad rows', () => {
    const plan = planLecturers(
      sheetOf(
        [
          ['王秀英', '党史、家风家训', 'tc-a'],
          ['李建国', '科普, 安全教育', ''],
          ['李建国', '科普', ''],
          ['赵老师', '', 'tc-nowhere'],
          ['', '党史', ''],
        ],
        columns,
      ),
      lecturerMapping,
      [wang],
      (id) => id === 'tc-a',
    );
    expect(plan.map((row) => row.actions)).toEqual([
      [],
      [{ command: 'registerLecturer', input: { name: '李建国', topics: ['科普', '安全教育'] } }],
      [],
      [],
      [],
    ]);
    expect(plan.map((row) => row.errors.map((error) => [error.code, error.column]))).toEqual([
      [],
      [],
      [['DUPLICATE', '讲师姓名']],
      [['UNKNOWN_SCHOOL', '原任教学校代码']],
      [['MISSING', '讲师姓名']],
    ]);
  });

  it('refuses a row that would change a registered lecturer', () => {
    const [row] = planLecturers(sheetOf([['王秀英', '党史', 'tc-a']], columns), lecturerMapping, [wang], () => true);
    expect(row?.errors.map((error) => [error.code, error.column])).toEqual([['DIFFERS', '讲题/专长']]);
  });
});
