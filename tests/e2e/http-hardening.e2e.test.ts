import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followSubscription } from '../reliability/load.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * What a browser on another site, a typo in production and a slow client meet at the HTTP edge: CORS only for
 * listed origins, no "Did you mean" in production, header and request timeouts that spare subscriptions.
 */

const PORTAL = 'https://portal.example.org';
const FOREIGN = 'https://evil.example.com';
/** Short timeouts so that the test sees them: headers within 1 s, the whole request within 2 s. */
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({
    QINGMIAO_CORS_ORIGINS: PORTAL,
    QINGMIAO_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    QINGMIAO_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });
  token = await server.token('organizer');
});

afterAll(async () => {
  await server?.stop();
});

const fromOrigin = (url: string, origin: string, method: 'POST' | 'OPTIONS') =>
  fetch(`${url}/graphql`, {
    method,
    headers:
      method === 'POST'
        ? { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` }
        : { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    ...(method === 'POST' ? { body: JSON.stringify({ query: '{ schools { id } }' }) } : {}),
  });

describe('CORS', () => {
  it('answers a foreign origin without CORS headers, by default and beside an allow-list', async () => {
    const standard = await startTestServer();
    try {
      for (const url of [standard.url, server.url]) {
        for (const method of ['POST', 'OPTIONS'] as const) {
          const response = await fromOrigin(url, FOREIGN, method);
          expect(response.headers.get('access-control-allow-origin'), `${method} ${url}`).toBeNull();
          expect(response.headers.get('access-control-allow-credentials'), `${method} ${url}`).toBeNull();
        }
      }
    } finally {
      await standard.stop();
    }
  });

  it('lets an origin of QINGMIAO_CORS_ORIGINS call the API, without credentials', async () => {
    for (const method of ['POST', 'OPTIONS'] as const) {
      const response = await fromOrigin(server.url, PORTAL, method);
      expect(response.headers.get('access-control-allow-origin'), method).toBe(PORTAL);
      expect(response.headers.get('access-control-allow-credentials'), method).toBeNull();
    }
  });

  it('refuses a malformed allow-list naming the variable', async () => {
    await expect(startTestServer({ QINGMIAO_CORS_ORIGINS: 'portal.example.org' })).rejects.toThrow(
      /QINGMIAO_CORS_ORIGINS/,
    );
  });
});

describe('suggestions in production', () => {
  const typos = [
    ['an enum literal', '{ participation(year: 2022, groupBy: SCHOL) { key } }', {}],
    [
      'an enum variable',
      'query($g: ParticipationGrouping!) { participation(year: 2022, groupBy: $g) { key } }',
      { g: 'SCHOL' },
    ],
    ['a field', '{ schoolz { id } }', {}],
    ['an argument', '{ participation(yaer: 2022) { key } }', {}],
  ] as const;

  it.each(typos)('gives no "Did you mean" for %s', async (_name, query, variables) => {
    const production = await startTestServer({ NODE_ENV: 'production' });
    try {
      const answer = await production.graphql(query, variables, await production.token('viewer'));
      expect(answer.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(answer.errors)).not.toMatch(/did you mean/i);
      // Development keeps the hint (and shows that the document does provoke one).
      const development = await server.graphql(query, variables, token);
      expect(JSON.stringify(development.errors)).toMatch(/did you mean/i);
    } finally {
      await production.stop();
    }
  });
});

/** Opens a connection, sends `head` then `trickle` a byte every 100 ms; resolves when the server closes it. */
function slowClient(url: string, head: string, trickle: string): Promise<{ closedAfterMs: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answer = '';
    let sent = 0;
    const socket = connect(Number(port), hostname, () => socket.write(head));
    const timer = setInterval(() => {
      if (sent < trickle.length) socket.write(trickle[sent++] ?? '');
    }, 100);
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: performance.now() - started, answer });
    });
  });
}

describe('timeouts', () => {
  it('cuts off a client that sends its headers byte by byte', async () => {
    const { closedAfterMs, answer } = await slowClient(
      server.url,
      'GET /healthz HTTP/1.1\r\n',
      `Host: 127.0.0.1\r\nX-Pad: ${'a'.repeat(200)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    // Node looks for expired requests once a second here.
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
  });

  it('cuts off a client that sends its body byte by byte', async () => {
    const body = JSON.stringify({ query: `{ schools { id } } ${'#'.repeat(200)}` });
    const { closedAfterMs, answer } = await slowClient(
      server.url,
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      body,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
  });

  it('keeps a participationChanged subscription open and delivering past the request timeout', async () => {
    const controller = new AbortController();
    const notices: unknown[] = [];
    let connected!: () => void;
    const open = new Promise<void>((resolve) => {
      connected = resolve;
    });
    let ended = false;
    const following = followSubscription(
      server.url,
      token,
      controller.signal,
      (notice) => notices.push(notice),
      () => connected(),
    ).finally(() => {
      ended = true;
    });
    await open;
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + 1_500));
    expect(ended).toBe(false);
    const registered = await server.graphql(
      'mutation($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }',
      { input: { id: 'late-school', name: '城厢镇晚到小学', kind: 'PRIMARY', town: '城厢镇' } },
      token,
    );
    expect(registered.errors).toBeUndefined();
    await expect.poll(() => notices.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(ended).toBe(false);
    controller.abort();
    await following;
  });
});
