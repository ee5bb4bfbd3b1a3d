import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium } from '../support/browser.ts';
import { dataOf } from '../support/graphql-http.ts';
import { ROOT, removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';
import { signedInPage } from '../support/web-app.ts';

/**
 * What `npm run start:prod` runs: the esbuild bundle, built by `npm run build` (the global setup runs it), started in
 * production mode. Native addons (SQLite, argon2) must load from outside the bundle; a sign-in hashes and verifies a password;
 * the web app built beside it is served, and a leader signs in through it in Chromium.
 */
let server: ServerProcess | undefined;
const PASSWORD = 'bundle-2022-spring';

beforeAll(async () => {
  server = await startServerProcess({ env: { NODE_ENV: 'production' } });
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe('the production bundle', () => {
  it('is Latin-1 only, so V8 keeps its source at one byte per character', () => {
    const dist = join(ROOT, 'services', 'api', 'dist');
    // The server's modules; the web app's files under web/ are the browser's.
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(
      (name) => name.endsWith('.mjs') && !name.startsWith('web/'),
    );
    expect(files).toEqual(expect.arrayContaining(['qingmiao.mjs', 'read-model-builder.mjs']));
    expect(files.some((name) => name.startsWith('chunks/'))).toBe(true);
    for (const file of files) {
      const beyond = readFileSync(join(dist, file), 'utf8').match(/.{0,40}[\u0100-\uffff]/);
      expect(beyond?.[0], file).toBeUndefined();
    }
  });

  it('leaves the KurrentDB client (gRPC, protobuf) out of the server entry: it loads only for a KurrentDB store', () => {
    const dist = join(ROOT, 'services', 'api', 'dist');
    // esbuild names each bundled module's path in a comment above its code.
    const grpc = '// ../../node_modules/@grpc/grpc-js/';
    expect(readFileSync(join(dist, 'qingmiao.mjs'), 'utf8')).not.toContain(grpc);
    const chunks = readdirSync(join(dist, 'chunks')).filter((name) => name.endsWith('.mjs'));
    expect(chunks.filter((name) => readFileSync(join(dist, 'chunks', name), 'utf8').includes(grpc))).toHaveLength(1);
  });

  it('serves GraphQL, creates and activates an account and signs it in', async () => {
    if (!server) throw new Error('not started');
    const office = await server.token('organizer', { sub: 'office' });
    const created = dataOf(
      await server.graphql(
        graphql(`mutation Create($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }`),
        { input: { login: 'bundle-viewer', displayName: '领导', role: 'viewer' } },
        office,
      ),
    ).createAccount;
    const input = { login: 'bundle-viewer', activationCode: created.activationCode, password: PASSWORD };
    dataOf(
      await server.graphql(
        graphql(`mutation Activate($input: ActivateAccountInput!) { activateAccount(input: $input) { expiresAt } }`),
        { input },
      ),
    );
    const signedIn = dataOf(
      await server.graphql(
        graphql(`mutation SignIn($input: SignInInput!) { signIn(input: $input) { account { login } } }`),
        { input: { login: 'bundle-viewer', password: PASSWORD } },
      ),
    ).signIn;
    expect(signedIn.account.login).toBe('bundle-viewer');
    expect((await server.get('/readyz')).status).toBe(200);
  });

  it('serves the web app built next to it, and a leader signs in through it', async () => {
    if (!server) throw new Error('not started');
    const index = await fetch(`${server.url}/sign-in`, { headers: { Accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self';");
    const html = await index.text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    if (!script) throw new Error(`no module script in ${html}`);
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The bundle's own build, not one of the sources: it sits in dist/web/ next to qingmiao.mjs.
    expect(existsSync(join(ROOT, 'services', 'api', 'dist', 'web', script))).toBe(true);
    if (!HAS_CHROMIUM) return;

    const browser = await launchChromium();
    try {
      const app = await signedInPage(browser, server.url, {
        login: 'bundle-viewer',
        password: PASSWORD,
        viewport: 'phone',
      });
      await app.page.waitForURL((url) => url.pathname === '/dashboard');
      await app.page.getByRole('button', { name: '退出登录' }).waitFor();
      expect(app.problems).toEqual([]);
      await app.close();
    } finally {
      await browser.close();
    }
  });
});
