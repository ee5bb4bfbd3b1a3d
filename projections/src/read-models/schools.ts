import { defineProjection } from '../projection.ts';

export const schoolsProjection = defineProjection({
  name: 'schools',
  version: 1,
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
    insertSchool:
      'INSERT INTO schools (id, name, kind, town, private, registered_at) VALUES (@id, @name, @kind, @town, @private, @at)',
    upsertEnrollment: `INSERT INTO enrollments (school_id, year, students) VALUES (@schoolId, @year, @students)
      ON CONFLICT (school_id, year) DO UPDATE SET students = excluded.students`,
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
      case 'EnrollmentRecorded':
        return [{ statement: 'upsertEnrollment', params: event.data }];
      default:
        return [];
    }
  },
});
