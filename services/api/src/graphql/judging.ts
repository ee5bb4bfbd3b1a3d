import type { JudgingProgressRow, ScoreRow, StandardScoreRow } from '@qingmiao/projections';
import { builder, type InputFieldBuilder } from './builder.ts';
import { Campaign, campaignMutation } from './campaigns.ts';
import { Entry } from './entries.ts';
import { visibleEntries } from './entry-access.ts';

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

const StandardScore = builder.objectRef<StandardScoreRow>('StandardScore').implement({
  description:
    "标准分 of a scored live entry: each judge's rubric-weighted scores turned into z-scores (against that judge's mean " +
    'and standard deviation in the campaign), averaged over the entry’s judges, as 50 + 10 z. A strict and a generous ' +
    'judge then weigh the same.',
  fields: (t) => ({
    entryId: t.exposeID('entryId'),
    standardScore: t.exposeFloat('standardScore'),
  }),
});

builder.objectFields(Entry, (t) => ({
  scores: t.field({
    type: [Score],
    description:
      'Organizers see every score, a judge of the campaign only their own; FORBIDDEN to schools, who see meanScore ' +
      'once results are published.',
    authScopes: (entry) => entry.access.scores !== 'none',
    resolve: (entry, _args, { read, actor }) =>
      read.scores(entry.id).filter((score) => entry.access.scores === 'all' || score.judge === actor.sub),
  }),
  myRecusal: t.string({
    nullable: true,
    description:
      'The reason the reader, a judge, gave for stepping aside from this entry; null when they did not (and for ' +
      'other roles).',
    resolve: (entry, _args, { read, actor }) =>
      actor.role === 'judge' ? (read.recusalReason(entry.id, actor.sub) ?? null) : null,
  }),
}));

builder.objectFields(Campaign, (t) => ({
  leaderboard: t.field({
    type: [Entry],
    description: 'Live entries by mean score, best first; unscored entries last.',
    authScopes: { organizer: true },
    resolve: (campaign, _args, { read, actor }) => visibleEntries(actor, campaign, read.leaderboard(campaign.id)),
  }),
  judgingProgress: t.field({
    type: [JudgingProgress],
    authScopes: { organizer: true },
    resolve: (campaign, _args, { read }) => read.judgingProgress(campaign.id),
  }),
  standardScores: t.field({
    type: [StandardScore],
    description:
      'Standard scores (标准分) of the scored live entries, beside the leaderboard’s mean scores (organizers).',
    authScopes: { organizer: true },
    resolve: (campaign, _args, { read }) => read.standardScores(campaign.id),
  }),
  myProgress: t.field({
    type: JudgingProgress,
    nullable: true,
    description: "The reader's own judgingProgress row when they are a judge on the panel; null for anyone else.",
    resolve: (campaign, _args, { read, actor }) =>
      actor.role === 'judge' ? read.judgingProgress(campaign.id).find((row) => row.judge === actor.sub) : null,
  }),
}));

const panelChange = {
  fields: (t: InputFieldBuilder) => ({
    campaignId: t.id({ required: true }),
    judge: t.string({ required: true, description: "The judge's token subject (`sub`)." }),
  }),
};

campaignMutation(
  'assignJudge',
  panelChange,
  'Put a judge on the campaign’s panel: they may read and score its entries.',
);
campaignMutation(
  'unassignJudge',
  panelChange,
  'Take a judge off the panel until results are published: their scores stay in the log but stop counting, and ' +
    'they can no longer read or score the campaign’s entries.',
);
