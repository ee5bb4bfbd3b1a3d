/**
 * Where to go after signing in: the page the person was on when the session ended, kept in the sign-in page's
 * `next` parameter. Only a path of this app is followed (never `//host` or a URL), as the server does for
 * single sign-on (services/api/src/oidc/return-to.ts).
 */
export function safeNext(next: string | null | undefined): string | undefined {
  if (!next || next.length > 2048 || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) {
    return undefined;
  }
  return next;
}

/** The sign-in page, remembering `from` (a location's path, query and hash). */
export function signInPath(from: { pathname: string; search: string; hash: string }, expired: boolean): string {
  const params = new URLSearchParams();
  const next = `${from.pathname}${from.search}${from.hash}`;
  if (next !== '/') params.set('next', next);
  if (expired) params.set('expired', '1');
  const query = params.toString();
  return query ? `/sign-in?${query}` : '/sign-in';
}
