import { describe, expect, it } from 'vitest';
import { type AccountCommand, type AccountEvent, accountDecider, accountStatus } from '../src/accounts/account.ts';
import { accountIdFor, activationCodeHash, newActivationCode } from '../src/accounts/credentials.ts';
import { Conflict, InvalidInput, NotFound } from '../src/errors.ts';
import { given, onField } from './given-when-then.ts';

const LOGIN = 'zhang.wei@taicang.edu.cn';
const ID = accountIdFor(LOGIN);
const CODE_HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const NEW_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI';
const IN_7_DAYS = '2022-06-08T00:00:00.000Z';

type CreateInput = Extract<AccountCommand, { type: 'CreateAccount' }>['input'];

const create = (overrides: Partial<CreateInput> = {}, schoolExists = true): AccountCommand => ({
  type: 'CreateAccount',
  input: { accountId: ID, login: LOGIN, displayName: '张伟', role: 'school', schoolId: 'xinhua-primary', ...overrides },
  codeHash: CODE_HASH,
  schoolExists,
});

const created = (overrides: Partial<Extract<AccountEvent, { type: 'AccountCreated' }>['data']> = {}): AccountEvent => ({
  type: 'AccountCreated',
  data: {
    accountId: ID,
    login: LOGIN,
    displayName: '张伟',
    role: 'school',
    schoolId: 'xinhua-primary',
    activation: { codeHash: CODE_HASH, expiresAt: IN_7_DAYS },
    ...overrides,
  },
});

const activate = (password = 'correct horse', codeHash = CODE_HASH): AccountCommand => ({
  type: 'ActivateAccount',
  login: LOGIN,
  codeHash,
  password,
  passwordHash: PASSWORD_HASH,
});
const activated: AccountEvent = { type: 'AccountActivated', data: { accountId: ID, passwordHash: PASSWORD_HASH } };
const disabled: AccountEvent = { type: 'AccountDisabled', data: { accountId: ID } };
const reset = (codeHash = OTHER_HASH, expiresAt = IN_7_DAYS): AccountEvent => ({
  type: 'AccountReset',
  data: { accountId: ID, activation: { codeHash, expiresAt } },
});

describe('CreateAccount', () => {
  it('creates a pending account whose code is valid for 7 days, recording only its hash', () => {
    given(accountDecider).when(create()).then([created()]);
  });

  it('creates organizer, judge and viewer accounts without a school', () => {
    given(accountDecider)
      .when(create({ role: 'organizer', schoolId: undefined }, false))
      .then([created({ role: 'organizer', schoolId: null })]);
  });

  it('refuses a login that is taken, whoever asks again', () => {
    given(accountDecider, [created()]).when(create()).thenThrows(Conflict, LOGIN);
    given(accountDecider, [created({ role: 'viewer', schoolId: null })])
      .when(create())
      .thenThrows(Conflict, 'taken');
  });

  it('refuses a school that is not registered', () => {
    given(accountDecider).when(create({}, false)).thenThrows(NotFound, 'xinhua-primary');
  });
});

describe('ActivateAccount', () => {
  it('records the password hash and uses up the code', () => {
    given(accountDecider, [created()]).when(activate()).then([activated]);
  });

  it('accepts the code until the moment it expires, not after', () => {
    given(accountDecider, [created()]).when(activate(), { now: '2022-06-07T23:59:59.999Z' }).then([activated]);
    given(accountDecider, [created()])
      .when(activate(), { now: IN_7_DAYS })
      .thenThrows(InvalidInput, onField('activationCode'));
  });

  it('gives a wrong, an expired and a used code and an unknown login one and the same refusal', () => {
    const refusals = [
      given(accountDecider, [created()]).when(activate('correct horse', OTHER_HASH)),
      given(accountDecider, [created()]).when(activate(), { now: '2022-06-09T00:00:00.000Z' }),
      given(accountDecider, [created(), activated]).when(activate()),
      given(accountDecider).when(activate()),
      given(accountDecider, [created(), disabled]).when(activate()),
    ];
    for (const refusal of refusals) {
      refusal.thenThrows(InvalidInput, 'activationCode: is wrong, has expired or has already been used');
    }
  });

  it('refuses the code replaced by a reset, and accepts the new one', () => {
    given(accountDecider, [created(), activated, reset()])
      .when(activate())
      .thenThrows(InvalidInput, onField('activationCode'));
    given(accountDecider, [created(), activated, reset()])
      .when(activate('correct horse', OTHER_HASH))
      .then([activated]);
  });

  it('refuses a password shorter than 10 characters or equal to the login', () => {
    given(accountDecider, [created()]).when(activate('too-short')).thenThrows(InvalidInput, onField('password'));
    given(accountDecider, [created()])
      .when(activate('ZHANG.WEI@taicang.edu.cn'))
      .thenThrows(InvalidInput, 'password: must not be the login');
  });

  it('counts characters, not UTF-16 units: ten Chinese characters are long enough, five emoji are not', () => {
    given(accountDecider, [created()]).when(activate('青苗青苗青苗青苗青苗')).then([activated]);
    given(accountDecider, [created()]).when(activate('🌱🌱🌱🌱🌱')).thenThrows(InvalidInput, onField('password'));
  });
});

describe('ChangePassword', () => {
  const change = (password = 'a new password', verifiedHash = PASSWORD_HASH): AccountCommand => ({
    type: 'ChangePassword',
    verifiedHash,
    password,
    passwordHash: NEW_HASH,
  });

  it('records the new hash', () => {
    given(accountDecider, [created(), activated])
      .when(change())
      .then([{ type: 'PasswordChanged', data: { accountId: ID, passwordHash: NEW_HASH } }]);
  });

  it('refuses when the verified hash is no longer the current one (changed or reset meanwhile)', () => {
    given(accountDecider, [created(), activated])
      .when(change('a new password', NEW_HASH))
      .thenThrows(InvalidInput, onField('currentPassword'));
    given(accountDecider, [created(), activated, reset()])
      .when(change())
      .thenThrows(InvalidInput, onField('currentPassword'));
  });

  it('refuses a disabled account', () => {
    given(accountDecider, [created(), activated, disabled])
      .when(change())
      .thenThrows(InvalidInput, onField('currentPassword'));
  });

  it('holds the new password to the same rules', () => {
    given(accountDecider, [created(), activated])
      .when(change('short'))
      .thenThrows(InvalidInput, onField('newPassword'));
    given(accountDecider, [created(), activated]).when(change(LOGIN)).thenThrows(InvalidInput, onField('newPassword'));
  });
});

describe('DisableAccount, EnableAccount', () => {
  it('disables and enables, appending nothing when already so', () => {
    given(accountDecider, [created(), activated]).when({ type: 'DisableAccount', login: LOGIN }).then([disabled]);
    given(accountDecider, [created(), disabled]).when({ type: 'DisableAccount', login: LOGIN }).then([]);
    given(accountDecider, [created(), disabled])
      .when({ type: 'EnableAccount', login: LOGIN })
      .then([{ type: 'AccountEnabled', data: { accountId: ID } }]);
    given(accountDecider, [created()]).when({ type: 'EnableAccount', login: LOGIN }).then([]);
  });

  it('refuses an unknown login', () => {
    given(accountDecider).when({ type: 'DisableAccount', login: LOGIN }).thenThrows(NotFound, LOGIN);
    given(accountDecider).when({ type: 'EnableAccount', login: LOGIN }).thenThrows(NotFound, LOGIN);
  });
});

describe('ResetAccount', () => {
  it('gives a new code valid for 7 days from now', () => {
    given(accountDecider, [created(), activated])
      .when({ type: 'ResetAccount', login: LOGIN, codeHash: OTHER_HASH }, { now: '2022-07-01T00:00:00.000Z' })
      .then([reset(OTHER_HASH, '2022-07-08T00:00:00.000Z')]);
  });

  it('refuses an unknown login', () => {
    given(accountDecider)
      .when({ type: 'ResetAccount', login: LOGIN, codeHash: OTHER_HASH })
      .thenThrows(NotFound, LOGIN);
  });
});

describe('account status', () => {
  const statusAfter = (events: AccountEvent[]) => {
    const state = events.reduce(accountDecider.evolve, accountDecider.initialState);
    if (!state.exists) throw new Error('no account');
    return accountStatus(state);
  };

  it('is pending until activated, active after, pending again after a reset, disabled whatever else', () => {
    expect(statusAfter([created()])).toBe('PENDING');
    expect(statusAfter([created(), activated])).toBe('ACTIVE');
    expect(statusAfter([created(), activated, reset()])).toBe('PENDING');
    expect(statusAfter([created(), activated, disabled])).toBe('DISABLED');
    expect(statusAfter([created(), disabled])).toBe('DISABLED');
  });
});

describe('credentials', () => {
  it('derives one account id per login', () => {
    expect(accountIdFor(LOGIN)).toBe(ID);
    expect(accountIdFor('li.na')).not.toBe(ID);
  });

  it('makes 12-character codes of an unambiguous alphabet, and hashes them ignoring case, spaces and dashes', () => {
    const code = newActivationCode();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{12}$/);
    expect(newActivationCode()).not.toBe(code);
    const spaced = `${code.slice(0, 4)} ${code.slice(4, 8)}-${code.slice(8).toLowerCase()}`;
    expect(activationCodeHash(ID, spaced)).toBe(activationCodeHash(ID, code));
    expect(activationCodeHash(accountIdFor('li.na'), code)).not.toBe(activationCodeHash(ID, code));
  });
});
