import { z } from 'zod';
import { DateTime, Id, Role, Text } from '../primitives.ts';

/**
 * What proves a one-time activation code: its SHA-256 (hex, salted with the account id) and when it stops being
 * valid. The code itself is shown once to whoever created or reset the account and never recorded.
 */
export const Activation = z.object({
  codeHash: z.string().regex(/^[0-9a-f]{64}$/),
  expiresAt: DateTime,
});

/** An argon2id hash in PHC string form (it carries its own salt and parameters). */
const PasswordHash = z.string().startsWith('$argon2id$');

export const AccountCreated = z.object({
  accountId: Id,
  login: Text(254),
  displayName: Text(64),
  role: Role,
  schoolId: Id.nullable(),
  activation: Activation,
});

export const AccountActivated = z.object({ accountId: Id, passwordHash: PasswordHash });
export const PasswordChanged = z.object({ accountId: Id, passwordHash: PasswordHash });
export const AccountDisabled = z.object({ accountId: Id });
export const AccountEnabled = z.object({ accountId: Id });
/** The password and every session stop working; the account is pending until activated with the new code. */
export const AccountReset = z.object({ accountId: Id, activation: Activation });

/** The `organizers` stream: the organizer accounts that are not disabled, so the last one cannot be disabled. */
export const OrganizerEnlisted = z.object({ accountId: Id });
export const OrganizerDelisted = z.object({ accountId: Id });

export const accountEvents = {
  AccountCreated,
  AccountActivated,
  PasswordChanged,
  AccountDisabled,
  AccountEnabled,
  AccountReset,
  OrganizerEnlisted,
  OrganizerDelisted,
} as const;
