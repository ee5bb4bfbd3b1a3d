import { z } from 'zod';
import { Id, Text } from '../primitives.ts';
import { optional } from './optional.ts';

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
