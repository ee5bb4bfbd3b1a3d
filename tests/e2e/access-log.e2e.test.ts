import { statSync } from 'node:fs';
import { join } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * The access log over HTTP: organizers list it with `accessLog`, and every report download lands in it with who,
 * what (the path, never the query) and from where (the address express sees, never a header).
 */

const ACCESS_LOG = graphql(`
  query AccessLog($from: DateTime!, $to: DateTime!, $actor: String, $limit: Int! = 100) {
    accessLog(from: $from, to: $to, actor: $actor, limit: $limit) {
      at
      actor
      role
      action
      subject
      address
      count
    }
  }
`);

let server: TestServer;
let organizer: string;

beforeAll(async () => {
  server = await startTestServer();
  organizer = await server.token('organizer', { sub: 'office-zhang' });
});

afterAll(async () => {
  await server?.stop();
});

/** The tests' interval, the same in every query: a repeated query is one the response cache would answer. */
const started = Date.now();
const hourAgo = () => new Date(started - 3_600_000).toISOString();
const inAnHour = () => new Date(started + 3_600_000).toISOString();

const entriesOf = async (actor?: string) =>
  dataOf(await server.graphql(ACCESS_LOG, { from: hourAgo(), to: inAnHour(), actor }, organizer)).accessLog;

const download = (path: string, token: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

describe('accessLog', () => {
  it('records every report download, with the path without its query, before it answers', async () => {
    const viewer = await server.token('viewer', { sub: 'leader-li' });
    // Asked twice: the second answer is one the response cache would keep, were accessLog not exempt from it.
    expect(await entriesOf('leader-li')).toEqual([]);
    expect(await entriesOf('leader-li')).toEqual([]);
    const csv = await download('/reports/participation.csv?year=2022&groupBy=TOWN', viewer, {
      'x-forwarded-for': '203.0.113.66',
    });
    expect(csv.status).toBe(200);
    await csv.arrayBuffer();
    const xlsx = await download('/reports/participation.xlsx?year=2022', viewer);
    expect(xlsx.status).toBe(200);
    await xlsx.arrayBuffer();
    // Answers are not served from the response cache: downloads do not move the event log.
    const entries = await entriesOf('leader-li');
    expect(entries.map(({ at: _at, ...entry }) => entry)).toEqual([
      {
        actor: 'leader-li',
        role: 'viewer',
        action: 'EXPORT',
        subject: '/reports/participation.xlsx',
        address: '127.0.0.1',
        count: 1,
      },
      {
        actor: 'leader-li',
        role: 'viewer',
        action: 'EXPORT',
        subject: '/reports/participation.csv',
        address: '127.0.0.1',
        count: 1,
      },
    ]);
    const [newest, older] = entries.map((entry) => Date.parse(entry.at));
    expect(newest).toBeGreaterThanOrEqual(older ?? Number.NaN);
  });

  it('does not record refused downloads', async () => {
    const school = await server.token('school', { sub: 'school-refused', schoolId: 'tc-shiyan' });
    expect((await download('/reports/participation.csv?year=1999', school)).status).toBe(400);
    expect((await download('/reports/participation.csv?year=2022', 'not-a-token')).status).toBe(401);
    expect(await entriesOf('school-refused')).toEqual([]);
  });

  it('answers organizers only', async () => {
    const variables = { from: hourAgo(), to: inAnHour() };
    for (const role of ['viewer', 'judge'] as const) {
      expect(codeOf(await server.graphql(ACCESS_LOG, variables, await server.token(role)))).toBe('FORBIDDEN');
    }
    const school = await server.token('school', { schoolId: 'tc-shiyan' });
    expect(codeOf(await server.graphql(ACCESS_LOG, variables, school))).toBe('FORBIDDEN');
    expect(codeOf(await server.graphql(ACCESS_LOG, variables))).toBe('UNAUTHENTICATED');
  });

  it('lists newest first, at most limit, of one actor when asked', async () => {
    const exporter = await server.token('organizer', { sub: 'office-many' });
    for (let i = 0; i < 3; i++) (await download('/reports/participation.csv?year=2022', exporter)).body?.cancel();
    // Recorded before the answer's headers were sent.
    expect(await entriesOf('office-many')).toHaveLength(3);
    const limited = dataOf(
      await server.graphql(ACCESS_LOG, { from: hourAgo(), to: inAnHour(), actor: 'office-many', limit: 2 }, organizer),
    ).accessLog;
    const all = await entriesOf('office-many');
    expect(limited).toEqual(all.slice(0, 2));
    expect(all.every((entry) => entry.actor === 'office-many')).toBe(true);
    const everyone = await entriesOf();
    expect(new Set(everyone.map((entry) => entry.actor))).toEqual(new Set(['leader-li', 'office-many']));
    // An interval that ended before the downloads holds none of them.
    const before = dataOf(
      await server.graphql(ACCESS_LOG, { from: hourAgo(), to: new Date(Date.now() - 60_000).toISOString() }, organizer),
    ).accessLog;
    expect(before).toEqual([]);
  });

  it('refuses a reversed or too long interval (field to) and a limit beyond 1000 (field limit)', async () => {
    const ask = async (variables: { from: string; to: string; limit?: number }) => {
      const answer = await server.graphql(ACCESS_LOG, variables, organizer);
      return {
        code: codeOf(answer),
        field: answer.errors?.[0]?.extensions?.field,
        message: answer.errors?.[0]?.message,
      };
    };
    expect(await ask({ from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'to',
      message: 'to: must not be before from',
    });
    expect(await ask({ from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:01Z' })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'to',
      message: 'to: must be at most 366 days after from',
    });
    expect(await ask({ from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })).toMatchObject({ code: 'OK' });
    expect(await ask({ from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', limit: 1001 })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'limit',
    });
    expect(await ask({ from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', limit: 0 })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'limit',
    });
    expect(await ask({ from: 'yesterday', to: '2025-01-02T00:00:00Z' })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('keeps its file in the data dir, readable by the owner only', () => {
    expect(statSync(join(server.dataDir, 'access-log.db')).mode & 0o777).toBe(0o600);
  });
});
