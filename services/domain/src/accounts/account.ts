import type { AccountStatus, CreateAccountInput, EventOf, Role } from '@qingmiao/schema';
import type { Decider } from '../decider.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';

export type AccountEvent =
  | EventOf<'AccountCreated'>
  | EventOf<'AccountActivated'>
  | EventOf<'PasswordChanged'>
  | EventOf<'AccountDisabled'>
  | EventOf<'AccountEnabled'>
  | EventOf<'AccountReset'>;

/** How long a one-time activation code works after the account was created or reset. */
export const ACTIVATION_DAYS = 7;
const ACTIVATION_MS = ACTIVATION_DAYS * 24 * 60 * 60 * 1000;

/** One message for a wrong, expired or used code (and an unknown login): it gives no hint which. */
const INVALID_ACTIVATION = 'is wrong, has expired or has already been used';

/**
 * The commands carry what the shell prepared: the code's hash (never the code), the new password in clear only so
 * that its strength can be judged here, and its argon2id hash, which is what gets recorded.
 */
export type AccountCommand =
  | {
      readonly type: 'CreateAccount';
      readonly input: CreateAccountInput & { readonly accountId: string };
      readonly codeHash: string;
      /** Whether `input.schoolId` names a registered school (irrelevant without one). */
      readonly schoolExists: boolean;
    }
  | {
      readonly type: 'ActivateAccount';
      readonly login: string;
      readonly codeHash: string;
      readonly password: string;
      readonly passwordHash: string;
    }
  | {
      readonly type: 'ChangePassword';
      /** The stored hash the current password was verified against: a concurrent change makes it stale. */
      readonly verifiedHash: string;
      readonly password: string;
      readonly passwordHash: string;
    }
  | { readonly type: 'DisableAccount' | 'EnableAccount'; readonly login: string }
  | { readonly type: 'ResetAccount'; readonly login: string; readonly codeHash: string };

export type AccountState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly accountId: string;
      readonly login: string;
      readonly role: Role;
      readonly schoolId: string | null;
      readonly disabled: boolean;
      /** The pending one-time code; `undefined` once used. */
      readonly activation: EventOf<'AccountCreated'>['data']['activation'] | undefined;
      /** `undefined` until activated, and again after a reset. */
      readonly passwordHash: string | undefined;
    };

export function accountStatus(state: Extract<AccountState, { exists: true }>): AccountStatus {
  if (state.disabled) return 'DISABLED';
  return state.passwordHash === undefined ? 'PENDING' : 'ACTIVE';
}

const expiry = (now: string) => new Date(Date.parse(now) + ACTIVATION_MS).toISOString();

/** Passwords: at least 10 characters and not the login (in any case). */
function checkPassword(field: string, password: string, login: string): void {
  if ([...password].length < 10) throw new InvalidInput(field, 'must be at least 10 characters');
  if (password.toLowerCase() === login) throw new InvalidInput(field, 'must not be the login');
}

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: { exists: false },

  decide(command, state, { now }) {
    switch (command.type) {
      case 'CreateAccount': {
        const { accountId, login, displayName, role, schoolId } = command.input;
        // The account id follows from the login, so this stream is the login's reservation.
        if (state.exists) throw new Conflict(`Login ${login} is taken`);
        if (schoolId !== undefined && !command.schoolExists) throw new NotFound(`School ${schoolId} does not exist`);
        const activation = { codeHash: command.codeHash, expiresAt: expiry(now) };
        return [
          {
            type: 'AccountCreated',
            data: { accountId, login, displayName, role, schoolId: schoolId ?? null, activation },
          },
        ];
      }
      case 'ActivateAccount': {
        const { activation } = state.exists ? state : { activation: undefined };
        const valid =
          state.exists &&
          !state.disabled &&
          activation !== undefined &&
          activation.codeHash === command.codeHash &&
          now < activation.expiresAt;
        if (!valid) throw new InvalidInput('activationCode', INVALID_ACTIVATION);
        checkPassword('password', command.password, command.login);
        return [{ type: 'AccountActivated', data: { accountId: state.accountId, passwordHash: command.passwordHash } }];
      }
      case 'ChangePassword': {
        if (!state.exists || state.disabled || state.passwordHash !== command.verifiedHash) {
          throw new InvalidInput('currentPassword', 'is wrong');
        }
        checkPassword('newPassword', command.password, state.login);
        return [{ type: 'PasswordChanged', data: { accountId: state.accountId, passwordHash: command.passwordHash } }];
      }
      case 'DisableAccount':
      case 'EnableAccount': {
        if (!state.exists) throw new NotFound(`Account ${command.login} does not exist`);
        const disable = command.type === 'DisableAccount';
        if (state.disabled === disable) return [];
        const data = { accountId: state.accountId };
        return [disable ? { type: 'AccountDisabled', data } : { type: 'AccountEnabled', data }];
      }
      case 'ResetAccount': {
        if (!state.exists) throw new NotFound(`Account ${command.login} does not exist`);
        const activation = { codeHash: command.codeHash, expiresAt: expiry(now) };
        return [{ type: 'AccountReset', data: { accountId: state.accountId, activation } }];
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'AccountCreated') {
      const { accountId, login, role, schoolId, activation } = event.data;
      return { exists: true, accountId, login, role, schoolId, disabled: false, activation, passwordHash: undefined };
    }
    if (!state.exists) return state;
    switch (event.type) {
      case 'AccountActivated':
        return { ...state, activation: undefined, passwordHash: event.data.passwordHash };
      case 'PasswordChanged':
        return { ...state, passwordHash: event.data.passwordHash };
      case 'AccountDisabled':
        return { ...state, disabled: true };
      case 'AccountEnabled':
        return { ...state, disabled: false };
      case 'AccountReset':
        return { ...state, activation: event.data.activation, passwordHash: undefined };
    }
  },
};
