import type { Sheet } from './sheet.ts';

/**
 * What one kind of import reads: its fields, each with the header names the bureau's sheets use for it (the first is
 * the template's).
 */
export interface ImportFields<Field extends string> {
  readonly fields: Readonly<Record<Field, { readonly headers: readonly string[]; readonly required: boolean }>>;
}

export const SCHOOL_FIELDS = {
  fields: {
    code: { headers: ['学校代码', '代码', '学校编号', '学校标识码', 'code', 'id'], required: true },
    name: { headers: ['学校名称', '学校', '名称', 'name'], required: true },
    kind: { headers: ['学校类型', '类型', '办学类型', 'kind'], required: true },
    town: { headers: ['镇区', '所在镇区', '镇(区)', '区镇', 'town'], required: true },
    private: { headers: ['是否民办', '民办', '办学性质', 'private'], required: false },
    students: { headers: ['在校学生数', '在校生数', '学生数', 'students', 'enrollment'], required: false },
    year: { headers: ['年度', '年份', 'year'], required: false },
  },
} as const satisfies ImportFields<string>;

export const LECTURER_FIELDS = {
  fields: {
    id: { headers: ['讲师编号', '编号', 'id'], required: false },
    name: { headers: ['讲师姓名', '姓名', '讲师', 'name'], required: true },
    topics: { headers: ['讲题/专长', '讲题', '专长', '讲题专长', '主讲内容', 'topics'], required: false },
    formerSchoolId: { headers: ['原任教学校代码', '原学校代码', '原任教学校', 'formerSchoolId'], required: false },
  },
} as const satisfies ImportFields<string>;

export type SchoolField = keyof typeof SCHOOL_FIELDS.fields;
export type LecturerField = keyof typeof LECTURER_FIELDS.fields;

/** Which column each field is read from; a field without a column is not read. */
export type Mapping<Field extends string> = Partial<Record<Field, string>>;

const normalised = (header: string) => header.replace(/[\s()()/／、_-]/g, '').toLowerCase();

/** The column whose header names each field (spaces, brackets and case aside), as a first guess the user may change. */
export function suggestMapping<Field extends string>(spec: ImportFields<Field>, columns: readonly string[]) {
  const mapping: Mapping<Field> = {};
  const taken = new Set<string>();
  for (const [field, { headers }] of Object.entries(spec.fields) as [Field, { headers: readonly string[] }][]) {
    const wanted = headers.map(normalised);
    const column = columns.find((c) => !taken.has(c) && wanted.includes(normalised(c)));
    if (column === undefined) continue;
    mapping[field] = column;
    taken.add(column);
  }
  return mapping;
}

/** A mapping problem: a required field without a column, or a column the sheet does not have. */
export interface MappingProblem {
  readonly field: string;
  readonly message: string;
}

export function mappingProblems<Field extends string>(
  spec: ImportFields<Field>,
  mapping: Mapping<Field>,
  sheet: Pick<Sheet, 'columns'>,
): MappingProblem[] {
  const problems: MappingProblem[] = [];
  for (const [field, { required }] of Object.entries(spec.fields) as [Field, { required: boolean }][]) {
    const column = mapping[field];
    if (column === undefined) {
      if (required) problems.push({ field, message: 'needs a column' });
    } else if (!sheet.columns.includes(column)) {
      problems.push({ field, message: `the sheet has no column ${column}` });
    }
  }
  return problems;
}
