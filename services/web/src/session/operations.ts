import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { checked } from '../checked.ts';

/**
 * The session operations of the API (DESIGN "Accounts and sign-in"), as the old dashboard used them, each answering
 * the Session with its account (fields spelled out in each: gql.tada types literal documents only).
 */

export const SIGN_IN = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) { accessToken expiresAt account { id login displayName role schoolId status } }
  }
`);

export const ACTIVATE = graphql(`
  mutation Activate($input: ActivateAccountInput!) {
    activateAccount(input: $input) { accessToken expiresAt account { id login displayName role schoolId status } }
  }
`);

/** Reads and rotates the httpOnly refresh cookie: after a reload, after single sign-on, and before expiry. */
export const REFRESH_SESSION = graphql(`
  mutation RefreshSession {
    refreshSession { accessToken expiresAt account { id login displayName role schoolId status } }
  }
`);

export const SIGN_OUT = graphql('mutation SignOut { signOut }');

export const CHANGE_PASSWORD = checked(
  graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { id } }
`),
);

export type SessionAnswer = ResultOf<typeof REFRESH_SESSION>['refreshSession'];
export type SignedInAccount = SessionAnswer['account'];
