import { z } from 'zod';
import { ClientKey, DateTime, Id, NestedId, Reason, SingleLineText } from '../primitives.ts';
import { optional } from './optional.ts';

export const ScheduleLectureInput = z
  .object({
    /** The client's key: scheduling again with the same key returns the same lecture. */
    lectureId: optional(ClientKey),
    campaignId: Id,
    lecturerId: Id,
    schoolId: optional(Id),
    venue: optional(SingleLineText(100)),
    topic: SingleLineText(200),
    scheduledAt: DateTime,
  })
  .refine((input) => input.schoolId !== undefined || input.venue !== undefined, {
    path: ['venue'],
    message: 'is required when the lecture is not at a school (e.g. 社区 or 村)',
  });
export type ScheduleLectureInput = z.infer<typeof ScheduleLectureInput>;

export const RescheduleLectureInput = z.object({ lectureId: NestedId, scheduledAt: DateTime });
export type RescheduleLectureInput = z.infer<typeof RescheduleLectureInput>;

export const RecordLectureDeliveredInput = z.object({
  lectureId: NestedId,
  audience: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(100_000, 'is implausibly large'),
  durationMinutes: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(600, 'must be at most 600'),
});
export type RecordLectureDeliveredInput = z.infer<typeof RecordLectureDeliveredInput>;

export const CancelLectureInput = z.object({
  lectureId: NestedId,
  reason: Reason,
});
export type CancelLectureInput = z.infer<typeof CancelLectureInput>;
