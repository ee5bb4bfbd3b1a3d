import { SignInRefused } from '@qingmiao/domain';
import type { AccountRow } from '@qingmiao/projections';
import { endSession, issueSession, refreshSession, refreshTokenOf, type Session as SessionShape } from '../sessions.ts';
import { verifySignIn } from '../sign-in.ts';
import { normalisedLogin } from '../sign-in-throttle.ts';
import { Account } from './accounts.ts';
import { builder, inputOf } from './builder.ts';
import { commandMutation } from './command-mutations.ts';

const Session = builder.objectRef<SessionShape>('Session').implement({
  description:
    'A signed-in session. The access token goes into `Authorization: Bearer` and lives 15 minutes; the refresh ' +
    'token travels in an httpOnly cookie only refreshSession and signOut read, and works once.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    expiresAt: t.field({ type: 'DateTime', resolve: (session) => session.expiresAt }),
    account: t.field({ type: Account, resolve: (session) => session.account }),
  }),
});

commandMutation('activateAccount', {
  type: Session,
  description:
    'Sets the first password with the one-time code and signs in; no token needed. A wrong, expired or used code ' +
    '(or an unknown login) is BAD_USER_INPUT on activationCode, one message for all. The password: at least 10 ' +
    'characters, not the login.',
  input: {
    fields: (t) => ({
      login: t.string({ required: true }),
      activationCode: t.string({ required: true }),
      password: t.string({ required: true }),
    }),
  },
  readBack: ({ accountId }, read, { sessions, http, accessLog }) => {
    const account = read.account(accountId);
    if (!account) return undefined;
    accessLog.record({ actor: account.id, role: account.role, action: 'SIGN_IN', address: http.address });
    return issueSession(sessions, account, http.response);
  },
});

const SignInInput = inputOf<{ login: string; password: string }>('SignInInput', {
  fields: (t) => ({ login: t.string({ required: true }), password: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  signIn: t.field({
    type: Session,
    description: 'No token needed. A wrong login or password is UNAUTHENTICATED, one message for both.',
    args: { input: t.arg({ type: SignInInput, required: true }) },
    resolve: async (_root, { input }, { read, sessions, http, signInThrottle, accessLog }) => {
      // Throttled before any password is hashed; every outcome goes to the access log.
      signInThrottle.check(input.login, http.address);
      let account: AccountRow;
      try {
        account = await verifySignIn(read, input.login, input.password);
      } catch (error) {
        if (error instanceof SignInRefused) {
          signInThrottle.recordFailure(input.login, http.address);
          const actor = normalisedLogin(input.login);
          accessLog.record({ actor, action: 'SIGN_IN_FAILED', address: http.address });
        }
        throw error;
      }
      signInThrottle.recordSuccess(input.login);
      accessLog.record({ actor: account.id, role: account.role, action: 'SIGN_IN', address: http.address });
      return issueSession(sessions, account, http.response);
    },
  }),
  refreshSession: t.field({
    type: Session,
    description:
      'The next access token, and the next refresh token in the cookie, for the session the cookie names. A refresh ' +
      'token that was already used revokes its session (someone holds a copy): UNAUTHENTICATED, sign in again.',
    resolve: (_root, _args, { read, sessions, http, accessLog }) =>
      refreshSession(
        sessions,
        refreshTokenOf(http.cookie),
        (id) => read.account(id),
        http.response,
        (session) =>
          accessLog.record({ actor: session.accountId, action: 'REFRESH_REUSE_DETECTED', address: http.address }),
      ),
  }),
  signOut: t.boolean({
    description: 'Ends the session of the cookie (and of the access token, if any) and clears the cookie.',
    resolve: (_root, _args, { read, sessions, http, accessLog }) => {
      for (const accountId of endSession(sessions, refreshTokenOf(http.cookie), http.session, http.response)) {
        const role = read.account(accountId)?.role;
        accessLog.record({ actor: accountId, role, action: 'SIGN_OUT', address: http.address });
      }
      return true;
    },
  }),
}));
