import type { CampaignKind, CampaignStatus, Criterion, SchoolKind } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { defineProjection } from '../projection.ts';
import type { Raw } from '../raw-row.ts';

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
  /** Judges see its entries without school, advisor, participants or file names. */
  readonly blindJudging: boolean;
  /** Every STUDENT participant of its entries carries a guardian's consent, attested by the school. */
  readonly requireGuardianConsent: boolean;
  readonly status: CampaignStatus;
  readonly cancelReason: string | null;
  /** Live entries, the schools they come from, those awarded and those intergenerational. */
  readonly entryCount: number;
  readonly schoolCount: number;
  readonly awardsGranted: number;
  readonly intergenerationalEntries: number;
  /** Delivered lectures and their audience. */
  readonly sessionsDelivered: number;
  readonly audience: number;
  readonly judges: string[];
}

/** What decides who may see a campaign's entries and their judging. */
export type CampaignPanel = Pick<CampaignRow, 'status' | 'judges' | 'blindJudging'>;

export interface CampaignFilter {
  readonly year?: number | undefined;
  readonly kind?: CampaignKind | undefined;
  readonly status?: CampaignStatus | undefined;
}

/** The settings SQLite keeps as JSON text or as 0/1. */
const encodedSettings = (
  settings: Pick<CampaignRow, 'eligibleSchoolKinds' | 'rubric' | 'blindJudging' | 'requireGuardianConsent'>,
) => ({
  eligibleSchoolKinds: JSON.stringify(settings.eligibleSchoolKinds),
  rubric: JSON.stringify(settings.rubric),
  blindJudging: settings.blindJudging ? 1 : 0,
  requireGuardianConsent: settings.requireGuardianConsent ? 1 : 0,
});

export const campaignsProjection = defineProjection({
  name: 'campaigns',
  version: 5,
  tables: [
    `CREATE TABLE campaigns (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      title TEXT NOT NULL,
      theme TEXT NOT NULL,
      year INTEGER NOT NULL,
      opens_at TEXT NOT NULL,
      closes_at TEXT NOT NULL,
      eligible_school_kinds TEXT NOT NULL,
      max_entries_per_school INTEGER,
      target_sessions INTEGER,
      award_quota REAL,
      rubric TEXT NOT NULL,
      copied_from TEXT,
      blind_judging INTEGER NOT NULL,
      require_guardian_consent INTEGER NOT NULL,
      status TEXT NOT NULL,
      cancel_reason TEXT,
      created_at TEXT NOT NULL
    )`,
    `CREATE TABLE judges (
      campaign_id TEXT NOT NULL,
      judge TEXT NOT NULL,
      assigned_at TEXT NOT NULL,
      PRIMARY KEY (campaign_id, judge)
    ) WITHOUT ROWID`,
    // A campaign's running totals, kept as its entries and lectures change by the projections of those (entries.ts,
    // lectures.ts): apart from `campaigns` so that an as-of replay, which reads campaigns, need not keep them.
    `CREATE TABLE campaign_figures (
      campaign_id TEXT PRIMARY KEY,
      entry_count INTEGER NOT NULL DEFAULT 0,
      school_count INTEGER NOT NULL DEFAULT 0,
      awards_granted INTEGER NOT NULL DEFAULT 0,
      intergenerational_entries INTEGER NOT NULL DEFAULT 0,
      sessions_delivered INTEGER NOT NULL DEFAULT 0,
      audience INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID`,
  ],
  indexes: ['CREATE INDEX campaigns_by_year ON campaigns (year, kind)'],
  statements: {
    insertCampaign: {
      table: 'campaigns',
      sql: `INSERT INTO campaigns (id, kind, title, theme, year, opens_at, closes_at, eligible_school_kinds,
          max_entries_per_school, target_sessions, award_quota, rubric, copied_from, blind_judging,
          require_guardian_consent, status, created_at)
        VALUES (@id, @kind, @title, @theme, @year, @opensAt, @closesAt, @eligibleSchoolKinds,
          @maxEntriesPerSchool, @targetSessions, @awardQuota, @rubric, @copiedFrom, @blindJudging,
          @requireGuardianConsent, 'DRAFT', @at)`,
    },
    insertFigures: { table: 'campaign_figures', sql: 'INSERT INTO campaign_figures (campaign_id) VALUES (@id)' },
    changeSettings: {
      table: 'campaigns',
      sql: `UPDATE campaigns SET title = @title, theme = @theme, opens_at = @opensAt, closes_at = @closesAt,
          eligible_school_kinds = @eligibleSchoolKinds, max_entries_per_school = @maxEntriesPerSchool,
          target_sessions = @targetSessions, award_quota = @awardQuota, rubric = @rubric, blind_judging = @blindJudging,
          require_guardian_consent = @requireGuardianConsent
        WHERE id = @id`,
    },
    setStatus: { table: 'campaigns', sql: 'UPDATE campaigns SET status = @status WHERE id = @id' },
    cancel: {
      table: 'campaigns',
      sql: "UPDATE campaigns SET status = 'CANCELLED', cancel_reason = @reason WHERE id = @id",
    },
    extendDeadline: { table: 'campaigns', sql: 'UPDATE campaigns SET closes_at = @closesAt WHERE id = @id' },
    insertJudge: {
      table: 'judges',
      sql: 'INSERT INTO judges (campaign_id, judge, assigned_at) VALUES (@campaignId, @judge, @at)',
    },
    deleteJudge: { table: 'judges', sql: 'DELETE FROM judges WHERE campaign_id = @campaignId AND judge = @judge' },
  },
  handles: {
    CampaignCreated: ['insertCampaign', 'insertFigures'],
    CampaignSettingsChanged: ['changeSettings'],
    CampaignOpened: ['setStatus'],
    CampaignClosed: ['setStatus'],
    ResultsPublished: ['setStatus'],
    CampaignCancelled: ['cancel'],
    DeadlineExtended: ['extendDeadline'],
    JudgeAssigned: ['insertJudge'],
    JudgeUnassigned: ['deleteJudge'],
  },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'CampaignCreated': {
        const { campaignId, eligibleSchoolKinds, rubric, blindJudging, requireGuardianConsent, ...rest } = event.data;
        return [
          {
            statement: 'insertCampaign',
            params: {
              ...rest,
              id: campaignId,
              ...encodedSettings({ eligibleSchoolKinds, rubric, blindJudging, requireGuardianConsent }),
              at: metadata.recordedAt,
            },
          },
          { statement: 'insertFigures', params: { id: campaignId } },
        ];
      }
      case 'CampaignSettingsChanged': {
        const { campaignId, eligibleSchoolKinds, rubric, blindJudging, requireGuardianConsent, ...rest } = event.data;
        return [
          {
            statement: 'changeSettings',
            params: {
              ...rest,
              id: campaignId,
              ...encodedSettings({ eligibleSchoolKinds, rubric, blindJudging, requireGuardianConsent }),
            },
          },
        ];
      }
      case 'CampaignOpened':
        return [{ statement: 'setStatus', params: { id: event.data.campaignId, status: 'OPEN' } }];
      case 'CampaignClosed':
        return [{ statement: 'setStatus', params: { id: event.data.campaignId, status: 'CLOSED' } }];
      case 'ResultsPublished':
        return [{ statement: 'setStatus', params: { id: event.data.campaignId, status: 'RESULTS_PUBLISHED' } }];
      case 'CampaignCancelled':
        return [{ statement: 'cancel', params: { id: event.data.campaignId, reason: event.data.reason } }];
      case 'DeadlineExtended':
        return [{ statement: 'extendDeadline', params: { id: event.data.campaignId, closesAt: event.data.closesAt } }];
      case 'JudgeAssigned':
        return [{ statement: 'insertJudge', params: { ...event.data, at: metadata.recordedAt } }];
      case 'JudgeUnassigned':
        return [{ statement: 'deleteJudge', params: event.data }];
      default:
        return [];
    }
  },
});

// The judges are a list, read along the judges' primary key.
const JUDGES = '(SELECT json_group_array(j.judge ORDER BY j.judge) FROM judges j WHERE j.campaign_id = c.id) AS judges';

const CAMPAIGN_COLUMNS = `c.id, c.kind, c.title, c.theme, c.year, c.opens_at AS opensAt, c.closes_at AS closesAt,
  c.eligible_school_kinds AS eligibleSchoolKinds, c.max_entries_per_school AS maxEntriesPerSchool,
  c.target_sessions AS targetSessions, c.award_quota AS awardQuota, c.rubric, c.copied_from AS copiedFrom,
  c.blind_judging AS blindJudging, c.require_guardian_consent AS requireGuardianConsent, c.status,
  c.cancel_reason AS cancelReason, f.entry_count AS entryCount, f.school_count AS schoolCount,
  f.awards_granted AS awardsGranted, f.intergenerational_entries AS intergenerationalEntries,
  f.sessions_delivered AS sessionsDelivered, f.audience, ${JUDGES}`;
const CAMPAIGNS = 'campaigns c JOIN campaign_figures f ON f.campaign_id = c.id';

type RawCampaign = Raw<
  CampaignRow,
  'eligibleSchoolKinds' | 'rubric' | 'judges',
  'blindJudging' | 'requireGuardianConsent'
>;
const toCampaign = (row: RawCampaign): CampaignRow => ({
  ...row,
  blindJudging: row.blindJudging === 1,
  requireGuardianConsent: row.requireGuardianConsent === 1,
  eligibleSchoolKinds: JSON.parse(row.eligibleSchoolKinds) as SchoolKind[],
  rubric: JSON.parse(row.rubric) as Criterion[],
  judges: JSON.parse(row.judges) as string[],
});

export function campaignQueries(db: Database.Database) {
  const campaigns = db.prepare<{ year: number | null; kind: string | null; status: string | null }, RawCampaign>(
    `SELECT ${CAMPAIGN_COLUMNS} FROM ${CAMPAIGNS}
      WHERE (@year IS NULL OR c.year = @year) AND (@kind IS NULL OR c.kind = @kind)
        AND (@status IS NULL OR c.status = @status)
      ORDER BY c.year DESC, c.opens_at, c.id`,
  );
  const campaign = db.prepare<[string], RawCampaign>(`SELECT ${CAMPAIGN_COLUMNS} FROM ${CAMPAIGNS} WHERE c.id = ?`);
  const panel = db.prepare<[string], Raw<CampaignPanel, 'judges', 'blindJudging'>>(
    `SELECT c.status, c.blind_judging AS blindJudging, ${JUDGES} FROM campaigns c WHERE c.id = ?`,
  );
  return {
    campaigns: (filter: CampaignFilter = {}): CampaignRow[] =>
      campaigns
        .all({ year: filter.year ?? null, kind: filter.kind ?? null, status: filter.status ?? null })
        .map(toCampaign),
    campaign: (id: string): CampaignRow | undefined => {
      const row = campaign.get(id);
      return row && toCampaign(row);
    },
    /** A campaign's status, judges and way of judging only, without the figures of `campaign`. */
    panel: (campaignId: string): CampaignPanel | undefined => {
      const row = panel.get(campaignId);
      return row && { ...row, blindJudging: row.blindJudging === 1, judges: JSON.parse(row.judges) as string[] };
    },
  };
}
