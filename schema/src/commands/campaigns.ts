import { z } from 'zod';
import {
  CampaignKind,
  Criterion,
  DateTime,
  Id,
  MultiLineText,
  Reason,
  SchoolKind,
  SingleLineText,
  Year,
} from '../primitives.ts';
import { optional } from './optional.ts';

export const CriterionInput = Criterion.extend({ name: SingleLineText(50) });

/** What an organizer sets about a campaign, at creation and while it is a draft (kind and year are fixed). */
const campaignSettings = {
  title: SingleLineText(200),
  theme: optional(MultiLineText(500)),
  opensAt: DateTime,
  closesAt: DateTime,
  eligibleSchoolKinds: optional(z.array(SchoolKind).min(1, 'must name at least one school kind')),
  maxEntriesPerSchool: optional(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  targetSessions: optional(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  awardQuota: optional(z.number().gt(0, 'must be more than 0').max(1, 'must be at most 1')),
  rubric: optional(
    z
      .array(CriterionInput)
      .min(1, 'must have at least one criterion')
      .max(20, 'must have at most 20 criteria')
      .refine(
        (criteria) => new Set(criteria.map((c) => c.name)).size === criteria.length,
        'criterion names must differ',
      ),
  ),
  /** On unless turned off: judges see entries without school, advisor, participants or file names. */
  blindJudging: z
    .boolean()
    .nullish()
    .transform((value) => value ?? true),
  /** Off unless turned on: every STUDENT participant of an entry then needs `guardianConsent: true`. */
  requireGuardianConsent: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
};

const closesAfterOpens = (input: { opensAt: string; closesAt: string }) =>
  Date.parse(input.closesAt) > Date.parse(input.opensAt);
const CLOSES_AFTER_OPENS = { path: ['closesAt'], message: 'must be after opensAt' };

export const CreateCampaignInput = z
  .object({ id: optional(Id), kind: CampaignKind, year: Year, ...campaignSettings })
  .refine(closesAfterOpens, CLOSES_AFTER_OPENS);
export type CreateCampaignInput = z.infer<typeof CreateCampaignInput>;

/**
 * A draft's settings as a whole, replacing those it has: what is left out falls back to the default, as at creation.
 */
export const ChangeCampaignSettingsInput = z
  .object({ id: Id, ...campaignSettings })
  .refine(closesAfterOpens, CLOSES_AFTER_OPENS);
export type ChangeCampaignSettingsInput = z.infer<typeof ChangeCampaignSettingsInput>;

export const CampaignRefInput = z.object({ id: Id });
export type CampaignRefInput = z.infer<typeof CampaignRefInput>;

export const ExtendDeadlineInput = z.object({ id: Id, closesAt: DateTime });
export type ExtendDeadlineInput = z.infer<typeof ExtendDeadlineInput>;

export const CancelCampaignInput = z.object({ id: Id, reason: Reason });
export type CancelCampaignInput = z.infer<typeof CancelCampaignInput>;

/** A change to a campaign's panel: the campaign and the judge's token subject. */
const PanelChange = z.object({
  campaignId: Id,
  judge: SingleLineText(100),
});

export const AssignJudgeInput = PanelChange.extend({});
export type AssignJudgeInput = z.infer<typeof AssignJudgeInput>;

export const UnassignJudgeInput = PanelChange.extend({});
export type UnassignJudgeInput = z.infer<typeof UnassignJudgeInput>;

export const CopyCampaignInput = z
  .object({
    sourceId: Id,
    id: optional(Id),
    year: Year,
    opensAt: optional(DateTime),
    closesAt: optional(DateTime),
  })
  .refine((input) => !input.opensAt || !input.closesAt || Date.parse(input.closesAt) > Date.parse(input.opensAt), {
    path: ['closesAt'],
    message: 'must be after opensAt',
  });
export type CopyCampaignInput = z.infer<typeof CopyCampaignInput>;
