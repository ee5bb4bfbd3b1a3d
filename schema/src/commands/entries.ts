import { z } from 'zod';
import {
  ClientKey,
  FileId,
  Id,
  MultiLineText,
  NestedId,
  Participant,
  Performance,
  Prize,
  Reason,
  SingleLineText,
} from '../primitives.ts';
import { optional } from './optional.ts';

/**
 * A participant as callers send it. `grade`, `key` and `guardianConsent` are nullable in GraphQL, so null means not
 * given; it must become absent, not a value (a null key would otherwise make every keyless participant one person).
 */
const absentIfNull = <T>(value: T | null | undefined) => value ?? undefined;
export const ParticipantInput = Participant.omit({ participantId: true, erased: true }).extend({
  name: SingleLineText(64),
  grade: z.preprocess(absentIfNull, SingleLineText(32).optional()),
  key: z.preprocess(absentIfNull, SingleLineText(64).optional()),
  guardianConsent: z.preprocess(absentIfNull, z.boolean().optional()),
});

/**
 * Where a performance can be watched: an http(s) address the browser opens as a link. Anything else (javascript:,
 * data:, file:) could run or read in the reader's browser, and a user name or password in it would hand a
 * credential to every reader.
 */
const VideoLink = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .regex(/^[^\s\p{Cc}\p{Cf}]+$/u, 'must be one address without spaces or invisible characters')
  .refine((text) => /^https?:\/\//i.test(text) && URL.canParse(text), 'must be an http or https address')
  .refine((text) => {
    if (!URL.canParse(text)) return true; // refused above
    const url = new URL(text);
    return url.username === '' && url.password === '';
  }, 'must not contain a user name or password');

export const PerformanceInput = Performance.extend({
  genre: SingleLineText(50),
  videoLink: z.preprocess(absentIfNull, VideoLink.optional()),
});

/** The essay itself, typed: may span lines, nothing invisible. */
const Body = MultiLineText(20_000);

/** Uploaded files (their ids from uploadFile), in the order the entry shows them. */
const AttachmentIds = z
  .array(FileId)
  .max(10, 'must list at most 10 files')
  .superRefine((ids, context) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) {
        context.addIssue({ code: 'custom', path: [index], message: 'names a file already listed' });
      }
    });
  });

/** How many a campaign's kind requires (at least one, none for an EVALUATION) is the decider's rule. */
const Participants = z.array(ParticipantInput).max(500, 'must list at most 500');

export const SubmitEntryInput = z.object({
  submissionId: ClientKey,
  campaignId: Id,
  schoolId: Id,
  title: SingleLineText(200),
  participants: Participants.nullish().transform((value) => value ?? []),
  advisor: optional(SingleLineText(64)),
  performance: optional(PerformanceInput),
  body: optional(Body),
  attachmentIds: AttachmentIds.nullish().transform((value) => value ?? []),
});
export type SubmitEntryInput = z.infer<typeof SubmitEntryInput>;

export const WithdrawEntryInput = z.object({
  entryId: NestedId,
  reason: Reason,
});
export type WithdrawEntryInput = z.infer<typeof WithdrawEntryInput>;

/**
 * Only the fields given change; the rest stay as submitted. An empty body removes the text; attachmentIds replaces
 * the list of files (an empty list removes them all).
 */
export const ReviseEntryInput = z.object({
  entryId: NestedId,
  title: optional(SingleLineText(200)),
  participants: optional(Participants),
  advisor: optional(SingleLineText(64)),
  performance: optional(PerformanceInput),
  body: optional(Body),
  attachmentIds: optional(AttachmentIds),
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
