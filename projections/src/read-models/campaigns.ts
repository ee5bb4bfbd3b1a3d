import { defineProjection } from '../projection.ts';

export const campaignsProjection = defineProjection({
  name: 'campaigns',
  version: 2,
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
  ],
  indexes: ['CREATE INDEX campaigns_by_year ON campaigns (year, kind)'],
  statements: {
    insertCampaign: `INSERT INTO campaigns (id, kind, title, theme, year, opens_at, closes_at, eligible_school_kinds,
        max_entries_per_school, target_sessions, award_quota, rubric, copied_from, status, created_at)
      VALUES (@id, @kind, @title, @theme, @year, @opensAt, @closesAt, @eligibleSchoolKinds,
        @maxEntriesPerSchool, @targetSessions, @awardQuota, @rubric, @copiedFrom, 'DRAFT', @at)`,
    setStatus: 'UPDATE campaigns SET status = @status WHERE id = @id',
    cancel: "UPDATE campaigns SET status = 'CANCELLED', cancel_reason = @reason WHERE id = @id",
    extendDeadline: 'UPDATE campaigns SET closes_at = @closesAt WHERE id = @id',
    insertJudge: 'INSERT INTO judges (campaign_id, judge, assigned_at) VALUES (@campaignId, @judge, @at)',
    deleteJudge: 'DELETE FROM judges WHERE campaign_id = @campaignId AND judge = @judge',
  },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'CampaignCreated': {
        const { campaignId, eligibleSchoolKinds, rubric, ...rest } = event.data;
        return [
          {
            statement: 'insertCampaign',
            params: {
              ...rest,
              id: campaignId,
              eligibleSchoolKinds: JSON.stringify(eligibleSchoolKinds),
              rubric: JSON.stringify(rubric),
              at: metadata.recordedAt,
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
