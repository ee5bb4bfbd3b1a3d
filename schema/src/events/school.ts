import { z } from 'zod';
import { Id, SchoolKind, Text, Year } from '../primitives.ts';

export const SchoolRegistered = z.object({
  schoolId: Id,
  name: Text(100),
  kind: SchoolKind,
  town: Text(50),
  private: z.boolean(),
});

/** The bureau's new name for a school; its code, kind and town stay. */
export const SchoolRenamed = z.object({
  schoolId: Id,
  name: Text(100),
});

export const EnrollmentRecorded = z.object({
  schoolId: Id,
  year: Year,
  students: z.number().int().nonnegative(),
});

export const schoolEvents = {
  SchoolRegistered,
  SchoolRenamed,
  EnrollmentRecorded,
} as const;
