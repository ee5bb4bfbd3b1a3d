import { defineProjection } from '../projection.ts';

export const campaignsProjection = defineProjection({
  name: 'campaigns',
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
      status TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
    'CREATE INDEX campaigns_by_year ON campaigns (year, kind)',
  ],
  statements: {
    insertCampaign: `INSERT INTO campaigns (id, kind, title, theme, year, opens_at, closes_at, eligible_school_kinds,
        max_entries_per_school, target_sessions, award_quota, status, created_at)
      VALUES (@id, @kind, @title, @theme, @year, @opensAt, @closesAt, @eligibleSchoolKinds,
        @maxEntriesPerSchool, @targetSessions, @awardQuota, 'DRAFT', @at)`,
    setStatus: 'UPDATE campaigns SET status = @status WHERE id = @id',
  },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'CampaignCreated': {
        const { campaignId, eligibleSchoolKinds, ...rest } = event.data;
        return [
          {
            statement: 'insertCampaign',
            params: {
              ...rest,
              id: campaignId,
              eligibleSchoolKinds: JSON.stringify(eligibleSchoolKinds),
              at: metadata.recordedAt,
            },
          },
        ];
      }
      case 'CampaignOpened':
        return [{ statement: 'setStatus', params: { id: event.data.campaignId, status: 'OPEN' } }];
      case 'CampaignClosed':
        return [{ statement: 'setStatus', params: { id: event.data.campaignId, status: 'CLOSED' } }];
      default:
        return [];
    }
  },
});
