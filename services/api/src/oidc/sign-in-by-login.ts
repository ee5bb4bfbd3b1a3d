import type { ReadModelQueries } from '@qingmiao/projections';
import type { Request, Response } from 'express';
import type { AccessLog } from '../access-log.ts';
import { issueSession, type SessionIssuer } from '../sessions.ts';

/** What became of a sign-in by a login the provider vouched for. */
export type SignInOutcome = 'signed-in' | 'unknown' | 'disabled';

/**
 * The port single sign-on signs people in through: given the login the provider vouched for (lowercase), start a
 * session for the enabled account with that login (e.g. set its cookie on `res`) and say 'signed-in', or say why
 * not without touching `res`.
 */
export type SignInByLogin = (login: string, req: Request, res: Response) => Promise<SignInOutcome>;

/**
 * Single sign-on's way in: the active account with that login gets a session as a password sign-in would (the
 * refresh cookie; the page then asks refreshSession for its access token), recorded in the access log. An account
 * not yet activated, or disabled or reset, is refused like a disabled one: the provider vouches for the person, the
 * office still decides whether their account may be used.
 */
export function signInWithSession(
  read: () => Pick<ReadModelQueries, 'accountByLogin'>,
  sessions: SessionIssuer,
  accessLog: AccessLog,
): SignInByLogin {
  return async (login, req, res) => {
    const account = read().accountByLogin(login);
    if (!account) return 'unknown';
    if (account.status !== 'ACTIVE') return 'disabled';
    await issueSession(sessions, account, res);
    accessLog.record({ actor: account.id, role: account.role, action: 'SIGN_IN', subject: 'oidc', address: req.ip });
    return 'signed-in';
  };
}
