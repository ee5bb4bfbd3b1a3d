import type { Request, Response } from 'express';

/** What became of a sign-in by a login the provider vouched for. */
export type SignInOutcome = 'signed-in' | 'unknown' | 'disabled';

/**
 * The port single sign-on signs people in through: given the login the provider vouched for (lowercase), start a
 * session for the enabled account with that login (e.g. set its cookie on `res`) and say 'signed-in', or say why
 * not without touching `res`.
 */
export type SignInByLogin = (login: string, req: Request, res: Response) => Promise<SignInOutcome>;

/** Until accounts exist nobody has one: every login the provider vouches for is refused as unknown. */
export const refuseEveryLogin: SignInByLogin = async () => 'unknown';
