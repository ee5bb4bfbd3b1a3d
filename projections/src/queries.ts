import type { CampaignKind, CampaignStatus, ParticipantRole, SchoolKind } from '@qingmiao/schema';
import type Database from 'better-sqlite3';

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
  readonly status: CampaignStatus;
  readonly entryCount: number;
  readonly schoolCount: number;
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
  readonly status: 'LIVE' | 'WITHDRAWN';
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

export interface ParticipationRow {
  readonly key: string;
  readonly label: string;
  readonly schools: number;
  readonly entries: number;
  readonly students: number;
  readonly participants: number;
  readonly retiredTeachers: number;
  readonly enrolled: number | null;
  readonly participationRate: number | null;
}

export interface CampaignFilter {
  readonly year?: number | undefined;
  readonly kind?: CampaignKind | undefined;
  readonly status?: CampaignStatus | undefined;
}

const CAMPAIGN_COLUMNS = `c.id, c.kind, c.title, c.theme, c.year, c.opens_at AS opensAt, c.closes_at AS closesAt,
  c.eligible_school_kinds AS eligibleSchoolKinds, c.max_entries_per_school AS maxEntriesPerSchool,
  c.target_sessions AS targetSessions, c.award_quota AS awardQuota, c.status,
  (SELECT count(*) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE') AS entryCount,
  (SELECT count(DISTINCT e.school_id) FROM entries e WHERE e.campaign_id = c.id AND e.status = 'LIVE') AS schoolCount`;

const ENTRY_COLUMNS = `e.id, e.campaign_id AS campaignId, e.school_id AS schoolId, e.submission_id AS submissionId,
  e.title, e.advisor, e.status, e.withdraw_reason AS withdrawReason, e.submitted_at AS submittedAt,
  e.updated_at AS updatedAt,
  (SELECT json_group_array(json_object('name', p.name, 'role', p.role, 'grade', p.grade, 'key', p.key) ORDER BY p.seq)
     FROM participants p WHERE p.entry_id = e.id) AS participants`;

type Raw<T, JsonFields extends keyof T, BoolFields extends keyof T = never> = Omit<T, JsonFields | BoolFields> & {
  [K in JsonFields]: string;
} & { [K in BoolFields]: number };

const toSchool = (row: Raw<SchoolRow, never, 'private'>): SchoolRow => ({ ...row, private: row.private === 1 });
const toCampaign = (row: Raw<CampaignRow, 'eligibleSchoolKinds'>): CampaignRow => ({
  ...row,
  eligibleSchoolKinds: JSON.parse(row.eligibleSchoolKinds) as SchoolKind[],
});
const toEntry = (row: Raw<EntryRow, 'participants'>): EntryRow => ({
  ...row,
  participants: JSON.parse(row.participants) as ParticipantRow[],
});

/** Everything the API reads, as prepared statements over the read-model database. */
export class ReadModels {
  readonly #stmt;

  constructor(db: Database.Database) {
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
        Raw<CampaignRow, 'eligibleSchoolKinds'>
      >(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c
          WHERE (@year IS NULL OR c.year = @year) AND (@kind IS NULL OR c.kind = @kind)
            AND (@status IS NULL OR c.status = @status)
          ORDER BY c.year DESC, c.opens_at, c.id`),
      campaign: db.prepare<[string], Raw<CampaignRow, 'eligibleSchoolKinds'>>(
        `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c WHERE c.id = ?`,
      ),
      entries: db.prepare<{ campaignId: string; schoolId: string | null }, Raw<EntryRow, 'participants'>>(
        `SELECT ${ENTRY_COLUMNS} FROM entries e
          WHERE e.campaign_id = @campaignId AND (@schoolId IS NULL OR e.school_id = @schoolId)
          ORDER BY e.submitted_at, e.id`,
      ),
      entry: db.prepare<[string], Raw<EntryRow, 'participants'>>(
        `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id = ?`,
      ),
      history: db.prepare<[string], HistoryRow>(
        `SELECT type, recorded_at AS recordedAt, actor, role, data FROM entry_history
          WHERE entry_id = ? ORDER BY position`,
      ),
      participationBySchool: db.prepare<
        { year: number; campaignId: string | null },
        Omit<ParticipationRow, 'participationRate'>
      >(`WITH live AS (
            SELECT e.id, e.school_id FROM entries e JOIN campaigns c ON c.id = e.campaign_id
            WHERE c.year = @year AND e.status = 'LIVE' AND (@campaignId IS NULL OR e.campaign_id = @campaignId)
          ),
          entry_counts AS (SELECT school_id, count(*) AS entries FROM live GROUP BY school_id),
          people AS (
            SELECT p.school_id,
              count(DISTINCT CASE WHEN p.role = 'STUDENT' THEN p.person_key END) AS students,
              count(DISTINCT p.person_key) AS participants,
              count(DISTINCT CASE WHEN p.role = 'RETIRED_TEACHER' THEN p.person_key END) AS retiredTeachers
            FROM participants p JOIN live ON live.id = p.entry_id GROUP BY p.school_id
          )
          SELECT s.id AS key, s.name AS label,
            CASE WHEN ec.entries > 0 THEN 1 ELSE 0 END AS schools,
            coalesce(ec.entries, 0) AS entries,
            coalesce(pp.students, 0) AS students,
            coalesce(pp.participants, 0) AS participants,
            coalesce(pp.retiredTeachers, 0) AS retiredTeachers,
            en.students AS enrolled
          FROM schools s
          LEFT JOIN entry_counts ec ON ec.school_id = s.id
          LEFT JOIN people pp ON pp.school_id = s.id
          LEFT JOIN enrollments en ON en.school_id = s.id AND en.year = @year
          ORDER BY s.id`),
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

  /** Participation of every school in a year: schools without activity appear with zeros. */
  participationBySchool(year: number, campaignId?: string): ParticipationRow[] {
    return this.#stmt.participationBySchool.all({ year, campaignId: campaignId ?? null }).map((row) => ({
      ...row,
      participationRate: row.enrolled ? row.students / row.enrolled : null,
    }));
  }
}
