import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { checked } from '../../checked.ts';

/** The campaigns on the judge's panels, with how far the judge is in each (the server counts). */
export const JudgeCampaigns = checked(
  graphql(`
    query JudgeCampaigns {
      campaigns { id title year status closesAt assignedToMe myProgress { assigned scored } }
    }
  `),
);

/** The fields of an entry the queue shows: only what the API lets a judge see (blind: no school, no people). */
const QueueEntry = graphql(`
  fragment JudgeQueueEntry on Entry @_unmask {
    id
    title
    status
    myRecusal
    scores { judge weightedScore comment criteria { criterion score } scoredAt }
  }
`);

/** One campaign's queue: its rubric, the judge's progress and every entry with the judge's own score. */
export const JudgeQueue = checked(
  graphql(
    `
    query JudgeQueue($id: ID!) {
      campaign(id: $id) {
        id
        title
        year
        status
        assignedToMe
        rubric { name weight maxScore }
        myProgress { assigned scored }
        entries { ...JudgeQueueEntry }
      }
    }
  `,
    [QueueEntry],
  ),
);

export const ScoreEntry = checked(
  graphql(
    `
    mutation JudgeScoreEntry($input: ScoreEntryInput!) { scoreEntry(input: $input) { ...JudgeQueueEntry } }
  `,
    [QueueEntry],
  ),
);

export const RecuseFromEntry = checked(
  graphql(
    `
    mutation JudgeRecuse($input: RecuseFromEntryInput!) { recuseFromEntry(input: $input) { ...JudgeQueueEntry } }
  `,
    [QueueEntry],
  ),
);

export type QueueCampaign = NonNullable<ResultOf<typeof JudgeQueue>['campaign']>;
export type QueueEntryView = QueueCampaign['entries'][number];
export type RubricCriterion = QueueCampaign['rubric'][number];
