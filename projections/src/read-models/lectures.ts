import { defineProjection } from '../projection.ts';

export const lecturesProjection = defineProjection({
  name: 'lectures',
  version: 2,
  tables: [
    `CREATE TABLE lectures (
      id TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL,
      lecturer_id TEXT NOT NULL,
      school_id TEXT,
      venue TEXT,
      topic TEXT NOT NULL,
      scheduled_at TEXT NOT NULL,
      status TEXT NOT NULL,
      audience INTEGER,
      duration_minutes INTEGER,
      delivered_at TEXT,
      cancel_reason TEXT
    )`,
  ],
  indexes: [
    'CREATE INDEX lectures_by_campaign ON lectures (campaign_id, status)',
    'CREATE INDEX lectures_by_lecturer ON lectures (lecturer_id, status)',
    'CREATE INDEX lectures_by_school ON lectures (school_id, status)',
  ],
  statements: {
    insertLecture: `INSERT INTO lectures (id, campaign_id, lecturer_id, school_id, venue, topic, scheduled_at, status)
      VALUES (@lectureId, @campaignId, @lecturerId, @schoolId, @venue, @topic, @scheduledAt, 'SCHEDULED')`,
    reschedule: 'UPDATE lectures SET scheduled_at = @scheduledAt WHERE id = @lectureId',
    deliver: `UPDATE lectures SET status = 'DELIVERED', audience = @audience, duration_minutes = @durationMinutes,
      delivered_at = @at WHERE id = @lectureId`,
    cancel: "UPDATE lectures SET status = 'CANCELLED', cancel_reason = @reason WHERE id = @lectureId",
  },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'LectureScheduled':
        return [{ statement: 'insertLecture', params: event.data }];
      case 'LectureRescheduled':
        return [{ statement: 'reschedule', params: event.data }];
      case 'LectureDelivered':
        return [{ statement: 'deliver', params: { ...event.data, at: metadata.recordedAt } }];
      case 'LectureCancelled':
        return [{ statement: 'cancel', params: event.data }];
      default:
        return [];
    }
  },
});
