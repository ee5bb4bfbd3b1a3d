import type { JudgingProgressRow, ScoreRow } from '@qingmiao/projections';
import { builder } from './builder.ts';
import { Campaign } from './campaigns.ts';
import { Entry } from './entries.ts';

const CriterionScore = builder.objectRef<ScoreRow['criteria'][number]>('CriterionScore').implement({
  fields: (t) => ({ criterion: t.exposeString('criterion'), score: t.exposeFloat('score') }),
});

const Score = builder.objectRef<ScoreRow>('Score').implement({
  description: "One judge's score of an entry.",
  fields: (t) => ({
    judge: t.exposeString('judge'),
    weightedScore: t.exposeFloat('weightedScore', { description: 'Rubric-weighted, 0–100.' }),
    criteria: t.field({ type: [CriterionScore], resolve: (score) => score.criteria }),
    comment: t.exposeString('comment', { nullable: true }),
    scoredAt: t.field({ type: 'DateTime', resolve: (score) => score.scoredAt }),
  }),
});

const JudgingProgress = builder.objectRef<JudgingProgressRow>('JudgingProgress').implement({
  description: "A judge's progress: live entries to score (not recused) and scored so far.",
  fields: (t) => ({
    judge: t.exposeString('judge'),
    assigned: t.exposeInt('assigned'),
    scored: t.exposeInt('scored'),
  }),
});

builder.objectFields(Entry, (t) => ({
  scores: t.field({
    type: [Score],
    description: 'Organizers see every score, a judge only their own.',
    authScopes: { organizer: true, judge: true },
    resolve: (entry, _args, { read, actor }) =>
      read.scores(entry.id).filter((score) => actor.role === 'organizer' || score.judge === actor.sub),
  }),
}));

builder.objectFields(Campaign, (t) => ({
  leaderboard: t.field({
    type: [Entry],
    description: 'Live entries by mean score, best first; unscored entries last.',
    authScopes: { organizer: true },
    resolve: (campaign, _args, { read }) => read.leaderboard(campaign.id),
  }),
  judgingProgress: t.field({
    type: [JudgingProgress],
    authScopes: { organizer: true },
    resolve: (campaign, _args, { read }) => read.judgingProgress(campaign.id),
  }),
}));
