import { z } from 'zod';
import { CampaignKind, DateTime, Id, NestedId, Participant, SchoolKind, Text, Year } from '../primitives.ts';

/**
 * Command inputs: the single place where what callers send is validated. GraphQL sends `null` for omitted optional
 * fields; `nullish` accepts both and the domain sees `undefined`.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

export const RegisterSchoolInput = z.object({
  id: optional(Id),
  name: Text(100),
  kind: SchoolKind,
  town: Text(50),
  private: optional(z.boolean()),
});
export type RegisterSchoolInput = z.infer<typeof RegisterSchoolInput>;

export const RecordEnrollmentInput = z.object({
  schoolId: Id,
  year: Year,
  students: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(100_000, 'is implausibly large'),
});
export type RecordEnrollmentInput = z.infer<typeof RecordEnrollmentInput>;

export const CreateCampaignInput = z
  .object({
    id: optional(Id),
    kind: CampaignKind,
    title: Text(200),
    theme: optional(z.string().trim().max(500, 'must be at most 500 characters')),
    year: Year,
    opensAt: DateTime,
    closesAt: DateTime,
    eligibleSchoolKinds: optional(z.array(SchoolKind).min(1, 'must name at least one school kind')),
    maxEntriesPerSchool: optional(z.number().int('must be a whole number').min(1, 'must be at least 1')),
    targetSessions: optional(z.number().int('must be a whole number').min(1, 'must be at least 1')),
    awardQuota: optional(z.number().gt(0, 'must be more than 0').max(1, 'must be at most 1')),
  })
  .refine((input) => Date.parse(input.closesAt) > Date.parse(input.opensAt), {
    path: ['closesAt'],
    message: 'must be after opensAt',
  });
export type CreateCampaignInput = z.infer<typeof CreateCampaignInput>;

export const CampaignRefInput = z.object({ id: Id });
export type CampaignRefInput = z.infer<typeof CampaignRefInput>;

export const SubmitEntryInput = z.object({
  submissionId: z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters'),
  campaignId: Id,
  schoolId: Id,
  title: Text(200),
  participants: z.array(Participant).min(1, 'must name at least one participant').max(500, 'must list at most 500'),
  advisor: optional(Text(64)),
});
export type SubmitEntryInput = z.infer<typeof SubmitEntryInput>;

export const WithdrawEntryInput = z.object({
  entryId: NestedId,
  reason: Text(500),
});
export type WithdrawEntryInput = z.infer<typeof WithdrawEntryInput>;

export const RegisterLecturerInput = z.object({
  id: optional(Id),
  name: Text(64),
  formerSchoolId: optional(Id),
  topics: optional(z.array(Text(100)).max(50, 'must list at most 50')),
});
export type RegisterLecturerInput = z.infer<typeof RegisterLecturerInput>;

export const RetireLecturerInput = z.object({
  lecturerId: Id,
  reason: optional(z.string().trim().max(500, 'must be at most 500 characters')),
});
export type RetireLecturerInput = z.infer<typeof RetireLecturerInput>;
