import type Database from 'better-sqlite3';
import { defineProjection } from '../projection.ts';
import type { Raw } from '../raw-row.ts';

export interface LecturerRow {
  readonly id: string;
  readonly name: string;
  readonly formerSchoolId: string | null;
  readonly topics: string[];
  readonly retired: boolean;
  readonly lecturesScheduled: number;
  readonly lecturesDelivered: number;
  readonly audience: number;
}

export const lecturersProjection = defineProjection({
  name: 'lecturers',
  version: 1,
  tables: [
    `CREATE TABLE lecturers (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      former_school_id TEXT,
      topics TEXT NOT NULL,
      retired INTEGER NOT NULL DEFAULT 0,
      registered_at TEXT NOT NULL
    )`,
  ],
  statements: {
    insertLecturer: {
      table: 'lecturers',
      sql: `INSERT INTO lecturers (id, name, former_school_id, topics, registered_at)
        VALUES (@id, @name, @formerSchoolId, @topics, @at)`,
    },
    retireLecturer: { table: 'lecturers', sql: 'UPDATE lecturers SET retired = 1 WHERE id = @id' },
  },
  handles: { LecturerRegistered: ['insertLecturer'], LecturerRetired: ['retireLecturer'] },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'LecturerRegistered': {
        const { lecturerId, name, formerSchoolId, topics } = event.data;
        return [
          {
            statement: 'insertLecturer',
            params: { id: lecturerId, name, formerSchoolId, topics: JSON.stringify(topics), at: metadata.recordedAt },
          },
        ];
      }
      case 'LecturerRetired':
        return [{ statement: 'retireLecturer', params: { id: event.data.lecturerId } }];
      default:
        return [];
    }
  },
});

// A lecturer's figures count rows of the lectures read model, through its index by lecturer.
const LECTURER_COLUMNS = `r.id, r.name, r.former_school_id AS formerSchoolId, r.topics, r.retired,
  (SELECT count(*) FROM lectures l WHERE l.lecturer_id = r.id AND l.status = 'SCHEDULED') AS lecturesScheduled,
  (SELECT count(*) FROM lectures l WHERE l.lecturer_id = r.id AND l.status = 'DELIVERED') AS lecturesDelivered,
  (SELECT coalesce(sum(l.audience), 0) FROM lectures l WHERE l.lecturer_id = r.id AND l.status = 'DELIVERED')
    AS audience`;

type RawLecturer = Raw<LecturerRow, 'topics', 'retired'>;
const toLecturer = (row: RawLecturer): LecturerRow => ({
  ...row,
  topics: JSON.parse(row.topics) as string[],
  retired: row.retired === 1,
});

export function lecturerQueries(db: Database.Database) {
  const lecturers = db.prepare<[], RawLecturer>(`SELECT ${LECTURER_COLUMNS} FROM lecturers r ORDER BY r.id`);
  const lecturer = db.prepare<[string], RawLecturer>(`SELECT ${LECTURER_COLUMNS} FROM lecturers r WHERE r.id = ?`);
  return {
    lecturers: (): LecturerRow[] => lecturers.all().map(toLecturer),
    lecturer: (id: string): LecturerRow | undefined => {
      const row = lecturer.get(id);
      return row && toLecturer(row);
    },
  };
}
