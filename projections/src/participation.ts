import { type ParticipationGrouping, type Prize, SCHOOL_KIND_LABELS } from '@qingmiao/schema';
import type Database from 'better-sqlite3';

export interface ParticipationRow {
  readonly key: string;
  readonly label: string;
  /** Schools with a live entry or a hosted lecture. */
  readonly schools: number;
  readonly entries: number;
  readonly students: number;
  readonly participants: number;
  readonly retiredTeachers: number;
  readonly enrolled: number | null;
  readonly participationRate: number | null;
  readonly awards: number;
  readonly awardsByPrize: Readonly<Record<Prize, number>>;
  readonly lecturesDelivered: number;
  readonly audience: number;
}

/** The tables the participation figures read; an as-of replay fills only these. */
export const PARTICIPATION_TABLES: ReadonlySet<string> = new Set([
  'schools',
  'enrollments',
  'campaigns',
  'entries',
  'participants',
  'lectures',
]);

/**
 * Whose awards the figures count: every campaign's, or only those of campaigns whose results are published (awards
 * are judging, confidential until publication: only organizers see them before).
 */
export type AwardsCounted = 'all' | 'published';

type Raw = Omit<ParticipationRow, 'participationRate' | 'awardsByPrize'> & Record<Prize, number>;

const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** A school kind's Chinese name, in SQL, from the labels of the contract. */
const SCHOOL_KIND_LABEL = `CASE s.kind ${Object.entries(SCHOOL_KIND_LABELS)
  .map(([kind, label]) => `WHEN ${sqlText(kind)} THEN ${sqlText(label)}`)
  .join(' ')} ELSE s.kind END`;

/** The bureau works in China Standard Time: months are local months. */
const LOCAL_MONTH = (column: string) => `strftime('%Y-%m', ${column}, '+8 hours')`;

const SCHOOLS_OF = (groupColumn: string, label: string) => `SELECT ${groupColumn} AS key, ${label} AS label,
  sum(en.students) AS enrolled
  FROM schools s LEFT JOIN enrollments en ON en.school_id = s.id AND en.year = @year GROUP BY ${groupColumn}`;

/** The whole year as one group, keyed by the year: the totals of every grouping (lectures at other venues too). */
export const WHOLE_YEAR = 'YEAR';
const YEAR_KEY = "printf('%d', @year)";

/**
 * How each grouping assigns entries and lectures to groups, and which groups exist even without activity (with
 * their enrollment, the denominator of the participation rate). Lectures count for the school that hosted them.
 */
const GROUPINGS: Record<ParticipationGrouping | typeof WHOLE_YEAR, { entry: string; lecture: string; groups: string }> =
  {
    SCHOOL: {
      entry: 's.id',
      lecture: 's.id',
      groups: `SELECT s.id AS key, s.name AS label, en.students AS enrolled
      FROM schools s LEFT JOIN enrollments en ON en.school_id = s.id AND en.year = @year`,
    },
    TOWN: { entry: 's.town', lecture: 's.town', groups: SCHOOLS_OF('s.town', 's.town') },
    SCHOOL_KIND: { entry: 's.kind', lecture: 's.kind', groups: SCHOOLS_OF('s.kind', SCHOOL_KIND_LABEL) },
    CAMPAIGN: {
      entry: 'e.campaign_id',
      lecture: 'l.campaign_id',
      // A campaign's denominator: students of every school kind it is open to.
      groups: `SELECT c.id AS key, c.title AS label,
        (SELECT sum(en.students) FROM schools s JOIN enrollments en ON en.school_id = s.id AND en.year = @year
          WHERE s.kind IN (SELECT value FROM json_each(c.eligible_school_kinds))) AS enrolled
      FROM scope JOIN campaigns c ON c.id = scope.id`,
    },
    MONTH: {
      entry: LOCAL_MONTH('e.submitted_at'),
      lecture: LOCAL_MONTH('l.scheduled_at'),
      groups: `SELECT key, key AS label, (SELECT sum(students) FROM enrollments WHERE year = @year) AS enrolled FROM (
        SELECT printf('%04d-%02d', @year, m) AS key FROM months
        UNION SELECT g FROM live UNION SELECT g FROM delivered)`,
    },
    YEAR: {
      entry: YEAR_KEY,
      lecture: YEAR_KEY,
      groups: `SELECT ${YEAR_KEY} AS key, ${YEAR_KEY} AS label,
      (SELECT sum(students) FROM enrollments WHERE year = @year) AS enrolled`,
    },
  };

function participationSql(grouping: ParticipationGrouping | typeof WHOLE_YEAR): string {
  const { entry, lecture, groups } = GROUPINGS[grouping];
  return `WITH RECURSIVE
    months(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM months WHERE m < 12),
    scope AS (SELECT id FROM campaigns WHERE year = @year AND (@campaignId IS NULL OR id = @campaignId)),
    live AS (
      SELECT e.id, e.school_id, CASE WHEN @allAwards OR c.status = 'RESULTS_PUBLISHED' THEN e.prize END AS prize,
        ${entry} AS g
      FROM entries e JOIN scope ON scope.id = e.campaign_id JOIN campaigns c ON c.id = e.campaign_id
        JOIN schools s ON s.id = e.school_id
      WHERE e.status = 'LIVE'),
    delivered AS (
      SELECT l.school_id, l.audience, ${lecture} AS g
      FROM lectures l JOIN scope ON scope.id = l.campaign_id LEFT JOIN schools s ON s.id = l.school_id
      WHERE l.status = 'DELIVERED'),
    entry_figures AS (
      SELECT g, count(*) AS entries, count(prize) AS awards, sum(prize = 'FIRST') AS FIRST,
        sum(prize = 'SECOND') AS SECOND, sum(prize = 'THIRD') AS THIRD, sum(prize = 'EXCELLENCE') AS EXCELLENCE
      FROM live GROUP BY g),
    people AS (
      SELECT live.g,
        count(DISTINCT CASE WHEN p.role = 'STUDENT' THEN p.person_key END) AS students,
        count(DISTINCT p.person_key) AS participants,
        count(DISTINCT CASE WHEN p.role = 'RETIRED_TEACHER' THEN p.person_key END) AS retiredTeachers
      FROM participants p JOIN live ON live.id = p.entry_id GROUP BY live.g),
    lecture_figures AS (SELECT g, count(*) AS lecturesDelivered, sum(audience) AS audience FROM delivered GROUP BY g),
    active AS (
      SELECT g, count(DISTINCT school_id) AS schools
      FROM (SELECT g, school_id FROM live UNION SELECT g, school_id FROM delivered WHERE school_id IS NOT NULL)
      GROUP BY g),
    groups AS (${groups})
    SELECT groups.key, groups.label, groups.enrolled,
      coalesce(active.schools, 0) AS schools,
      coalesce(ef.entries, 0) AS entries,
      coalesce(pp.students, 0) AS students,
      coalesce(pp.participants, 0) AS participants,
      coalesce(pp.retiredTeachers, 0) AS retiredTeachers,
      coalesce(ef.awards, 0) AS awards,
      coalesce(ef.FIRST, 0) AS FIRST, coalesce(ef.SECOND, 0) AS SECOND,
      coalesce(ef.THIRD, 0) AS THIRD, coalesce(ef.EXCELLENCE, 0) AS EXCELLENCE,
      coalesce(lf.lecturesDelivered, 0) AS lecturesDelivered,
      coalesce(lf.audience, 0) AS audience
    FROM groups
    LEFT JOIN entry_figures ef ON ef.g = groups.key
    LEFT JOIN people pp ON pp.g = groups.key
    LEFT JOIN lecture_figures lf ON lf.g = groups.key
    LEFT JOIN active ON active.g = groups.key
    WHERE groups.key IS NOT NULL
    ORDER BY groups.key`;
}

export type ParticipationQuery = (
  year: number,
  groupBy: ParticipationGrouping | typeof WHOLE_YEAR,
  campaignId?: string,
  awards?: AwardsCounted,
) => ParticipationRow[];

/** Participation figures of a year per group; groups without activity appear with zeros. */
export function participationQuery(db: Database.Database): ParticipationQuery {
  const statements = new Map<
    ParticipationGrouping | typeof WHOLE_YEAR,
    Database.Statement<{ year: number; campaignId: string | null; allAwards: number }, Raw>
  >();
  return (year, groupBy, campaignId, awards = 'all') => {
    let statement = statements.get(groupBy);
    if (!statement) {
      statement = db.prepare(participationSql(groupBy));
      statements.set(groupBy, statement);
    }
    return statement
      .all({ year, campaignId: campaignId ?? null, allAwards: awards === 'all' ? 1 : 0 })
      .map(({ FIRST, SECOND, THIRD, EXCELLENCE, ...row }) => ({
        ...row,
        awardsByPrize: { FIRST, SECOND, THIRD, EXCELLENCE },
        participationRate: row.enrolled ? row.students / row.enrolled : null,
      }));
  };
}
