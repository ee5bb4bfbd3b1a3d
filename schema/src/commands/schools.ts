import { z } from 'zod';
import { Id, SchoolKind, SingleLineText, Year } from '../primitives.ts';
import { optional } from './optional.ts';

export const RegisterSchoolInput = z.object({
  id: optional(Id),
  name: SingleLineText(100),
  kind: SchoolKind,
  town: SingleLineText(50),
  private: optional(z.boolean()),
});
export type RegisterSchoolInput = z.infer<typeof RegisterSchoolInput>;

export const RenameSchoolInput = z.object({
  schoolId: Id,
  name: SingleLineText(100),
});
export type RenameSchoolInput = z.infer<typeof RenameSchoolInput>;

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
