import { defineProjection } from '../projection.ts';

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
    insertLecturer: `INSERT INTO lecturers (id, name, former_school_id, topics, registered_at)
      VALUES (@id, @name, @formerSchoolId, @topics, @at)`,
    retireLecturer: 'UPDATE lecturers SET retired = 1 WHERE id = @id',
  },
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
