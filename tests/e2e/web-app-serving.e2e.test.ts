import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { prepareWebApp } from '@qingmiao/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { ROOT } from '../support/server-process.ts';

/**
 * How the API serves the web app: the build of the current sources (made now if stale), hashed assets cached for a
 * year, index.html never cached and with a fresh CSP nonce each time, the app's routes falling back to index.html
 * but never the API's paths, and several processes building at once without treading on each other.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { webApp: prepareWebApp() });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const page = (path: string, accept = 'text/html,application/xhtml+xml,*/*;q=0.8') =>
  fetch(`${server.url}${path}`, { headers: { Accept: accept } });

const isApp = (html: string) => html.includes('<title>青苗 · 关工委活动平台</title>');

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('serving the web app', () => {
  it('answers index.html with a strict CSP, a fresh style nonce each time, and no caching', async () => {
    const first = await page('/');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    // No validator: a revalidated copy would carry an old nonce under a new CSP.
    expect(first.headers.get('etag')).toBeNull();
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await first.text();
    expect(isApp(html)).toBe(true);

    const csp = directives(first.headers.get('content-security-policy') ?? '');
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('connect-src')).toBe("'self'");
    const nonce = /<meta name="csp-nonce" content="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(csp.get('style-src')).toBe(`'self' 'nonce-${nonce}'`);
    expect([...csp.values()].join(' ')).not.toContain("'unsafe-eval'");
    expect(csp.get('script-src')).not.toContain('unsafe-inline');

    // No inline script: every script element loads a file of this origin.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\ssrc="\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).toContain('<meta name="qingmiao-sso" content="false">');

    const second = await page('/');
    const again = /<meta name="csp-nonce" content="([^"]+)">/.exec(await second.text())?.[1];
    expect(again).not.toBe(nonce);
  });

  it('serves hashed assets for a year, immutable, and 404s for a missing one', async () => {
    const html = await (await page('/')).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.some((asset) => asset.endsWith('.js'))).toBe(true);
    expect(assets.some((asset) => asset.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      // Named by their content: Vite puts a hash in every file name.
      expect(asset).toMatch(/-[\w-]{8}\.(js|css)$/);
      const answer = await fetch(`${server.url}${asset}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    }
    const missing = await page('/assets/missing-0123abcd.js');
    expect(missing.status).toBe(404);
    expect(isApp(await missing.text())).toBe(false);
  });

  it("answers the app's routes with index.html (history fallback)", async () => {
    for (const path of ['/sign-in', '/school', '/school/entries/e-1?tab=history', '/dashboard/2026', '/judge']) {
      const answer = await page(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(isApp(await answer.text())).toBe(true);
      expect(answer.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it("never falls back for the API's paths, for requests not asking for HTML, or for other methods", async () => {
    for (const path of [
      '/files/f-1',
      '/reports/nothing',
      '/metrics/x',
      '/healthz/x',
      '/readyz/x',
      '/auth/x',
      '/auth/oidc/start',
      '/assets/',
      '/assets/x.html',
      '/files',
    ]) {
      const answer = await page(path);
      const body = await answer.text();
      expect({ path, app: isApp(body), refused: answer.status >= 400 }).toEqual({ path, app: false, refused: true });
    }
    // The API's own answers are untouched (GraphQL answers below its path as itself).
    expect((await page('/healthz')).status).toBe(200);
    for (const path of ['/graphql', '/graphql/x']) expect(isApp(await (await page(path)).text())).toBe(false);

    const json = await page('/school', 'application/json');
    expect(json.status).toBe(404);
    const post = await fetch(`${server.url}/school`, { method: 'POST', headers: { Accept: 'text/html' } });
    expect(post.status).toBe(404);
    expect(isApp(await post.text())).toBe(false);
  });
});

describe('building the app on start', () => {
  it('builds once when several processes start together, each reading the same complete build', async () => {
    const builds = mkdtempSync(join(tmpdir(), 'qingmiao-web-builds-'));
    try {
      const script = `import { webAppFromSources } from '@qingmiao/api'; process.stdout.write(webAppFromSources(${JSON.stringify(builds)}));`;
      const run = () =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: join(ROOT, 'services', 'api'),
          timeout: 120_000,
        });
      const answers = await Promise.all([run(), run(), run()]);
      const dirs = new Set(answers.map((answer) => answer.stdout));
      expect(dirs.size).toBe(1);
      const [dir = ''] = dirs;
      expect(existsSync(join(dir, 'index.html'))).toBe(true);
      const hash = readFileSync(join(dir, 'source-hash.txt'), 'utf8').trim();
      expect(dir.endsWith(hash)).toBe(true);
      // One build folder, no half-made one and no lock left behind.
      expect(readdirSync(builds)).toEqual([hash]);
      // Started again, the build is found and kept.
      const later = await run();
      expect(later.stdout).toBe(dir);
    } finally {
      rmSync(builds, { recursive: true, force: true });
    }
  }, 180_000);
});
