import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import express from 'express';

/**
 * The dashboard page loads only its own script and talks only to this origin. Inline styles are allowed because
 * ECharts positions its tooltips with `style` attributes (the page's own CSS sits in a `<style>` element too).
 */
const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** How the browser code is bundled: on first request when running from sources, by `build.ts` for production. */
export function dashboardClientBuildOptions(entryPoint: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    charset: 'utf8',
    // ECharts guards its development warnings with process.env.NODE_ENV, which browsers do not have.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  };
}

/**
 * Where the page's files are: `dist/dashboard/` next to the production bundle (`index.html` and a prebuilt
 * `client.js`), or this folder when running from the TypeScript sources (`index.html` and `client.ts`).
 */
function assetPath(name: string): string | undefined {
  for (const dir of ['./dashboard/', './']) {
    const url = new URL(dir + name, import.meta.url);
    if (existsSync(url)) return fileURLToPath(url);
  }
  return undefined;
}

async function bundleClient(entryPoint: string): Promise<Buffer> {
  // Loaded only when no prebuilt bundle exists: the production server bundle keeps esbuild external.
  const { build } = await import('esbuild');
  const result = await build({ ...dashboardClientBuildOptions(entryPoint), write: false });
  const output = result.outputFiles?.[0];
  if (!output) throw new Error('esbuild produced no dashboard bundle');
  return Buffer.from(output.contents);
}

let clientScript: Promise<Buffer> | undefined;

/** The browser script, read or bundled once per process and kept in memory. */
function loadClientScript(): Promise<Buffer> {
  clientScript ??= (async () => {
    const prebuilt = assetPath('client.js');
    if (prebuilt) return readFileSync(prebuilt);
    const source = assetPath('client.ts');
    if (!source) throw new Error('The dashboard script is missing: neither client.js nor client.ts was found');
    return bundleClient(source);
  })();
  return clientScript;
}

/**
 * `/` (the statistics dashboard page) and `/dashboard/client.js` (its script). Data comes from /graphql. `sso`: single
 * sign-on is configured, so the page offers it (`<body data-sso="true">`, rendered here rather than asked for).
 */
export function dashboardRoutes({ sso }: { readonly sso: boolean }): express.Router {
  const router = express.Router();
  const htmlPath = assetPath('index.html');
  if (!htmlPath) {
    // A server bundle deployed without dist/dashboard/: the API works, the page says what is missing.
    router.get(['/', '/dashboard/client.js'], (_req, res) => {
      res.status(404).type('text/plain; charset=utf-8').send('The dashboard is not built: dist/dashboard/ is missing');
    });
    return router;
  }
  const template = readFileSync(htmlPath, 'utf8');
  if (!template.includes('<body>')) throw new Error(`${htmlPath} has no <body> to mark with data-sso`);
  const html = template.replace('<body>', `<body data-sso="${sso}">`);

  const secure = (res: express.Response) =>
    res.set({
      'Content-Security-Policy': DASHBOARD_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });

  router.get('/', (_req, res) => {
    secure(res).type('text/html; charset=utf-8').send(html);
  });

  router.get('/dashboard/client.js', async (_req, res, next) => {
    try {
      // Bundled on first use, so processes that never serve the page (tests, tools) pay nothing.
      const body = await loadClientScript();
      secure(res).type('text/javascript; charset=utf-8').send(body);
    } catch (error) {
      next(error);
    }
  });

  return router;
}
