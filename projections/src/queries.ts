import type {
  CampaignKind,
  CampaignStatus,
  Criterion,
  ParticipantRole,
  ParticipationGrouping,
  Prize,
  SchoolKind,
} from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { type ParticipationQuery, type ParticipationRow, participationQuery, WHOLE_YEAR } from './participation.ts';

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

export interface CampaignRow {
  readonly id: string;
  readonly kind: CampaignKind;
  readonly title: string;
  readonly theme: string;
  readonly year: number;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly eligibleSchoolKinds: SchoolKind[];
  readonly maxEntriesPerSchool: number | null;
  readonly targetSessions: number | null;
  readonly awardQuota: number | null;
  readonly rubric: Criterion[];
  readonly copiedFrom: string | null;
  readonly status: CampaignStatus;
  readonly cancelReason: string | null;
  readonly entryCount: number;
  readonly schoolCount: number;
  readonly awardsGranted: number;
  readonly sessionsDelivered: number;
  readonly audience: number;
  readonly intergenerationalEntries: number;
  readonly judges: string[];
}

/** What decides who may see a campaign's entries and their judging. */
export type CampaignPanel = Pick<CampaignRow, 'status' | 'judges'>;

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

export interface ScoreRow {
  readonly judge: string;
  readonly weightedScore: number;
  readonly criteria: { criterion: string; score: number }[];
  readonly comment: string | null;
  readonly scoredAt: string;
}

export interface JudgingProgressRow {
  readonly judge: string;
  /** Live entries the judge has not recused from. */
  readonly assigned: number;
  readonly scored: number;
}

export interface ParticipantRow {
  readonly name: string;
  readonly role: ParticipantRole;
  readonly grade: string | null;
  readonly key: string | null;
}

export interface EntryRow {
  readonly id: string;
  readonly campaignId: string;
  readonly schoolId: string;
  readonly submissionId: string;
  readonly title: string;
  readonly advisor: string | null;
  readonly genre: string | null;
  readonly durationMinutes: number | null;
  readonly intergenerational: boolean;
  readonly status: 'LIVE' | 'WITHDRAWN';
  readonly prize: Prize | null;
  readonly stars: number | null;
  /** Mean of the judges' weighted scores (0–100); null before any score. */
  readonly meanScore: number | null;
  readonly scoreCount: number;
  readonly withdrawReason: string | null;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly participants: ParticipantRow[];
}

export interface HistoryRow {
  readonly type: string;
  readonly recordedAt: string;
  readonly actor: string;
  readonly role: string;
  readonly data: string;
}

export interface CampaignFilter {
  readonly year?: number | undefined;
  readonly kind?: CampaignKind | undefined;
  readonly status?: CampaignStatus | undefined;
}

const CAMPAIGN_COLUMNS = `c.id, c.kind, c.title, c.theme, c.year, c.opens_at AS opensAt, c.closes_at AS closesAt,
  c.eligible_school_kinds AS eligibleSchoolKinds, c.max_entries_per_school AS maxEntriesPerSchool,
  c.target_sessions AS targetSessions, c.award_quota AS awardQuota, c.rubric, c.copied_from AS copiedFrom, c.status,
  c.cancel_reason AS cancelReason,
  (SELECT count(*) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE') AS entryCount,
  (SELECT count(DISTINCT e.school_id) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE') AS schoolCount,
  (SELECT count(*) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE' AND e.prize IS NOT NULL)
    AS awardsGranted,
  (SELECT count(*) FROM lectures l WHERE l.campaign_id = c.id AND l.status = 'DELIVERED') AS sessionsDelivered,
  (SELECT coalesce(sum(l.audience), 0) FROM lectures l WHERE l.campaign_id = c.id AND l.status = 'DELIVERED')
    AS audience,
  (SELECT count(*) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE' AND e.intergenerational = 1)
    AS intergenerationalEntries,
  (SELECT json_group_array(j.judge ORDER BY j.judge) FROM judges j WHERE j.campaign_id = c.id) AS judges`;

const LECTURER_COLUMNS = `r.id, r.name, r.former_school_id AS formerSchoolId, r.topics, r.retired,
  (SELECT count(*) FROM lectures l WHERE l.lecturer_id = r.id AND l.status = 'SCHEDULED') AS lecturesScheduled,
  (SELECT count(*) FROM lectures l WHERE l.lecturer_id = r.id AND l.status = 'DELIVERED') AS lecturesDelivered,
  (SELECT coalesce(sum(l.audience), 0) FROM lectures l WHERE l.lecturer_id = r.id AND l.status = 'DELIVERED')
    AS audience`;

const LECTURE_COLUMNS = `id, campaign_id AS campaignId, lecturer_id AS lecturerId, school_id AS schoolId, venue, topic,
  scheduled_at AS scheduledAt, status, audience, duration_minutes AS durationMinutes, cancel_reason AS cancelReason`;

const ENTRY_COLUMNS = `e.id, e.campaign_id AS campaignId, e.school_id AS schoolId, e.submission_id AS submissionId,
  e.title, e.advisor, e.genre, e.duration_minutes AS durationMinutes, e.intergenerational, e.status, e.prize, e.stars,
  (SELECT avg(s.weighted_score) FROM scores s WHERE s.entry_id = e.id) AS meanScore,
  (SELECT count(*) FROM scores s WHERE s.entry_id = e.id) AS scoreCount,
  e.withdraw_reason AS withdrawReason, e.submitted_at AS submittedAt, e.updated_at AS updatedAt,
  (SELECT json_group_array(json_object('name', p.name, 'role', p.role, 'grade', p.grade, 'key', p.key) ORDER BY p.seq)
     FROM participants p WHERE p.entry_id = e.id) AS participants`;

type Raw<T, JsonFields extends keyof T, BoolFields extends keyof T = never> = Omit<T, JsonFields | BoolFields> & {
  [K in JsonFields]: string;
} & { [K in BoolFields]: number };

const toSchool = (row: Raw<SchoolRow, never, 'private'>): SchoolRow => ({ ...row, private: row.private === 1 });
type RawCampaign = Raw<CampaignRow, 'eligibleSchoolKinds' | 'rubric' | 'judges'>;
const toCampaign = (row: RawCampaign): CampaignRow => ({
  ...row,
  eligibleSchoolKinds: JSON.parse(row.eligibleSchoolKinds) as SchoolKind[],
  rubric: JSON.parse(row.rubric) as Criterion[],
  judges: JSON.parse(row.judges) as string[],
});
type RawEntry = Raw<EntryRow, 'participants', 'intergenerational'>;
const toEntry = (row: RawEntry): EntryRow => ({
  ...row,
  intergenerational: row.intergenerational === 1,
  participants: JSON.parse(row.participants) as ParticipantRow[],
});
type RawLecturer = Raw<LecturerRow, 'topics', 'retired'>;
const toLecturer = (row: RawLecturer): LecturerRow => ({
  ...row,
  topics: JSON.parse(row.topics) as string[],
  retired: row.retired === 1,
});
type RawScore = Raw<ScoreRow, 'criteria'>;
const toScore = (row: RawScore): ScoreRow => ({
  ...row,
  criteria: JSON.parse(row.criteria) as ScoreRow['criteria'],
});

/** Everything the API reads, as prepared statements over the read-model database. */
export class ReadModels {
  readonly #stmt;
  readonly #participation: ParticipationQuery;

  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#participation = participationQuery(db);
    this.#stmt = {
      schools: db.prepare<[], Raw<SchoolRow, never, 'private'>>(
        'SELECT id, name, kind, town, private FROM schools ORDER BY id',
      ),
      school: db.prepare<[string], Raw<SchoolRow, never, 'private'>>(
        'SELECT id, name, kind, town, private FROM schools WHERE id = ?',
      ),
      enrollment: db.prepare<[string, number], EnrollmentRow>(
        'SELECT school_id AS schoolId, year, students FROM enrollments WHERE school_id = ? AND year = ?',
      ),
      enrollments: db.prepare<[string], EnrollmentRow>(
        'SELECT school_id AS schoolId, year, students FROM enrollments WHERE school_id = ? ORDER BY year',
      ),
      campaigns: db.prepare<
        { year: number | null; kind: string | null; status: string | null },
        RawCampaign
      >(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c
          WHERE (@year IS NULL OR c.year = @year) AND (@kind IS NULL OR c.kind = @kind)
            AND (@status IS NULL OR c.status = @status)
          ORDER BY c.year DESC, c.opens_at, c.id`),
      campaign: db.prepare<[string], RawCampaign>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c WHERE c.id = ?`),
      panel: db.prepare<[string], Raw<CampaignPanel, 'judges'>>(
        `SELECT c.status, (SELECT json_group_array(j.judge ORDER BY j.judge) FROM judges j WHERE j.campaign_id = c.id)
          AS judges FROM campaigns c WHERE c.id = ?`,
      ),
      entries: db.prepare<{ campaignId: string; schoolId: string | null }, RawEntry>(
        `SELECT ${ENTRY_COLUMNS} FROM entries e
          WHERE e.campaign_id = @campaignId AND (@schoolId IS NULL OR e.school_id = @schoolId)
          ORDER BY e.submitted_at, e.id`,
      ),
      entry: db.prepare<[string], RawEntry>(`SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id = ?`),
      history: db.prepare<[string], HistoryRow>(
        `SELECT type, recorded_at AS recordedAt, actor, role, data FROM entry_history
          WHERE entry_id = ? ORDER BY position`,
      ),
      lecturers: db.prepare<[], RawLecturer>(`SELECT ${LECTURER_COLUMNS} FROM lecturers r ORDER BY r.id`),
      lecturer: db.prepare<[string], RawLecturer>(`SELECT ${LECTURER_COLUMNS} FROM lecturers r WHERE r.id = ?`),
      lectures: db.prepare<[string], LectureRow>(
        `SELECT ${LECTURE_COLUMNS} FROM lectures WHERE campaign_id = ? ORDER BY scheduled_at, id`,
      ),
      lecture: db.prepare<[string], LectureRow>(`SELECT ${LECTURE_COLUMNS} FROM lectures WHERE id = ?`),
      scores: db.prepare<[string], RawScore>(
        `SELECT judge, weighted_score AS weightedScore, criteria, comment, scored_at AS scoredAt FROM scores
          WHERE entry_id = ? ORDER BY judge`,
      ),
      leaderboard: db.prepare<[string], RawEntry>(
        `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.campaign_id = ? AND e.status = 'LIVE'
          ORDER BY meanScore IS NULL, meanScore DESC, e.submitted_at, e.id`,
      ),
      judgingProgress: db.prepare<[string], JudgingProgressRow>(
        `SELECT j.judge,
            (SELECT count(*) FROM entries e WHERE e.campaign_id = j.campaign_id AND e.status = 'LIVE'
              AND NOT EXISTS (SELECT 1 FROM recusals r WHERE r.entry_id = e.id AND r.judge = j.judge)) AS assigned,
            (SELECT count(*) FROM scores s JOIN entries e ON e.id = s.entry_id
              WHERE e.campaign_id = j.campaign_id AND e.status = 'LIVE' AND s.judge = j.judge) AS scored
          FROM judges j WHERE j.campaign_id = ? ORDER BY j.judge`,
      ),
    };
  }

  schools(): SchoolRow[] {
    return this.#stmt.schools.all().map(toSchool);
  }

  school(id: string): SchoolRow | undefined {
    const row = this.#stmt.school.get(id);
    return row && toSchool(row);
  }

  enrollment(schoolId: string, year: number): EnrollmentRow | undefined {
    return this.#stmt.enrollment.get(schoolId, year);
  }

  enrollments(schoolId: string): EnrollmentRow[] {
    return this.#stmt.enrollments.all(schoolId);
  }

  campaigns(filter: CampaignFilter = {}): CampaignRow[] {
    return this.#stmt.campaigns
      .all({ year: filter.year ?? null, kind: filter.kind ?? null, status: filter.status ?? null })
      .map(toCampaign);
  }

  campaign(id: string): CampaignRow | undefined {
    const row = this.#stmt.campaign.get(id);
    return row && toCampaign(row);
  }

  /** A campaign's status and judges only, without the counts of `campaign`. */
  panel(campaignId: string): CampaignPanel | undefined {
    const row = this.#stmt.panel.get(campaignId);
    return row && { ...row, judges: JSON.parse(row.judges) as string[] };
  }

  /** Entries of a campaign, live and withdrawn, optionally of one school only. */
  entries(campaignId: string, schoolId?: string): EntryRow[] {
    return this.#stmt.entries.all({ campaignId, schoolId: schoolId ?? null }).map(toEntry);
  }

  entry(id: string): EntryRow | undefined {
    const row = this.#stmt.entry.get(id);
    return row && toEntry(row);
  }

  entryHistory(entryId: string): HistoryRow[] {
    return this.#stmt.history.all(entryId);
  }

  lecturers(): LecturerRow[] {
    return this.#stmt.lecturers.all().map(toLecturer);
  }

  lecturer(id: string): LecturerRow | undefined {
    const row = this.#stmt.lecturer.get(id);
    return row && toLecturer(row);
  }

  lectures(campaignId: string): LectureRow[] {
    return this.#stmt.lectures.all(campaignId);
  }

  lecture(id: string): LectureRow | undefined {
    return this.#stmt.lecture.get(id);
  }

  scores(entryId: string): ScoreRow[] {
    return this.#stmt.scores.all(entryId).map(toScore);
  }

  /** Live entries by mean score, best first; unscored entries last. */
  leaderboard(campaignId: string): EntryRow[] {
    return this.#stmt.leaderboard.all(campaignId).map(toEntry);
  }

  judgingProgress(campaignId: string): JudgingProgressRow[] {
    return this.#stmt.judgingProgress.all(campaignId);
  }

  /** Participation figures of a year per group; groups without activity appear with zeros. */
  participation(year: number, groupBy: ParticipationGrouping, campaignId?: string): ParticipationRow[] {
    return this.#participation(year, groupBy, campaignId);
  }

  /** A year's participation figures as one row: what the groups of any grouping add up to. */
  participationTotals(year: number, campaignId?: string): ParticipationRow {
    const [totals] = this.#participation(year, WHOLE_YEAR, campaignId);
    if (!totals) throw new Error(`no participation totals for ${year}`);
    return totals;
  }

  /** Closes the database these read models were given (used for as-of copies, never for the live models). */
  close(): void {
    this.#db.close();
  }
}
