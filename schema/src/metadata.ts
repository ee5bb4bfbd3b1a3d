import { z } from 'zod';
import { DateTime, Id, Role } from './primitives.ts';

/** Who did it, for whom, why and when: kept on every event (DESIGN rule 5). */
export const EventMetadata = z.object({
  actor: z.string().min(1),
  role: Role,
  schoolId: Id.optional(),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).optional(),
  recordedAt: DateTime,
  schemaVersion: z.number().int().positive(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;
