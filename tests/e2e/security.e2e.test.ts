import { randomUUID } from 'node:crypto';
import { loadConfig, mintToken, resolveAuthSecret } from '@qingmiao/api';
import { serverAudits } from 'graphql-http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestServer, type TestServer } from '../support/in-process-server.ts';

const SECRET = new TextEncoder().encode('in-process-test-secret-0123456789abcdef');

let server: TestServer;
let organizer: string;

async function post(body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${organizer}`, ...headers },
    body,
  });
}

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer');
});

afterAll(async () => {
  await server?.stop();
});

describe('authentication', () => {
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = () => Math.floor(Date.now() / 1000) + 600;

  it.each([
    ['no header', undefined],
    ['not a bearer token', 'Basic b3JnYW5pemVyOnNlY3JldA=='],
    ['garbage', 'Bearer not.a.jwt'],
    [
      'alg none',
      `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'x', role: 'organizer', exp: exp() })}.`,
    ],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_name, authorization) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: '{ schools { id } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  const sign = (claims: Record<string, unknown>, secret = SECRET, expires: number | null = exp()) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
    if (claims.sub) jwt.setSubject(String(claims.sub));
    if (expires !== null) jwt.setExpirationTime(expires);
    return jwt.sign(secret);
  };

  it.each([
    [
      'an expired token',
      () => sign({ sub: 'a', role: 'organizer' }, SECRET, Math.floor(Date.now() / 1000) - 60),
      'expired',
    ],
    [
      'a wrong signature',
      () => sign({ sub: 'a', role: 'organizer' }, new TextEncoder().encode('x'.repeat(40))),
      'invalid',
    ],
    ['a token without exp', () => sign({ sub: 'a', role: 'organizer' }, SECRET, null), 'invalid'],
    ['a token without sub', () => sign({ role: 'organizer' }), 'invalid'],
    ['an unknown role', () => sign({ sub: 'a', role: 'admin' }), 'role'],
    ['a school token without schoolId', () => sign({ sub: 'a', role: 'school' }), 'schoolId'],
  ])('refuses %s', async (_name, make, message) => {
    const response = await server.graphql(await make(), '{ schools { id } }');
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message.toLowerCase()).toContain(message.toLowerCase());
  });

  it('refuses to start in production without QINGMIAO_AUTH_SECRET', () => {
    const config = loadConfig({ NODE_ENV: 'production', QINGMIAO_DATA_DIR: server.dataDir });
    expect(() => resolveAuthSecret(config)).toThrow(/QINGMIAO_AUTH_SECRET is required/);
    expect(() => loadConfig({ QINGMIAO_AUTH_SECRET: 'short' })).toThrow(/QINGMIAO_AUTH_SECRET/);
  });
});

describe('authorization', () => {
  it('keeps participant names from other schools, viewers and judges; judges score only their campaigns', async () => {
    const ids = {
      a: `sa-${randomUUID().slice(0, 6)}`,
      b: `sb-${randomUUID().slice(0, 6)}`,
      c: `c-${randomUUID().slice(0, 6)}`,
    };
    for (const id of [ids.a, ids.b]) {
      await server.graphql(
        organizer,
        `mutation { registerSchool(input: {id: "${id}", name: "校", kind: PRIMARY, town: "镇"}) { id } }`,
      );
    }
    await server.graphql(
      organizer,
      `mutation { createCampaign(input: {id: "${ids.c}", kind: ESSAY, title: "t", year: 2022, opensAt: "2022-01-01T00:00:00Z", closesAt: "2099-01-01T00:00:00Z"}) { id } }`,
    );
    await server.graphql(organizer, `mutation { openCampaign(input: {id: "${ids.c}"}) { id } }`);
    const schoolA = await mintToken(SECRET, { sub: 'a', role: 'school', schoolId: ids.a });
    const schoolB = await mintToken(SECRET, { sub: 'b', role: 'school', schoolId: ids.b });
    const submitted = await server.graphql<{ submitEntry: { id: string } }>(
      schoolA,
      `mutation { submitEntry(input: {submissionId: "x", campaignId: "${ids.c}", schoolId: "${ids.a}", title: "t", participants: [{name: "小红", role: STUDENT}]}) { id } }`,
    );
    const entryId = submitted.data?.submitEntry.id ?? '';

    const own = await server.graphql<{ entry: { participants: { name: string }[] } }>(
      schoolA,
      `{ entry(id: "${entryId}") { participants { name } } }`,
    );
    expect(own.data?.entry.participants).toEqual([{ name: '小红' }]);
    expect((await server.graphql(schoolB, `{ entry(id: "${entryId}") { id } }`)).data).toEqual({ entry: null });
    const listed = await server.graphql<{ campaign: { entries: unknown[] } }>(
      schoolB,
      `{ campaign(id: "${ids.c}") { entries { id } } }`,
    );
    expect(listed.data?.campaign.entries).toEqual([]);
    expect(codeOf(await server.graphql(schoolB, `{ entryHistory(entryId: "${entryId}") { type } }`))).toBe('OK');
    expect((await server.graphql(schoolB, `{ entryHistory(entryId: "${entryId}") { type } }`)).data).toEqual({
      entryHistory: [],
    });

    const viewer = await server.token('viewer');
    expect(codeOf(await server.graphql(viewer, `{ campaign(id: "${ids.c}") { entries { id } } }`))).toBe('FORBIDDEN');
    // A judge of another campaign does not even see the entry.
    const judge = await server.token('judge', { sub: 'judge-x' });
    const blind = await server.graphql(judge, `{ entry(id: "${entryId}") { participants { name } } }`);
    expect(blind.data).toEqual({ entry: null });
    expect(codeOf(blind)).toBe('OK');
    const scored = await server.graphql(
      judge,
      `mutation { scoreEntry(input: {entryId: "${entryId}", score: 90}) { id } }`,
    );
    expect(codeOf(scored)).toBe('FORBIDDEN');
    expect(codeOf(await server.graphql(schoolB, `mutation { closeCampaign(input: {id: "${ids.c}"}) { id } }`))).toBe(
      'FORBIDDEN',
    );
  });
});

describe('hostile requests', () => {
  it('answers malformed JSON, wrong content types and oversized bodies with clear 4xx', async () => {
    const malformed = await post('{"query": "{ schools { id } }"');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ errors: [{ message: 'Request body is not valid JSON' }] });

    const wrongType = await post('query=%7B%20schools%20%7B%20id%20%7D%20%7D', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
    expect(wrongType.status).toBeLessThan(500);

    const huge = await post(JSON.stringify({ query: '{ schools { id } }', variables: { pad: 'x'.repeat(400_000) } }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ errors: [{ message: 'Request body is too large' }] });
  });

  it('stops deep, wide and alias-flooded documents before they run', async () => {
    const deep = `{ campaigns { ${'entries { '.repeat(1)}id ${'}'.repeat(1)} ${Array.from({ length: 40 }, (_, i) => `a${i}: schools { id }`).join(' ')} }`;
    const flooded = await server.graphql(organizer, deep.replace('{ campaigns { entries { id } ', '{ '));
    expect(flooded.errors?.[0]?.message).toMatch(/alias/i);
    const nested = `{ ${'campaigns { entries { '.repeat(1)} id } } ${'__typename '.repeat(5000)} }`;
    const tokens = await server.graphql(organizer, nested);
    expect(tokens.errors?.[0]?.message).toMatch(/token/i);
  });

  it('rate-limits each token', async () => {
    const limited = await startTestServer({ QINGMIAO_RATE_LIMIT: '5' });
    try {
      const token = await limited.token('viewer');
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await limited.graphql(token, '{ schools { id } }')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // Another token still has its own budget.
      expect((await limited.graphql(await limited.token('organizer'), '{ schools { id } }')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('hides GraphiQL, introspection and field suggestions in production', async () => {
    const production = await startTestServer({ NODE_ENV: 'production' });
    try {
      const token = await production.token('viewer');
      const page = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('GraphiQL');
      const introspection = await production.graphql(token, '{ __schema { types { name } } }');
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await production.graphql(token, '{ schoolz { id } }');
      expect(typo.errors?.[0]?.message).not.toMatch(/did you mean/i);
      const dev = await server.graphql(organizer, '{ schoolz { id } }');
      expect(dev.errors?.[0]?.message).toMatch(/did you mean/i);
    } finally {
      await production.stop();
    }
  });
});

describe('GraphQL over HTTP compliance (graphql-http audits)', () => {
  it('passes every MUST-level audit', async () => {
    const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) =>
      fetch(input, {
        ...init,
        headers: { ...Object.fromEntries(new Headers(init.headers)), authorization: `Bearer ${organizer}` },
      });
    const audits = serverAudits({ url: `${server.url}/graphql`, fetchFn });
    const failures: string[] = [];
    for (const audit of audits) {
      const result = await audit.fn();
      if (result.status !== 'ok' && audit.name.startsWith('MUST')) failures.push(`${audit.name}: ${result.reason}`);
    }
    expect(audits.length).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });
});
