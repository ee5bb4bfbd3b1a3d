import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../support/graphql-http.ts';
import { ROOT, removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';

/**
 * What `npm run start:prod` runs: the esbuild bundle, built here as `npm run build` builds it, started in production
 * mode. Native addons (SQLite, argon2) must load from outside the bundle; a sign-in hashes and verifies a password.
 */
let server: ServerProcess | undefined;

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', '--silent', 'build', '--workspace', '@qingmiao/api'], { cwd: ROOT });
  server = await startServerProcess({ bundle: true, env: { NODE_ENV: 'production' } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe('the production bundle', () => {
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
    const password = 'bundle-2022-spring';
    const input = { login: 'bundle-viewer', activationCode: created.activationCode, password };
    dataOf(
      await server.graphql(
        graphql(`mutation Activate($input: ActivateAccountInput!) { activateAccount(input: $input) { expiresAt } }`),
        { input },
      ),
    );
    const signedIn = dataOf(
      await server.graphql(
        graphql(`mutation SignIn($input: SignInInput!) { signIn(input: $input) { account { login } } }`),
        { input: { login: 'bundle-viewer', password } },
      ),
    ).signIn;
    expect(signedIn.account.login).toBe('bundle-viewer');
    expect((await server.get('/readyz')).status).toBe(200);
  });
});
