import { z } from 'zod';
import { DateTime, Role } from './primitives.ts';

/**
 * What an access-log entry records. Not events: who got in, who failed to, and who took data out. Privacy of minors
 * adds reads of children's data here (e.g. READ_PARTICIPANTS) without touching the rest.
 */
export const AccessAction = z.enum([
  'SIGN_IN',
  'SIGN_IN_FAILED',
  'SIGN_OUT',
  'REFRESH_REUSE_DETECTED',
  'EXPORT',
  'ERASE',
]);
export type AccessAction = z.infer<typeof AccessAction>;

/**
 * One access-log entry: when, who (the token's subject, or for a failed sign-in the attempted login, normalised),
 * in which role when known, what and on what, from which address (as the server sees it), and how many attempts
 * it stands for (more than 1 only for failed sign-ins beyond the log's budget, recorded together).
 */
export const AccessLogEntry = z.object({
  at: DateTime,
  actor: z.string(),
  role: Role.nullable(),
  action: AccessAction,
  subject: z.string().nullable(),
  address: z.string().nullable(),
  count: z.number().int().positive(),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;
