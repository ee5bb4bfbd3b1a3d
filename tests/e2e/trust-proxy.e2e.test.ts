import { randomUUID } from 'node:crypto';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, requestBody } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * QINGMIAO_TRUST_PROXY over real HTTP: the client address every per-address rule keys on (anonymous rate limit,
 * sign-in throttle, access log) and the Secure flag of cookies come from X-Forwarded-For and X-Forwarded-Proto only
 * when the TCP peer (here always 127.0.0.1) is a proxy the setting trusts; otherwise those headers are the caller's
 * own text and change nothing.
 */

const ANONYMOUS_PER_MINUTE = 3;
const SIGN_INS_PER_MINUTE = 2;

const ME = graphql(`query Me { me { id } }`);
const SIGN_IN = graphql(`
  mutation SignIn($input: SignInInput!) { signIn(input: $input) { accessToken } }
`);
const CREATE = graphql(`
  mutation CreateAccount($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }
`);
const ACTIVATE = graphql(`
  mutation Activate($input: ActivateAccountInput!) { activateAccount(input: $input) { accessToken } }
`);
const ACCESS_LOG = graphql(`
  query AccessLog($from: DateTime!, $to: DateTime!, $actor: String) {
    accessLog(from: $from, to: $to, actor: $actor, limit: 10) { action address }
  }
`);

const servers: TestServer[] = [];
const start = async (trustProxy?: string) => {
  const server = await startTestServer({
    QINGMIAO_ANON_RATE_LIMIT: String(ANONYMOUS_PER_MINUTE),
    QINGMIAO_SIGN_IN_ATTEMPTS_PER_MINUTE: String(SIGN_INS_PER_MINUTE),
    ...(trustProxy === undefined ? {} : { QINGMIAO_TRUST_PROXY: trustProxy }),
  });
  servers.push(server);
  return server;
};

let untrusting: TestServer;
let loopback: TestServer;
let elsewhere: TestServer;
let oneHop: TestServer;

beforeAll(async () => {
  [untrusting, loopback, elsewhere, oneHop] = await Promise.all([
    start(),
    start('loopback'),
    start('10.0.0.1, 192.168.0.0/16'),
    start('1'),
  ]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

const forwarded = (forwardedFor?: string, proto?: string): Record<string, string> => ({
  ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
  ...(proto === undefined ? {} : { 'x-forwarded-proto': proto }),
});

/** The HTTP status of an anonymous request (401 while the address's budget lasts, 429 beyond). */
async function anonymousStatus(server: TestServer, forwardedFor?: string): Promise<number> {
  return (await server.graphql(ME, {}, undefined, { headers: forwarded(forwardedFor) })).status;
}

/** A failed sign-in for a fresh login, then the address the access log recorded for it. */
async function recordedAddress(server: TestServer, forwardedFor?: string): Promise<string | null | undefined> {
  const login = `probe-${randomUUID().slice(0, 8)}`;
  const input = { login, password: 'not-the-password' };
  const answer = await server.graphql(SIGN_IN, { input }, undefined, { headers: forwarded(forwardedFor) });
  expect(codeOf(answer)).toBe('UNAUTHENTICATED');
  const organizer = await server.token('organizer', { sub: 'office' });
  const window = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
  const entries = dataOf(await server.graphql(ACCESS_LOG, { ...window, actor: login }, organizer)).accessLog;
  expect(entries.map((entry) => entry.action)).toEqual(['SIGN_IN_FAILED']);
  return entries[0]?.address;
}

/** Activates a new account with the given forwarding headers; the refresh cookie's Set-Cookie header. */
async function refreshCookie(server: TestServer, headers: Record<string, string>): Promise<string> {
  const login = `cookie-${randomUUID().slice(0, 8)}`;
  const organizer = await server.token('organizer', { sub: 'office' });
  const created = await server.graphql(CREATE, { input: { login, displayName: '周主任', role: 'viewer' } }, organizer);
  const { activationCode } = dataOf(created).createAccount;
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: requestBody(ACTIVATE, { input: { login, activationCode, password: 'qingmiao-2022-spring' } }),
  });
  expect(response.status).toBe(200);
  const [cookie, ...others] = response.headers.getSetCookie();
  expect(others).toEqual([]);
  expect(cookie).toMatch(/^qingmiao_refresh=[\w-]{43};/);
  return cookie ?? '';
}

const isSecure = (setCookie: string) => setCookie.split(';').some((part) => part.trim().toLowerCase() === 'secure');

describe('without QINGMIAO_TRUST_PROXY (the default: trust none)', () => {
  it('keys the anonymous budget on the TCP peer: X-Forwarded-For opens no new budget', async () => {
    for (let request = 1; request <= ANONYMOUS_PER_MINUTE; request++) {
      expect(await anonymousStatus(untrusting, `203.0.113.${request}`)).toBe(401);
    }
    expect(await anonymousStatus(untrusting, '203.0.113.99')).toBe(429);
    expect(await anonymousStatus(untrusting)).toBe(429);
  });

  it('records the peer in the access log, not the address a caller claims', async () => {
    // A separate server: the one above has spent its only address's budget.
    const server = await start();
    expect(await recordedAddress(server, '198.51.100.7')).toBe('127.0.0.1');
  });

  it('sets no Secure cookie over plain HTTP, whatever X-Forwarded-Proto says', async () => {
    const server = await start();
    expect(isSecure(await refreshCookie(server, forwarded(undefined, 'https')))).toBe(false);
  });
});

describe('trusting the proxy on loopback (QINGMIAO_TRUST_PROXY=loopback)', () => {
  it('gives each forwarded client its own anonymous budget', async () => {
    for (let request = 1; request <= ANONYMOUS_PER_MINUTE; request++) {
      expect(await anonymousStatus(loopback, '203.0.113.1')).toBe(401);
    }
    expect(await anonymousStatus(loopback, '203.0.113.1')).toBe(429);
    expect(await anonymousStatus(loopback, '203.0.113.2')).toBe(401);
    // The proxy's own address is one more client, with its own budget.
    expect(await anonymousStatus(loopback)).toBe(401);
  });

  it('throttles sign-ins per forwarded client, not for everyone behind the proxy', async () => {
    const attempt = (forwardedFor: string) =>
      loopback.graphql(SIGN_IN, { input: { login: `someone-${randomUUID()}`, password: 'x' } }, undefined, {
        headers: forwarded(forwardedFor),
      });
    for (let request = 1; request <= SIGN_INS_PER_MINUTE; request++) {
      expect(codeOf(await attempt('198.51.100.1'))).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await attempt('198.51.100.1'))).toBe('TOO_MANY_ATTEMPTS');
    expect(codeOf(await attempt('198.51.100.2'))).toBe('UNAUTHENTICATED');
  });

  it('records the forwarded client, and only the hop the proxy saw: what the client wrote before it is ignored', async () => {
    expect(await recordedAddress(loopback, '198.51.100.7')).toBe('198.51.100.7');
    // A proxy that appends (nginx's $proxy_add_x_forwarded_for) passes the client's own header on in front.
    expect(await recordedAddress(loopback, '203.0.113.250, 198.51.100.8')).toBe('198.51.100.8');
  });

  it('sets the Secure cookie when the proxy says the browser came over HTTPS', async () => {
    expect(isSecure(await refreshCookie(loopback, forwarded('198.51.100.20', 'https')))).toBe(true);
    expect(isSecure(await refreshCookie(loopback, forwarded('198.51.100.21', 'http')))).toBe(false);
    expect(isSecure(await refreshCookie(loopback, forwarded('198.51.100.22')))).toBe(false);
  });
});

describe('trusting proxies the peer is not (QINGMIAO_TRUST_PROXY=10.0.0.1, 192.168.0.0/16)', () => {
  it('ignores the forwarding headers of an untrusted peer: spoofed addresses and schemes change nothing', async () => {
    for (let request = 1; request <= ANONYMOUS_PER_MINUTE; request++) {
      expect(await anonymousStatus(elsewhere, `203.0.113.${request}`)).toBe(401);
    }
    expect(await anonymousStatus(elsewhere, '203.0.113.99')).toBe(429);
    const server = await start('10.0.0.1, 192.168.0.0/16');
    expect(await recordedAddress(server, '10.0.0.1')).toBe('127.0.0.1');
    expect(isSecure(await refreshCookie(server, forwarded('10.0.0.1', 'https')))).toBe(false);
  });
});

describe('a hop count (QINGMIAO_TRUST_PROXY=1)', () => {
  it('believes the one proxy in front: the address it added, not what the client wrote before it', async () => {
    expect(await recordedAddress(oneHop, '203.0.113.250, 198.51.100.9')).toBe('198.51.100.9');
    expect(await recordedAddress(oneHop)).toBe('127.0.0.1');
  });
});
