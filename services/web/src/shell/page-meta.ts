/** What the server renders into index.html for the app (services/api/src/web-app/routes.ts). */
function meta(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || undefined;
}

/** Single sign-on is configured: the sign-in page offers it. */
export const ssoConfigured = () => meta('qingmiao-sso') === 'true';

/** The CSP nonce of this page, which Ant Design puts on the style elements it writes. */
export const cspNonce = () => meta('csp-nonce');
