import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { checked } from '../../../checked.ts';

/**
 * Everything the office's judging page shows, as the server computes it: the panel and each judge's progress, the
 * leaderboard (live entries by mean rubric-weighted score, 0–100) with each entry's standard score (标准分, every judge
 * on one scale) and, in an evaluation, its stars; the quota and the awards granted; the judge accounts to choose from
 * and the schools' names.
 */
export const OfficeJudging = checked(
  graphql(`
    query OfficeJudging($id: ID!) {
      campaign(id: $id) {
        id
        kind
        title
        year
        status
        awardQuota
        awardCap
        awardsGranted
        entryCount
        judges
        rubric { name weight maxScore }
        judgingProgress { judge assigned scored }
        leaderboard { id title schoolId meanScore scoreCount prize stars }
        standardScores { entryId standardScore }
      }
      accounts(role: judge) { id login displayName status }
      schools { id name }
    }
  `),
);

export const AssignJudge = checked(
  graphql('mutation OfficeAssignJudge($input: AssignJudgeInput!) { assignJudge(input: $input) { id judges } }'),
);
export const UnassignJudge = checked(
  graphql('mutation OfficeUnassignJudge($input: UnassignJudgeInput!) { unassignJudge(input: $input) { id judges } }'),
);
export const AwardEntry = checked(
  graphql('mutation OfficeAwardEntry($input: AwardEntryInput!) { awardEntry(input: $input) { id prize } }'),
);
export const RevokeAward = checked(
  graphql('mutation OfficeRevokeAward($input: RevokeAwardInput!) { revokeAward(input: $input) { id prize } }'),
);
export const RateEntry = checked(
  graphql('mutation OfficeRateEntry($input: RateEntryInput!) { rateEntry(input: $input) { id stars } }'),
);
export const PublishResults = checked(
  graphql(
    'mutation OfficePublishResults($input: PublishResultsInput!) { publishResults(input: $input) { id status } }',
  ),
);

export type JudgingCampaign = NonNullable<ResultOf<typeof OfficeJudging>['campaign']>;
export type LeaderboardEntry = JudgingCampaign['leaderboard'][number];
export type JudgeAccount = ResultOf<typeof OfficeJudging>['accounts'][number];
