import type Database from 'better-sqlite3';
import { defineProjection } from '../projection.ts';

export interface LectureRow {
  readonly id: string;
  readonly campaignId: string;
  readonly lecturerId: string;
  readonly schoolId: string | null;
  readonly venue: string | null;
  readonly topic: string;
  readonly scheduledAt: string;
  readonly status: 'SCHEDULED' | 'DELIVERED' | 'CANCELLED';
  readonly audience: number | null;
  readonly durationMinutes: number | null;
  readonly cancelReason: string | null;
}

export const lecturesProjection = defineProjection({
  name: 'lectures',
  version: 3,
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
    insertLecture: {
      table: 'lectures',
      sql: `INSERT INTO lectures (id, campaign_id, lecturer_id, school_id, venue, topic, scheduled_at, status)
        VALUES (@lectureId, @campaignId, @lecturerId, @schoolId, @venue, @topic, @scheduledAt, 'SCHEDULED')`,
    },
    reschedule: { table: 'lectures', sql: 'UPDATE lectures SET scheduled_at = @scheduledAt WHERE id = @lectureId' },
    deliver: {
      table: 'lectures',
      sql: `UPDATE lectures SET status = 'DELIVERED', audience = @audience, duration_minutes = @durationMinutes,
        delivered_at = @at WHERE id = @lectureId`,
    },
    cancel: {
      table: 'lectures',
      sql: "UPDATE lectures SET status = 'CANCELLED', cancel_reason = @reason WHERE id = @lectureId",
    },
    // The figures of the lecture's campaign (`campaign_figures`, see campaigns.ts) count delivered lectures: these
    // run before the change, so that they see whether and to whom the lecture was delivered until then.
    tallyDelivered: {
      table: 'campaign_figures',
      sql: `UPDATE campaign_figures SET sessions_delivered = sessions_delivered + (l.status <> 'DELIVERED'),
          audience = campaign_figures.audience + @audience - l.delivered_audience
        FROM (SELECT campaign_id, status, CASE status WHEN 'DELIVERED' THEN coalesce(audience, 0) ELSE 0 END
          AS delivered_audience FROM lectures WHERE id = @lectureId) AS l
        WHERE campaign_figures.campaign_id = l.campaign_id`,
    },
    untallyCancelled: {
      table: 'campaign_figures',
      sql: `UPDATE campaign_figures SET sessions_delivered = sessions_delivered - 1,
          audience = campaign_figures.audience - l.delivered_audience
        FROM (SELECT campaign_id, coalesce(audience, 0) AS delivered_audience FROM lectures
          WHERE id = @lectureId AND status = 'DELIVERED') AS l
        WHERE campaign_figures.campaign_id = l.campaign_id`,
    },
  },
  handles: {
    LectureScheduled: ['insertLecture'],
    LectureRescheduled: ['reschedule'],
    LectureDelivered: ['tallyDelivered', 'deliver'],
    LectureCancelled: ['untallyCancelled', 'cancel'],
  },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'LectureScheduled':
        return [{ statement: 'insertLecture', params: event.data }];
      case 'LectureRescheduled':
        return [{ statement: 'reschedule', params: event.data }];
      case 'LectureDelivered':
        return [
          { statement: 'tallyDelivered', params: event.data },
          { statement: 'deliver', params: { ...event.data, at: metadata.recordedAt } },
        ];
      case 'LectureCancelled':
        return [
          { statement: 'untallyCancelled', params: event.data },
          { statement: 'cancel', params: event.data },
        ];
      default:
        return [];
    }
  },
});

const LECTURE_COLUMNS = `id, campaign_id AS campaignId, lecturer_id AS lecturerId, school_id AS schoolId, venue, topic,
  scheduled_at AS scheduledAt, status, audience, duration_minutes AS durationMinutes, cancel_reason AS cancelReason`;

export function lectureQueries(db: Database.Database) {
  const lectures = db.prepare<[string], LectureRow>(
    `SELECT ${LECTURE_COLUMNS} FROM lectures WHERE campaign_id = ? ORDER BY scheduled_at, id`,
  );
  const lecture = db.prepare<[string], LectureRow>(`SELECT ${LECTURE_COLUMNS} FROM lectures WHERE id = ?`);
  return {
    lectures: (campaignId: string): LectureRow[] => lectures.all(campaignId),
    lecture: (id: string): LectureRow | undefined => lecture.get(id),
  };
}
