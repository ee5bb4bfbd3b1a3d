import { z } from 'zod';
import { Id, Role } from './primitives.ts';

/** Who issues a command: the verified token's subject, role and, for role `school`, the school acted for. */
export const Actor = z
  .object({ sub: z.string().min(1), role: Role, schoolId: Id.optional() })
  .refine((actor) => actor.role !== 'school' || actor.schoolId !== undefined, {
    path: ['schoolId'],
    message: 'is required for role school',
  });
export type Actor = z.infer<typeof Actor>;
