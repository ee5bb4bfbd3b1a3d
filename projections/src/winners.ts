import { type CampaignKind, type CampaignStatus, Prize } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import type { AwardsCounted } from './participation.ts';
import type { Raw } from './raw-row.ts';
import { PARTICIPANT_JSON, type ParticipantRow } from './read-models/entries.ts';

/** One awarded entry of a year's winners list, with what it is listed under. */
export interface WinnerRow {
  readonly entryId: string;
  readonly campaignId: string;
  readonly campaignTitle: string;
  readonly campaignKind: CampaignKind;
  readonly campaignStatus: CampaignStatus;
  readonly prize: Prize;
  readonly title: string;
  readonly schoolId: string;
  readonly schoolName: string;
  readonly advisor: string | null;
  readonly participants: ParticipantRow[];
}

type RawWinner = Raw<WinnerRow, 'participants'>;

/** Prizes from the highest down, in the order of the contract's enum. */
const PRIZE_ORDER = `CASE e.prize ${Prize.options.map((prize, i) => `WHEN '${prize}' THEN ${i}`).join(' ')} END`;

/**
 * The live entries holding a prize in a year's campaigns (or one of them), cancelled campaigns aside: by campaign
 * (as `campaigns(year)` lists them), prize from first to excellence, school id, title. With `published` only the
 * campaigns whose results are published: awards are confidential until then.
 */
export function winnersQuery(db: Database.Database) {
  const statement = db.prepare<{ year: number; campaignId: string | null; allAwards: number }, RawWinner>(
    `SELECT e.id AS entryId, c.id AS campaignId, c.title AS campaignTitle, c.kind AS campaignKind,
        c.status AS campaignStatus, e.prize, e.title, s.id AS schoolId, s.name AS schoolName, e.advisor,
        (SELECT json_group_array(${PARTICIPANT_JSON} ORDER BY p.seq) FROM participants p WHERE p.entry_id = e.id)
          AS participants
      FROM entries e JOIN campaigns c ON c.id = e.campaign_id JOIN schools s ON s.id = e.school_id
      WHERE c.year = @year AND (@campaignId IS NULL OR c.id = @campaignId) AND c.status <> 'CANCELLED'
        AND e.status = 'LIVE' AND e.prize IS NOT NULL
        AND (@allAwards OR c.status = 'RESULTS_PUBLISHED')
      ORDER BY c.opens_at, c.id,
        ${PRIZE_ORDER}, s.id, e.title, e.id`,
  );
  return (year: number, campaignId: string | undefined, awards: AwardsCounted): WinnerRow[] =>
    statement
      .all({ year, campaignId: campaignId ?? null, allAwards: awards === 'all' ? 1 : 0 })
      .map((row) => ({ ...row, participants: JSON.parse(row.participants) as ParticipantRow[] }));
}
