import type { EnrollmentRow, LecturerRow, SchoolRow } from '@qingmiao/projections';
import {
  type ImportCommand,
  type ImportRowError,
  type ImportRowErrorCode,
  type PlannedImportRow,
  RecordEnrollmentInput,
  RegisterLecturerInput,
  RegisterSchoolInput,
  type RenameSchoolInput,
  SCHOOL_KIND_LABELS,
  SchoolKind,
  Year,
} from '@qingmiao/schema';
import type { z } from 'zod';
import type { LecturerField, Mapping, SchoolField } from './columns.ts';
import type { Sheet, SheetRow } from './sheet.ts';

export type SchoolAction =
  | { readonly command: 'registerSchool'; readonly input: RegisterSchoolInput & { readonly id: string } }
  | { readonly command: 'renameSchool'; readonly input: RenameSchoolInput }
  | { readonly command: 'recordEnrollment'; readonly input: RecordEnrollmentInput };

export type LecturerAction = { readonly command: 'registerLecturer'; readonly input: RegisterLecturerInput };

/** What importing one row does. */
export type PlannedRow<Action extends { readonly command: ImportCommand }> = PlannedImportRow<Action>;

/** The rows of a plan that can be imported as they are. */
export const validRows = <Action extends { readonly command: ImportCommand }>(plan: readonly PlannedRow<Action>[]) =>
  plan.filter((row) => row.errors.length === 0);

/** Where a row's fields come from, and what its errors say about them. */
class RowReader<Field extends string> {
  readonly errors: ImportRowError[] = [];

  constructor(
    private readonly row: SheetRow,
    private readonly mapping: Mapping<Field>,
  ) {}

  text(field: Field): string {
    const column = this.mapping[field];
    return column === undefined ? '' : (this.row.cells[column] ?? '').trim();
  }

  fail(field: Field, code: ImportRowErrorCode, message: string): undefined {
    const column = this.mapping[field] ?? null;
    this.errors.push({ code, field, column, value: this.text(field), message: `${field}: ${message}` });
    return undefined;
  }

  /** The text of a field that must be filled. */
  required(field: Field): string | undefined {
    const text = this.text(field);
    return text === '' ? this.fail(field, 'MISSING', 'must not be blank') : text;
  }

  /** The zod input of a command, each issue an error on the field it is about. */
  parse<T>(schema: z.ZodType<T>, input: unknown, fields: Readonly<Record<string, Field>>): T | undefined {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const field = fields[key];
      if (field !== undefined && !this.errors.some((error) => error.field === field)) {
        this.fail(field, 'BAD_VALUE', issue.message);
      }
    }
    return undefined;
  }
}

const KIND_NAMES: ReadonlyMap<string, SchoolKind> = new Map(
  SchoolKind.options.flatMap((kind): [string, SchoolKind][] => {
    const label = SCHOOL_KIND_LABELS[kind];
    return [
      [kind, kind],
      [kind.toLowerCase(), kind],
      [label, kind],
      // Sheets say 九年一贯制, 特殊教育 as often as 九年一贯制学校, 特殊教育学校.
      [label.replace(/学校$/, ''), kind],
    ];
  }),
).set('随迁子女学校', 'MIGRANT');

/** A school kind by its enum name or its Chinese name. */
export const schoolKindOf = (text: string): SchoolKind | undefined => KIND_NAMES.get(text.replace(/\s/g, ''));

const YES = new Set(['是', '民办', 'y', 'yes', 'true', '1', '√']);
const NO = new Set(['', '否', '公办', 'n', 'no', 'false', '0']);

/** A whole number as a sheet shows it: digits, maybe grouped by commas (1,200). */
const wholeNumber = (text: string): number | undefined =>
  /^(\d+|\d{1,3}(,\d{3})+)$/.test(text) ? Number(text.replaceAll(',', '')) : undefined;

/** What the school registry shows now, as far as the plan needs it. */
export interface SchoolRegistry {
  readonly school: (id: string) => SchoolRow | undefined;
  readonly enrollment: (schoolId: string, year: number) => EnrollmentRow | undefined;
}

/**
 * The commands that bring the registry in line with a sheet of schools: a new code registers the school; a known
 * code with another name renames it; one whose kind, town or 民办 differ is an error (those are not changed by
 * import: a school of another kind is another school for past figures); a row with a student count
 * records the year's enrollment when it differs from what is recorded. A sheet imported twice plans nothing the second
 * time. `year` is the enrollment year of rows without a 年度 column.
 */
export function planSchools(
  sheet: Sheet,
  mapping: Mapping<SchoolField>,
  registry: SchoolRegistry,
  year: number | undefined,
): PlannedRow<SchoolAction>[] {
  const firstRowOf = new Map<string, number>();
  return sheet.rows.map((row) => {
    const reader = new RowReader(row, mapping);
    const code = reader.required('code');
    const name = reader.required('name');
    const town = reader.required('town');
    const kindText = reader.required('kind');
    const kind = kindText === undefined ? undefined : schoolKindOf(kindText);
    if (kindText !== undefined && kind === undefined) {
      reader.fail(
        'kind',
        'UNKNOWN_KIND',
        `${kindText} is not a school kind (${Object.values(SCHOOL_KIND_LABELS).join(', ')})`,
      );
    }
    const privateText = reader.text('private').toLowerCase();
    const isPrivate = YES.has(privateText) ? true : NO.has(privateText) ? false : undefined;
    if (isPrivate === undefined) reader.fail('private', 'BAD_VALUE', `${privateText} is neither 是 nor 否`);
    if (code !== undefined) {
      const first = firstRowOf.get(code);
      if (first === undefined) firstRowOf.set(code, row.row);
      else reader.fail('code', 'DUPLICATE', `${code} is also on row ${first}`);
    }

    const registration = reader.parse(
      RegisterSchoolInput,
      { id: code, name, kind, town, private: isPrivate },
      { id: 'code', name: 'name', kind: 'kind', town: 'town', private: 'private' },
    );
    const enrollment = plannedEnrollment(reader, code, year);
    const actions: SchoolAction[] = [];
    if (registration?.id !== undefined) {
      const id = registration.id;
      const known = registry.school(id);
      if (known === undefined) {
        actions.push({ command: 'registerSchool', input: { ...registration, id } });
      } else {
        const differs = (field: SchoolField, now: string, sheetValue: string) =>
          now !== sheetValue &&
          reader.fail(field, 'DIFFERS', `the school is registered with ${now}; an import does not change it`);
        if (known.name !== registration.name) {
          actions.push({ command: 'renameSchool', input: { schoolId: id, name: registration.name } });
        }
        differs('kind', known.kind, registration.kind);
        differs('town', known.town, registration.town);
        // A sheet without a 民办 column says nothing about it.
        if (mapping.private !== undefined) {
          differs('private', known.private ? '是' : '否', registration.private ? '是' : '否');
        }
      }
      if (enrollment && registry.enrollment(id, enrollment.year)?.students !== enrollment.students) {
        actions.push({ command: 'recordEnrollment', input: enrollment });
      }
    }
    const errors = reader.errors;
    return { row: row.row, key: code ?? null, actions: errors.length > 0 ? [] : actions, errors };
  });
}

function plannedEnrollment(
  reader: RowReader<SchoolField>,
  schoolId: string | undefined,
  defaultYear: number | undefined,
): RecordEnrollmentInput | undefined {
  const studentsText = reader.text('students');
  if (studentsText === '') return undefined;
  const students = wholeNumber(studentsText);
  if (students === undefined) return reader.fail('students', 'BAD_NUMBER', `${studentsText} is not a whole number`);
  const yearText = reader.text('year');
  const year = yearText === '' ? defaultYear : wholeNumber(yearText);
  if (year === undefined) {
    return yearText === ''
      ? reader.fail('year', 'MISSING', 'needs a 年度 column or the year of the import')
      : reader.fail('year', 'BAD_NUMBER', `${yearText} is not a year`);
  }
  if (!Year.safeParse(year).success) return reader.fail('year', 'BAD_NUMBER', `${year} is not a year`);
  const parsed = RecordEnrollmentInput.safeParse({ schoolId, year, students });
  if (!parsed.success) {
    const issue = parsed.error.issues.find((i) => i.path[0] === 'students');
    return issue ? reader.fail('students', 'BAD_NUMBER', issue.message) : undefined;
  }
  return parsed.data;
}

/** A lecturer's topics as one cell lists them. */
const topicsOf = (text: string) =>
  text
    .split(/[、,,;;/|\n]/)
    .map((topic) => topic.trim())
    .filter((topic) => topic !== '');

/**
 * The commands that register the lecturers of a sheet. A lecturer is known by 讲师编号 when the sheet has one, else by
 * name: a known lecturer with the same topics and school is unchanged, with others an error (lecturers are not edited
 * by import). `schoolIds` are the codes a 原任教学校 may name.
 */
export function planLecturers(
  sheet: Sheet,
  mapping: Mapping<LecturerField>,
  lecturers: readonly LecturerRow[],
  isSchool: (id: string) => boolean,
): PlannedRow<LecturerAction>[] {
  const byId = new Map(lecturers.map((lecturer) => [lecturer.id, lecturer]));
  const byName = new Map(lecturers.map((lecturer) => [lecturer.name, lecturer]));
  const firstRowOf = new Map<string, number>();
  return sheet.rows.map((row) => {
    const reader = new RowReader(row, mapping);
    const name = reader.required('name');
    const idText = reader.text('id');
    const formerText = reader.text('formerSchoolId');
    const input = reader.parse(
      RegisterLecturerInput,
      {
        id: idText || undefined,
        name,
        topics: topicsOf(reader.text('topics')),
        formerSchoolId: formerText || undefined,
      },
      { id: 'id', name: 'name', topics: 'topics', formerSchoolId: 'formerSchoolId' },
    );
    const key = idText || name;
    if (key !== undefined) {
      const first = firstRowOf.get(key);
      if (first === undefined) firstRowOf.set(key, row.row);
      else reader.fail(idText ? 'id' : 'name', 'DUPLICATE', `${key} is also on row ${first}`);
    }
    if (input?.formerSchoolId !== undefined && !isSchool(input.formerSchoolId)) {
      reader.fail('formerSchoolId', 'UNKNOWN_SCHOOL', `no school has the code ${input.formerSchoolId}`);
    }
    const actions: LecturerAction[] = [];
    if (input !== undefined) {
      const known = input.id === undefined ? byName.get(input.name) : byId.get(input.id);
      if (known === undefined) {
        actions.push({ command: 'registerLecturer', input });
      } else {
        const differs = (field: LecturerField, now: string, sheetValue: string) =>
          now !== sheetValue &&
          reader.fail(field, 'DIFFERS', `the lecturer is registered with ${now || '(none)'}; change it by hand`);
        differs('name', known.name, input.name);
        differs('topics', known.topics.join('、'), (input.topics ?? []).join('、'));
        differs('formerSchoolId', known.formerSchoolId ?? '', input.formerSchoolId ?? '');
      }
    }
    const errors = reader.errors;
    return { row: row.row, key: key ?? null, actions: errors.length > 0 ? [] : actions, errors };
  });
}
