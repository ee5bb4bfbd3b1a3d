import { z } from 'zod';
import { Id, MultiLineText, NestedId, Participant, Performance, Prize, Reason, SingleLineText } from '../primitives.ts';
import { optional } from './optional.ts';

/**
 * A participant as callers send it. `grade` and `key` are nullable in GraphQL, so null means not given; it must
 * become absent, not a value (a null key would otherwise make every keyless participant one person).
 */
const absentIfNull = (value: string | null | undefined) => value ?? undefined;
export const ParticipantInput = Participant.extend({
  name: SingleLineText(64),
  grade: z.preprocess(absentIfNull, SingleLineText(32).optional()),
  key: z.preprocess(absentIfNull, SingleLineText(64).optional()),
});

export const PerformanceInput = Performance.extend({ genre: SingleLineText(50) });

/** How many a campaign's kind requires (at least one, none for an EVALUATION) is the decider's rule. */
const Participants = z.array(ParticipantInput).max(500, 'must list at most 500');

export const SubmitEntryInput = z.object({
  submissionId: z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters'),
  campaignId: Id,
  schoolId: Id,
  title: SingleLineText(200),
  participants: Participants.nullish().transform((value) => value ?? []),
  advisor: optional(SingleLineText(64)),
  performance: optional(PerformanceInput),
});
export type SubmitEntryInput = z.infer<typeof SubmitEntryInput>;

export const WithdrawEntryInput = z.object({
  entryId: NestedId,
  reason: Reason,
});
export type WithdrawEntryInput = z.infer<typeof WithdrawEntryInput>;

/** Only the fields given change; the rest stay as submitted. */
export const ReviseEntryInput = z.object({
  entryId: NestedId,
  title: optional(SingleLineText(200)),
  participants: optional(Participants),
  advisor: optional(SingleLineText(64)),
  performance: optional(PerformanceInput),
});
export type ReviseEntryInput = z.infer<typeof ReviseEntryInput>;

export const CriterionScoreInput = z.object({
  criterion: SingleLineText(50),
  score: z.number().min(0, 'must not be negative'),
});

export const ScoreEntryInput = z
  .object({
    entryId: NestedId,
    score: optional(z.number().min(0, 'must not be negative')),
    criteria: optional(z.array(CriterionScoreInput).min(1)),
    comment: optional(MultiLineText(2000)),
  })
  .refine((input) => (input.score === undefined) !== (input.criteria === undefined), {
    path: ['score'],
    message: 'give either score (single-criterion rubric) or criteria, not both',
  });
export type ScoreEntryInput = z.infer<typeof ScoreEntryInput>;

export const RecuseFromEntryInput = z.object({ entryId: NestedId, reason: Reason });
export type RecuseFromEntryInput = z.infer<typeof RecuseFromEntryInput>;

export const AwardEntryInput = z.object({ entryId: NestedId, prize: Prize });
export type AwardEntryInput = z.infer<typeof AwardEntryInput>;

export const RevokeAwardInput = z.object({ entryId: NestedId, reason: Reason });
export type RevokeAwardInput = z.infer<typeof RevokeAwardInput>;

export const RateEntryInput = z.object({
  entryId: NestedId,
  stars: z.number().int('must be a whole number').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
});
export type RateEntryInput = z.infer<typeof RateEntryInput>;
