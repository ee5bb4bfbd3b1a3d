import type Database from 'better-sqlite3';
import { type AwardsCounted, type ParticipationRow, participationQuery, WHOLE_YEAR } from '../participation.ts';
import type { Projection } from '../projection.ts';
import { winnersQuery } from '../winners.ts';
import { accountQueries, accountsProjection } from './accounts.ts';
import { campaignHistoryProjection, campaignHistoryQueries } from './campaign-history.ts';
import { campaignQueries, campaignsProjection } from './campaigns.ts';
import { entriesProjection, entryQueries } from './entries.ts';
import { entryHistoryQueries } from './entry-history.ts';
import { erasedFileQueries, erasedFilesProjection } from './erased-files.ts';
import { lecturerQueries, lecturersProjection } from './lecturers.ts';
import { lectureQueries, lecturesProjection } from './lectures.ts';
import { personalDataProjection, personalDataQueries } from './personal-data.ts';
import { schoolQueries, schoolsProjection } from './schools.ts';

/** Every read model's write half, applied together in one transaction per batch with one checkpoint. */
export const projections: readonly Projection[] = [
  schoolsProjection,
  lecturersProjection,
  campaignsProjection,
  campaignHistoryProjection,
  entriesProjection,
  personalDataProjection,
  erasedFilesProjection,
  lecturesProjection,
  accountsProjection,
];

/** Every read model's read half over one read-model database, as prepared statements: what the API reads. */
export function readModelQueries(db: Database.Database) {
  const participation = participationQuery(db);
  return {
    ...schoolQueries(db),
    ...lecturerQueries(db),
    ...campaignQueries(db),
    ...campaignHistoryQueries(db),
    ...entryQueries(db),
    ...entryHistoryQueries(db),
    ...lectureQueries(db),
    ...accountQueries(db),
    ...personalDataQueries(db),
    ...erasedFileQueries(db),
    /** Participation figures of a year per group; groups without activity appear with zeros. */
    participation,
    /** The awarded entries of a year's campaigns, as the winners list shows them. */
    winners: winnersQuery(db),
    /** A year's participation figures as one row: what the groups of any grouping add up to. */
    participationTotals(year: number, campaignId?: string, awards?: AwardsCounted): ParticipationRow {
      const [totals] = participation(year, WHOLE_YEAR, campaignId, awards);
      if (!totals) throw new Error(`no participation totals for ${year}`);
      return totals;
    },
  };
}

export type ReadModelQueries = ReturnType<typeof readModelQueries>;
