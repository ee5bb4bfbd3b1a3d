import { randomBytes } from 'node:crypto';
import { hashPassword, SignInRefused, verifyPassword } from '@qingmiao/domain';
import type { AccountRow, ReadModelQueries } from '@qingmiao/projections';
import { Login } from '@qingmiao/schema';

/** One message for an unknown login, a wrong password and an account that cannot sign in: nothing to tell apart. */
const REFUSED = 'Wrong login or password';

/** A hash no password matches, verified for unknown logins so that they take as long as a wrong password. */
let dummy: Promise<string> | undefined;
const dummyHash = () => {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummy;
};

/**
 * The active account a login and password name, or SignInRefused. The password is checked against an argon2id hash
 * on libuv's thread pool; an unknown or malformed login, a pending account and a disabled one verify the dummy hash
 * and get the same refusal as a wrong password.
 */
export async function verifySignIn(
  read: Pick<ReadModelQueries, 'accountCredentials'>,
  login: string,
  password: string,
): Promise<AccountRow> {
  const parsed = Login.safeParse(login);
  const credentials = parsed.success ? read.accountCredentials(parsed.data) : undefined;
  const hash = credentials?.account.status === 'ACTIVE' ? credentials.passwordHash : null;
  const matches = await verifyPassword(hash ?? (await dummyHash()), password);
  if (!credentials || hash === null || !matches) throw new SignInRefused(REFUSED);
  return credentials.account;
}
