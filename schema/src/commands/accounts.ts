import { z } from 'zod';
import { Id, Role, SingleLineText } from '../primitives.ts';
import { optional } from './optional.ts';

const SLUG = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const EMAIL = z.email();

/** A login as people type it: a lowercase name (letters, digits, `.`, `_`, `-`) or an e-mail address, in any case. */
export const Login = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .refine((login) => SLUG.test(login) || EMAIL.safeParse(login).success, {
    message: 'must be 2–63 letters, digits, dots, dashes or underscores, or an e-mail address',
  });

/** A new password as sent; whether it is strong enough (≥ 10 characters, not the login) the account decider says. */
const NewPassword = z.string().max(1000, 'must be at most 1000 characters');

export const CreateAccountInput = z
  .object({
    login: Login,
    displayName: SingleLineText(64),
    role: Role,
    schoolId: optional(Id),
  })
  .superRefine(({ role, schoolId }, context) => {
    if (role === 'school' && schoolId === undefined) {
      context.addIssue({ code: 'custom', path: ['schoolId'], message: 'is required for a school account' });
    }
    if (role !== 'school' && schoolId !== undefined) {
      context.addIssue({ code: 'custom', path: ['schoolId'], message: 'is only for school accounts' });
    }
  });
export type CreateAccountInput = z.infer<typeof CreateAccountInput>;

export const ActivateAccountInput = z.object({
  login: Login,
  activationCode: z.string().trim().max(100, 'must be at most 100 characters'),
  password: NewPassword,
});
export type ActivateAccountInput = z.infer<typeof ActivateAccountInput>;

export const ChangePasswordInput = z.object({
  currentPassword: z.string().max(1000, 'must be at most 1000 characters'),
  newPassword: NewPassword,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const AccountRefInput = z.object({ login: Login });
export type AccountRefInput = z.infer<typeof AccountRefInput>;
