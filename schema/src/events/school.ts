import { z } from 'zod';
import { Id, SchoolKind, Text, Year } from '../primitives.ts';

export const SchoolRegistered = z.object({
  schoolId: Id,
  name: Text(100),
  kind: SchoolKind,
  town: Text(50),
  private: z.boolean(),
});

export const EnrollmentRecorded = z.object({
  schoolId: Id,
  year: Year,
  students: z.number().int().nonnegative(),
});

export const schoolEvents = {
  SchoolRegistered,
  EnrollmentRecorded,
} as const;
