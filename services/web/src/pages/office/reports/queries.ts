import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { checked } from '../../../checked.ts';

/** The year's winners with the campaigns they are listed under; organizers see unpublished awards too. */
export const WINNERS_QUERY = checked(
  graphql(`
    query OfficeWinners($year: Int!, $campaignId: ID) {
      campaigns(year: $year) { id title kind takes status }
      winners(year: $year, campaignId: $campaignId) {
        entryId campaignId prize title schoolId schoolName advisor participants { name }
      }
    }
  `),
);

type WinnersData = ResultOf<typeof WINNERS_QUERY>;
export type Winner = WinnersData['winners'][number];
export type CampaignItem = WinnersData['campaigns'][number];

/**
 * Every school's figures for the year and what each school is: a school took part when `schools` is 1 (a live entry
 * in one of the year's campaigns, or a delivered lecture it hosted).
 */
export const INACTIVE_SCHOOLS_QUERY = checked(
  graphql(`
    query OfficeInactiveSchools($year: Int!) {
      participation(year: $year, groupBy: SCHOOL) { key label schools enrolled }
      schools { id kind town }
    }
  `),
);

/** When each campaign year's personal data (names, grades, keys, advisors, texts, file names) expires. */
export const RETENTION_QUERY = checked(
  graphql(`
    query OfficePersonalDataRetention {
      personalDataRetention { year entries dueAt expired expiredAt }
    }
  `),
);
