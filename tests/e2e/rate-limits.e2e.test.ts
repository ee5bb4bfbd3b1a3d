import { randomUUID } from 'node:crypto';
import { mintToken } from '@qingmiao/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * Rate limits belong to who is calling, not to how the header is written: one budget per verified identity across
 * /graphql and /reports, and one smaller budget per address for everything without a valid token.
 */

const IDENTITY_LIMIT = 6;
const ANONYMOUS_LIMIT = 20;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    QINGMIAO_RATE_LIMIT: String(IDENTITY_LIMIT),
    QINGMIAO_ANON_RATE_LIMIT: String(ANONYMOUS_LIMIT),
  });
});

afterAll(async () => {
  await server?.stop();
});

const ask = (authorization: string | undefined) =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query: '{ schools { id } }' }),
  });

const download = (authorization: string) =>
  fetch(`${server.url}/reports/participation.csv?year=2022`, { headers: { authorization } });

describe('rate limits', () => {
  it('gives the six spellings of one token one budget, shared with the report downloads', async () => {
    const token = await server.token('viewer', { sub: 'spellings' });
    const spellings = [
      `Bearer ${token}`,
      `bearer ${token}`,
      `BEARER ${token}`,
      `Bearer   ${token}`,
      `Bearer\t${token}`,
      `bEaReR \t ${token}`,
    ];
    const statuses: number[] = [];
    for (const authorization of spellings) statuses.push((await ask(authorization)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await ask(`Bearer ${token}`)).status).toBe(429);
    const refused = await download(`Bearer ${token}`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('counts report downloads against the same budget as GraphQL', async () => {
    const token = await server.token('viewer', { sub: 'downloads' });
    const statuses: number[] = [];
    for (let i = 0; i < IDENTITY_LIMIT; i++) statuses.push((await download(`Bearer ${token}`)).status);
    expect(statuses).toEqual(Array(IDENTITY_LIMIT).fill(200));
    const refused = await ask(`Bearer ${token}`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
  });

  it('puts 200 distinct junk tokens from one address under the anonymous limit; valid tokens keep their budgets', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await ask(`Bearer junk.${randomUUID()}.token`)).status);
    expect(statuses.slice(0, ANONYMOUS_LIMIT)).toEqual(Array(ANONYMOUS_LIMIT).fill(401));
    expect(new Set(statuses.slice(ANONYMOUS_LIMIT))).toEqual(new Set([429]));
    // No token at all shares the address's exhausted budget.
    expect((await ask(undefined)).status).toBe(429);
    // Nor do other callers' exhausted budgets touch a valid token's.
    expect((await ask(`Bearer ${await server.token('organizer', { sub: 'untouched' })}`)).status).toBe(200);
  });

  it('gives each login session of one account its own budget', async () => {
    // Sessions of a real account, started beside the server: the budgets of HTTP sign-ins are not this test's.
    const { commands, readSide, sessions: issuer } = server.server.qingmiao;
    const login = `two-sessions-${randomUUID().slice(0, 8)}`;
    const meta = { actor: { sub: 'office', role: 'organizer' as const }, correlationId: randomUUID() };
    const { accountId, activationCode } = await commands.createAccount(
      { login, displayName: '两个会话', role: 'viewer' },
      meta,
    );
    const activated = await commands.activateAccount({ login, activationCode, password: 'two-sessions-2022' }, meta);
    await readSide.waitFor(activated.position);
    const sessions = await Promise.all(
      [1, 2].map(() =>
        mintToken(
          new TextEncoder().encode(SECRET),
          { sub: accountId, role: 'viewer', sid: issuer.store.start(accountId).session.id },
          '1h',
        ),
      ),
    );
    for (let i = 0; i < IDENTITY_LIMIT; i++) expect((await ask(`Bearer ${sessions[0]}`)).status).toBe(200);
    expect((await ask(`Bearer ${sessions[0]}`)).status).toBe(429);
    expect((await ask(`Bearer ${sessions[1]}`)).status).toBe(200);
  });
});
