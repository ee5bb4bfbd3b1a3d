import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';

/**
 * The web app at `/`: hashed assets cached for a year, `index.html` never cached, and the app's own routes answered
 * with `index.html` (history fallback) — never the API's paths, which answer 404 as themselves.
 *
 * The CSP allows only this origin's scripts (no inline script). Ant Design 6 writes its styles at run time
 * (CSS-in-JS, `<style>` elements): rather than `'unsafe-inline'`, each `index.html` carries a fresh nonce in
 * `<meta name="csp-nonce">` that the app hands to Ant Design (`ConfigProvider csp`), and the CSP allows style
 * elements with that nonce only. Style attributes stay allowed (`style-src-attr`): components position popups and
 * size text areas with them, and an attribute cannot load anything or run script.
 */

/** Paths that belong to the API: no fallback to the app there. */
const API_PATHS = ['/graphql', '/files', '/reports', '/metrics', '/healthz', '/readyz', '/auth', '/assets'];

const ASSET_CACHE = 'public, max-age=31536000, immutable';

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "connect-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Entries' audio and video play from their signed /files links.
    "media-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const isApiPath = (path: string) => API_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

const hardening = (res: express.Response) =>
  res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });

/**
 * The routes of the built app in `dir` (see build.ts). `sso`: single sign-on is configured, which the page learns
 * from `<meta name="qingmiao-sso" content="true">`.
 */
export function webAppRoutes(dir: string, { sso }: { readonly sso: boolean }): express.Router {
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  if (!template.includes('</head>')) throw new Error(`${dir}/index.html has no </head>`);
  const page = (nonce: string) =>
    template.replace(
      '</head>',
      `<meta name="csp-nonce" content="${nonce}"><meta name="qingmiao-sso" content="${sso}"></head>`,
    );

  const router = express.Router();
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (res) => {
        res.setHeader('Cache-Control', ASSET_CACHE);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Referrer-Policy', 'no-referrer');
      },
    }),
  );

  router.get(/.*/, (req, res, next) => {
    if (isApiPath(req.path) || !req.accepts('html')) {
      next();
      return;
    }
    // A fresh nonce per answer, and no validator (ETag): a revalidated copy would carry the old nonce.
    const nonce = randomBytes(16).toString('base64');
    hardening(res).set({
      'Content-Security-Policy': contentSecurityPolicy(nonce),
      'Cache-Control': 'no-cache',
      'Content-Type': 'text/html; charset=utf-8',
    });
    res.end(page(nonce));
  });
  return router;
}
