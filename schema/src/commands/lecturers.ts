import { z } from 'zod';
import { Id, MultiLineText, SingleLineText } from '../primitives.ts';
import { optional } from './optional.ts';

export const RegisterLecturerInput = z.object({
  id: optional(Id),
  name: SingleLineText(64),
  formerSchoolId: optional(Id),
  topics: optional(z.array(SingleLineText(100)).max(50, 'must list at most 50')),
});
export type RegisterLecturerInput = z.infer<typeof RegisterLecturerInput>;

export const RetireLecturerInput = z.object({
  lecturerId: Id,
  reason: optional(MultiLineText(500)),
});
export type RetireLecturerInput = z.infer<typeof RetireLecturerInput>;
