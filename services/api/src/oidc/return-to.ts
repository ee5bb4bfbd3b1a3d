/** Longest `returnTo` kept; anything longer is not a path of this app. */
const MAX_LENGTH = 1024;

const BASE = 'http://qingmiao.invalid';

/**
 * Where to send the browser after signing in: `returnTo` when it is a path on this site (`/…`, not `//host` or
 * `/\host`, which browsers read as another host, and not back into the sign-in flow), else `/`. Never an open
 * redirect: the answer is always a path resolved against this site.
 */
export function safeReturnTo(returnTo: unknown): string {
  if (typeof returnTo !== 'string' || returnTo.length > MAX_LENGTH) return '/';
  // Printable ASCII only (a path is sent percent-encoded): browsers drop tabs and newlines and read `\` as `/`, so
  // such paths are refused rather than guessed at.
  if (!/^\/[!-~]*$/.test(returnTo) || returnTo.includes('\\') || returnTo.startsWith('//')) return '/';
  const url = new URL(returnTo, BASE);
  // Dot segments can normalise into `//host` (`/.//evil.example`): the path as it will be sent is checked again.
  if (url.origin !== BASE || url.pathname.startsWith('//') || url.pathname.startsWith('/auth/oidc/')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
