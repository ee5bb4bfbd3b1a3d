import type { AccountRow, ReadModelQueries } from '@qingmiao/projections';
import { AccountStatus, Role } from '@qingmiao/schema';
import { builder } from './builder.ts';
import { commandMutation } from './command-mutations.ts';

const RoleEnum = builder.enumType('Role', { values: Role.options });
const AccountStatusEnum = builder.enumType('AccountStatus', {
  values: AccountStatus.options,
  description: 'PENDING until activated with its one-time code (again after a reset); DISABLED refuses every request.',
});

export const Account = builder.objectRef<AccountRow>('Account').implement({
  description: 'A person (or office) who signs in. Passwords and activation codes are never readable.',
  fields: (t) => ({
    id: t.exposeID('id'),
    login: t.exposeString('login'),
    displayName: t.exposeString('displayName'),
    role: t.field({ type: RoleEnum, resolve: (account) => account.role }),
    schoolId: t.exposeID('schoolId', { nullable: true, description: 'The school a school account acts for.' }),
    status: t.field({ type: AccountStatusEnum, resolve: (account) => account.status }),
  }),
});

interface IssuedCode {
  readonly account: AccountRow;
  readonly activationCode: string;
}

const IssuedActivationCode = builder.objectRef<IssuedCode>('IssuedActivationCode').implement({
  description:
    'An account and its one-time activation code, shown here once and never again (only its hash is kept). ' +
    'It is valid for 7 days; hand it over to the person, who sets a password with activateAccount.',
  fields: (t) => ({
    account: t.field({ type: Account, resolve: ({ account }) => account }),
    activationCode: t.exposeString('activationCode'),
  }),
});

builder.queryFields((t) => ({
  accounts: t.field({
    type: [Account],
    description: 'Accounts, by login; organizers only.',
    authScopes: { organizer: true },
    args: { role: t.arg({ type: RoleEnum }), schoolId: t.arg.id() },
    resolve: (_root, { role, schoolId }, { read }) =>
      read.accounts({ role: role ?? undefined, schoolId: schoolId == null ? undefined : String(schoolId) }),
  }),
  me: t.field({
    type: Account,
    nullable: true,
    description: 'The account signed in; null for a service token (`qingmiao token`), which names no account.',
    resolve: (_root, _args, { actor, read }) => read.account(actor.sub),
  }),
}));

const withCode = (
  { accountId, activationCode }: { accountId: string; activationCode: string },
  read: ReadModelQueries,
): IssuedCode | undefined => {
  const account = read.account(accountId);
  return account && { account, activationCode };
};

commandMutation('createAccount', {
  type: IssuedActivationCode,
  description: 'Organizers only. Logins are unique (CONFLICT), lowercase names or e-mail addresses.',
  input: {
    fields: (t) => ({
      login: t.string({
        required: true,
        description: 'A lowercase name (letters, digits, . _ -) or an e-mail address.',
      }),
      displayName: t.string({ required: true }),
      role: t.field({ type: RoleEnum, required: true }),
      schoolId: t.id({ description: 'Required for role school (NOT_FOUND when unknown), refused for the others.' }),
    }),
  },
  readBack: withCode,
});

commandMutation('resetAccount', {
  type: IssuedActivationCode,
  description: 'Organizers only. The password stops working and the account is pending until activated again.',
  input: { fields: (t) => ({ login: t.string({ required: true }) }) },
  readBack: withCode,
});

commandMutation('disableAccount', {
  type: Account,
  description: 'Organizers only. Refused (CONFLICT) for the last enabled organizer.',
  input: { fields: (t) => ({ login: t.string({ required: true }) }) },
  readBack: ({ accountId }, read) => read.account(accountId),
});

commandMutation('enableAccount', {
  type: Account,
  description: 'Organizers only.',
  input: { fields: (t) => ({ login: t.string({ required: true }) }) },
  readBack: ({ accountId }, read) => read.account(accountId),
});

commandMutation('changePassword', {
  type: Account,
  description:
    "The signed-in account's own password: at least 10 characters and not the login. Every other session of the " +
    'account ends (whoever knew the old password is signed out); the one asking goes on.',
  input: {
    fields: (t) => ({
      currentPassword: t.string({ required: true }),
      newPassword: t.string({ required: true }),
    }),
  },
  readBack: ({ accountId }, read, context) => {
    context.sessions.store.revokeOthers(accountId, context.http.session);
    return read.account(accountId);
  },
});
