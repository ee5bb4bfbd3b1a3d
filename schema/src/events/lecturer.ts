import { z } from 'zod';
import { Id, Text } from '../primitives.ts';

/** A member of the 老园丁讲师团, the retired-teacher lecturer corps. */
export const LecturerRegistered = z.object({
  lecturerId: Id,
  name: Text(64),
  formerSchoolId: Id.nullable(),
  topics: z.array(Text(100)),
});

export const LecturerRetired = z.object({
  lecturerId: Id,
  reason: z.string().max(500),
});

export const lecturerEvents = {
  LecturerRegistered,
  LecturerRetired,
} as const;
