import type { DomainEvent } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { defineProjection } from '../projection.ts';

/** One change to a campaign itself (not to an entry or a lecture in it): what happened, when and by whom. */
export interface CampaignHistoryRow {
  readonly type: string;
  readonly recordedAt: string;
  readonly actor: string;
  readonly role: string;
  /** The deadline set (creation, a draft's new settings, extension). */
  readonly closesAt: string | null;
  /** Why it was cancelled. */
  readonly reason: string | null;
  /** The judge assigned or unassigned. */
  readonly judge: string | null;
  /** The campaign a copy was made from. */
  readonly copiedFrom: string | null;
}

/**
 * A campaign's timeline: its creation (or copy), new settings while a draft, opening, deadline extensions, closing,
 * cancellation, publication and the changes to its panel, in log order. Entries and lectures have histories of
 * their own.
 */
export const campaignHistoryProjection = defineProjection({
  name: 'campaignHistory',
  version: 2,
  tables: [
    // Keyed by log position, as entry_history is: rows arrive in order.
    `CREATE TABLE campaign_history (
      position INTEGER PRIMARY KEY,
      campaign_id TEXT NOT NULL,
      type TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      role TEXT NOT NULL,
      closes_at TEXT,
      reason TEXT,
      judge TEXT,
      copied_from TEXT
    )`,
  ],
  indexes: ['CREATE INDEX campaign_history_by_campaign ON campaign_history (campaign_id)'],
  statements: {
    insertCampaignHistory: {
      table: 'campaign_history',
      sql: `INSERT INTO campaign_history
        (campaign_id, position, type, recorded_at, actor, role, closes_at, reason, judge, copied_from)
        VALUES (@campaignId, @position, @type, @at, @actor, @role, @closesAt, @reason, @judge, @copiedFrom)`,
    },
  },
  handles: {
    CampaignCreated: ['insertCampaignHistory'],
    CampaignSettingsChanged: ['insertCampaignHistory'],
    CampaignOpened: ['insertCampaignHistory'],
    DeadlineExtended: ['insertCampaignHistory'],
    CampaignClosed: ['insertCampaignHistory'],
    CampaignCancelled: ['insertCampaignHistory'],
    ResultsPublished: ['insertCampaignHistory'],
    JudgeAssigned: ['insertCampaignHistory'],
    JudgeUnassigned: ['insertCampaignHistory'],
  },
  handle(event: DomainEvent, { metadata: { actor, role, recordedAt }, position }) {
    const details = detailsOf(event);
    if (!details) return [];
    return [
      {
        statement: 'insertCampaignHistory',
        params: {
          campaignId: details.campaignId,
          position,
          type: event.type,
          at: recordedAt,
          actor,
          role,
          ...details.said,
        },
      },
    ];
  },
});

type Details = Pick<CampaignHistoryRow, 'closesAt' | 'reason' | 'judge' | 'copiedFrom'>;
const NOTHING: Details = { closesAt: null, reason: null, judge: null, copiedFrom: null };

/** What a campaign's own event says beyond its type; undefined for events about entries and lectures. */
function detailsOf(event: DomainEvent): { readonly campaignId: string; readonly said: Details } | undefined {
  switch (event.type) {
    case 'CampaignCreated': {
      const { campaignId, closesAt, copiedFrom } = event.data;
      return { campaignId, said: { ...NOTHING, closesAt, copiedFrom } };
    }
    case 'CampaignSettingsChanged':
    case 'DeadlineExtended':
      return { campaignId: event.data.campaignId, said: { ...NOTHING, closesAt: event.data.closesAt } };
    case 'CampaignCancelled':
      return { campaignId: event.data.campaignId, said: { ...NOTHING, reason: event.data.reason } };
    case 'JudgeAssigned':
    case 'JudgeUnassigned':
      return { campaignId: event.data.campaignId, said: { ...NOTHING, judge: event.data.judge } };
    case 'CampaignOpened':
    case 'CampaignClosed':
    case 'ResultsPublished':
      return { campaignId: event.data.campaignId, said: NOTHING };
    default:
      return undefined;
  }
}

export function campaignHistoryQueries(db: Database.Database) {
  const history = db.prepare<[string], CampaignHistoryRow>(
    `SELECT type, recorded_at AS recordedAt, actor, role, closes_at AS closesAt, reason, judge,
        copied_from AS copiedFrom
      FROM campaign_history WHERE campaign_id = ? ORDER BY position`,
  );
  return {
    /** The campaign's own events in log order. */
    campaignHistory: (campaignId: string): CampaignHistoryRow[] => history.all(campaignId),
  };
}
