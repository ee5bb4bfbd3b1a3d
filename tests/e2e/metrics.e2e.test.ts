import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/** What /metrics holds: its size and its series (sample lines), the process's own counted apart. */
async function scrape(url: string) {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  return {
    text,
    bytes: text.length,
    series: samples.length,
    ownSeries: samples.filter((line) => !line.startsWith('qingmiao_process_')).length,
  };
}

/** Runs `count` calls of `task`, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
}

describe('metric labels come from a bounded set', () => {
  let server: TestServer;
  let organizer: string;

  beforeAll(async () => {
    server = await startTestServer({ QINGMIAO_RATE_LIMIT: '1000000', QINGMIAO_ANON_RATE_LIMIT: '1000000' });
    organizer = await server.token('organizer');
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A named query with a query string of its own, with or without a token (401 without). */
  const send = (i: number, token: string | undefined) =>
    fetch(`${server.url}/graphql?pad=${i}-${'x'.repeat(200)}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ query: `query Unique${i} { schools { id } }`, operationName: `Unique${i}` }),
    }).then(async (response) => {
      await response.arrayBuffer();
      expect(response.status).toBe(token === undefined ? 401 : 200);
    });

  it('keeps /metrics the same size through 10,000 requests with unique operation names and URLs', async () => {
    // Every kind of request once, so the series they make exist before the burst.
    await send(10_000, organizer);
    await send(10_001, undefined);
    const before = await scrape(server.url);

    await pool(10_000, 16, (i) => send(i, i % 2 === 0 ? organizer : undefined));

    const after = await scrape(server.url);
    expect(after.text).not.toMatch(/Unique\d|pad=/);
    expect(after.ownSeries).toBe(before.ownSeries);
    // The process's own metrics may gain a series or two (a kind of GC not seen before).
    expect(after.series).toBeLessThan(before.series + 50);
    expect(after.bytes).toBeLessThan(before.bytes * 1.2);
  }, 180_000);

  it('labels by the root field of the schema, never by the URL or the caller’s operation name', async () => {
    await send(10_002, organizer);
    await send(10_003, undefined);
    const { text } = await scrape(server.url);
    expect(text).toMatch(/graphql_yoga_http_duration_count\{[^}]*operation="schools"[^}]*statusCode="200"/);
    expect(text).toMatch(/graphql_yoga_http_duration_count\{[^}]*operation="schools"[^}]*statusCode="401"/);
    expect(text).not.toMatch(/url=|operationName=/);
  });

  it('keeps a name sent in a refused GET /graphql?query=mutation… out of /metrics', async () => {
    const name = '王小明';
    const query = `mutation { submitEntry(input: { submissionId: "s-1", campaignId: "c-1", schoolId: "x-1",
      title: "t", participants: [{ name: "${name}", role: STUDENT, grade: "三年级" }] }) { id } }`;
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { authorization: `Bearer ${organizer}` },
    });
    expect(response.status).toBe(405);
    const { text } = await scrape(server.url);
    expect(text).not.toContain(name);
    expect(text).not.toContain(encodeURIComponent(name));
    expect(text).not.toContain('submissionId');
  });
});

describe('who may read /metrics', () => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer(env);
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  const status = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/metrics`, { headers });
    await response.arrayBuffer();
    return response.status;
  };

  it('is open in development without a token, as before', async () => {
    const server = await start({});
    expect(await status(server.url)).toBe(200);
  });

  it.each([
    ['development', 'development'],
    ['production', 'production'],
  ])('demands QINGMIAO_METRICS_TOKEN as a bearer token when set (%s)', async (_name, nodeEnv) => {
    const server = await start({ NODE_ENV: nodeEnv, QINGMIAO_METRICS_TOKEN: TOKEN });
    expect(await status(server.url)).toBe(401);
    expect(await status(server.url, { authorization: `Bearer ${TOKEN}x` })).toBe(401);
    expect(await status(server.url, { authorization: `Bearer ${TOKEN.slice(0, -1)}` })).toBe(401);
    expect(await status(server.url, { authorization: TOKEN })).toBe(401);
    expect(await status(server.url, { authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(await status(server.url, { authorization: `bearer ${TOKEN}` })).toBe(200);
  });

  // An address of this host that is not loopback, for a caller from "elsewhere".
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(external === undefined)('serves callers on this host only in production without a token', async () => {
    const server = await start({ NODE_ENV: 'production', QINGMIAO_HOST: '0.0.0.0' });
    const port = new URL(server.url).port;
    expect(await status(`http://127.0.0.1:${port}`)).toBe(200);
    // A reverse proxy on this host connects from loopback on behalf of anyone.
    expect(await status(`http://127.0.0.1:${port}`, { 'x-forwarded-for': '203.0.113.7' })).toBe(403);
    expect(await status(`http://127.0.0.1:${port}`, { forwarded: 'for=203.0.113.7' })).toBe(403);
    expect(await status(`http://${external}:${port}`)).toBe(403);
  });
});
