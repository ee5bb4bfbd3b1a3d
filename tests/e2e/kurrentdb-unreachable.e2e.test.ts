import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { codeOf } from '../support/graphql-http.ts';
import {
  killAll,
  type LogLine,
  removeDataDir,
  type ServerProcess,
  sleep,
  startServerProcess,
} from '../support/server-process.ts';
import { uid } from './qingmiao-client.ts';

/** pino's numeric level for errors. */
const ERROR = 50;
const PASSWORD = 'hunter2-kurrent-password';

/** A port on 127.0.0.1 where nothing listens. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    env: { QINGMIAO_EVENT_STORE: `esdb://admin:${PASSWORD}@127.0.0.1:${await deadPort()}?tls=false` },
    startedWhen: '/healthz',
  });
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await killAll();
});

const failureLines = () => server.logs.filter((line: LogLine) => /cannot reach the event store/.test(line.msg ?? ''));

it('starts, says once why the store is out of reach, and /readyz names the reason while /healthz is fine', async () => {
  expect((await server.get('/healthz')).status).toBe(200);
  // Named once the first call to the store has failed: the client library loads and the connection is refused first.
  await expect
    .poll(async () => (await server.get('/readyz')).body, { timeout: 10_000 })
    .toMatchObject({ ready: false, reason: expect.stringMatching(/unreachable.*ECONNREFUSED/) });
  const ready = await server.get('/readyz');
  expect(ready.status).toBe(503);
  expect(JSON.stringify(ready.body)).not.toContain(PASSWORD);

  // The projections' subscription retries meanwhile (0.1 s, 0.2 s, 0.4 s, …): no line per attempt.
  await sleep(3_000);
  expect(failureLines()).toHaveLength(1);
  expect(failureLines()[0]).toMatchObject({ level: ERROR, eventStore: expect.stringContaining('127.0.0.1') });
  expect(server.logs.map((line) => JSON.stringify(line)).join('\n')).not.toContain(PASSWORD);
  expect((await server.get('/readyz')).status).toBe(503);
  // Probes of /readyz are not request-logged (each 503 would be an error line with a stack).
  expect(server.logs.filter((line) => JSON.stringify(line).includes('/readyz'))).toEqual([]);
});

it('logs a command the store cannot take at error level, with its stack (unexpected, unlike a refusal)', async () => {
  const from = server.logs.length;
  const result = await server.graphql(
    `mutation($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }`,
    { input: { id: uid('school'), name: '城厢镇中心小学', kind: 'PRIMARY', town: '城厢镇' } },
    await server.token('organizer'),
  );
  expect(codeOf(result)).toBe('INTERNAL_SERVER_ERROR');
  let unexpected: LogLine | undefined;
  for (let waited = 0; !unexpected && waited < 10_000; waited += 20) {
    await sleep(20);
    unexpected = server.logs
      .slice(from)
      .find((line) => line.level === ERROR && JSON.stringify(line.err ?? '').includes('UNAVAILABLE'));
  }
  expect((unexpected?.err as { stack?: string } | undefined)?.stack).toMatch(/UNAVAILABLE[\s\S]*\n\s+at /);
});
