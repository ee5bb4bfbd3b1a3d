import type { SchoolKind } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { defineProjection } from '../projection.ts';
import type { Raw } from '../raw-row.ts';

export interface SchoolRow {
  readonly id: string;
  readonly name: string;
  readonly kind: SchoolKind;
  readonly town: string;
  readonly private: boolean;
}

export interface EnrollmentRow {
  readonly schoolId: string;
  readonly year: number;
  readonly students: number;
}

export const schoolsProjection = defineProjection({
  name: 'schools',
  version: 2,
  tables: [
    `CREATE TABLE schools (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL,
      town TEXT NOT NULL,
      private INTEGER NOT NULL,
      registered_at TEXT NOT NULL
    )`,
    `CREATE TABLE enrollments (
      school_id TEXT NOT NULL,
      year INTEGER NOT NULL,
      students INTEGER NOT NULL,
      PRIMARY KEY (school_id, year)
    ) WITHOUT ROWID`,
  ],
  statements: {
    insertSchool: {
      table: 'schools',
      sql: 'INSERT INTO schools (id, name, kind, town, private, registered_at) VALUES (@id, @name, @kind, @town, @private, @at)',
    },
    renameSchool: { table: 'schools', sql: 'UPDATE schools SET name = @name WHERE id = @schoolId' },
    upsertEnrollment: {
      table: 'enrollments',
      sql: `INSERT INTO enrollments (school_id, year, students) VALUES (@schoolId, @year, @students)
        ON CONFLICT (school_id, year) DO UPDATE SET students = excluded.students`,
    },
  },
  handles: {
    SchoolRegistered: ['insertSchool'],
    SchoolRenamed: ['renameSchool'],
    EnrollmentRecorded: ['upsertEnrollment'],
  },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'SchoolRegistered': {
        const { schoolId, name, kind, town } = event.data;
        return [
          {
            statement: 'insertSchool',
            params: { id: schoolId, name, kind, town, private: event.data.private ? 1 : 0, at: metadata.recordedAt },
          },
        ];
      }
      case 'SchoolRenamed':
        return [{ statement: 'renameSchool', params: event.data }];
      case 'EnrollmentRecorded':
        return [{ statement: 'upsertEnrollment', params: event.data }];
      default:
        return [];
    }
  },
});

type RawSchool = Raw<SchoolRow, never, 'private'>;
const toSchool = (row: RawSchool): SchoolRow => ({ ...row, private: row.private === 1 });

/** The schools and their enrollments, as the API reads them. */
export function schoolQueries(db: Database.Database) {
  const schools = db.prepare<[], RawSchool>('SELECT id, name, kind, town, private FROM schools ORDER BY id');
  const school = db.prepare<[string], RawSchool>('SELECT id, name, kind, town, private FROM schools WHERE id = ?');
  const enrollment = db.prepare<[string, number], EnrollmentRow>(
    'SELECT school_id AS schoolId, year, students FROM enrollments WHERE school_id = ? AND year = ?',
  );
  const enrollments = db.prepare<[string], EnrollmentRow>(
    'SELECT school_id AS schoolId, year, students FROM enrollments WHERE school_id = ? ORDER BY year',
  );
  return {
    schools: (): SchoolRow[] => schools.all().map(toSchool),
    school: (id: string): SchoolRow | undefined => {
      const row = school.get(id);
      return row && toSchool(row);
    },
    enrollment: (schoolId: string, year: number): EnrollmentRow | undefined => enrollment.get(schoolId, year),
    enrollments: (schoolId: string): EnrollmentRow[] => enrollments.all(schoolId),
  };
}
