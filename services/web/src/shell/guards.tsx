import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../session/context.tsx';
import type { SignedInAccount } from '../session/operations.ts';
import { Forbidden, Loading, Offline } from './problems.tsx';
import { signInPath } from './return-to.ts';

/**
 * Pages behind it need a session: without one the sign-in page opens, remembering this page (and saying the
 * session expired when it did), and comes back here after signing in.
 */
export function RequireSession() {
  const { state, retry } = useSession();
  const location = useLocation();
  if (state.status === 'starting') return <Loading />;
  if (state.status === 'unreachable') return <Offline onRetry={retry} />;
  if (state.status === 'signedOut') return <Navigate to={signInPath(location, state.expired)} replace />;
  return <Outlet />;
}

/** A page for some roles only; the others read a plain sentence saying they may not. */
export function RequireRole({
  roles,
  children,
}: {
  readonly roles: readonly SignedInAccount['role'][];
  readonly children: ReactNode;
}) {
  const { state } = useSession();
  if (state.status !== 'signedIn' || !roles.includes(state.account.role)) return <Forbidden />;
  return children;
}
