import { graphql, type ResultOf } from '@qingmiao/schema/graphql';

/** The figures of one group (school, town, kind, campaign, month): every number shown is the server's. */
const FIGURES = graphql(`
  fragment DashboardFigures on ParticipationRow @_unmask {
    key label rank schools entries students enrolled participationRate lecturesDelivered audience
  }
`);

export type ParticipationRow = ResultOf<typeof FIGURES>;

/** The years that have campaigns, to offer and to pick the default from. */
export const YEARS_QUERY = graphql('query DashboardYears { campaigns { year } }');

export const DASHBOARD_QUERY = graphql(
  `query Dashboard($year: Int!, $campaignId: ID) {
    campaigns(year: $year) { id title kind takes status targetSessions sessionsDelivered audience progress }
    schools: participation(year: $year, groupBy: SCHOOL, campaignId: $campaignId, rankBy: participationRate) {
      ...DashboardFigures
    }
    towns: participation(year: $year, groupBy: TOWN, campaignId: $campaignId) { ...DashboardFigures }
    kinds: participation(year: $year, groupBy: SCHOOL_KIND, campaignId: $campaignId) { ...DashboardFigures }
    byCampaign: participation(year: $year, groupBy: CAMPAIGN, campaignId: $campaignId) { ...DashboardFigures }
    months: participation(year: $year, groupBy: MONTH, campaignId: $campaignId) { ...DashboardFigures }
    totals: participationTotals(year: $year, campaignId: $campaignId) {
      schools entries students participationRate lecturesDelivered audience
    }
  }`,
  [FIGURES],
);

export type DashboardData = ResultOf<typeof DASHBOARD_QUERY>;
export type CampaignInfo = DashboardData['campaigns'][number];

/**
 * The schools a published campaign awarded, most awards first. Awards of campaigns whose results are not published
 * are not counted for anyone but organizers (the API's rule), so a viewer sees only published results.
 */
export const WINNERS_QUERY = graphql(`
  query DashboardWinners($year: Int!, $campaignId: ID!) {
    participation(year: $year, groupBy: SCHOOL, campaignId: $campaignId, rankBy: awards) {
      key label awards awardsByPrize { prize count }
    }
  }
`);

export type WinnerRow = ResultOf<typeof WINNERS_QUERY>['participation'][number];

export const CHANGES_SUBSCRIPTION = graphql(`
  subscription DashboardChanges($campaignId: ID) {
    participationChanged(campaignId: $campaignId) { campaignId position at }
  }
`);
