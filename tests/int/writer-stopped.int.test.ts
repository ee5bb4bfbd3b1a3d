import { Worker } from 'node:worker_threads';
import { afterEach, expect, it, vi } from 'vitest';
import { codeOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * The embedded store's writer thread stopping under a running server (a crash in the thread, the thread killed):
 * no append can succeed until a restart, so the server must stop saying it is ready.
 */
let server: TestServer | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await server?.stop();
});

const REGISTER = 'mutation($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }';
const school = (id: string) => ({ input: { id, name: `${id}小学`, kind: 'PRIMARY', town: '城厢镇' } });

it('answers /readyz 503 with the reason once the writer thread stops, and refuses commands meanwhile', async () => {
  // The writer thread is the one the store asks to open events.db: found as the `this` of that message.
  const sent = vi.spyOn(Worker.prototype, 'postMessage');
  server = await startTestServer();
  const opened = sent.mock.calls.findIndex(([message]) => {
    const { kind, options } = message as { kind?: string; options?: { path?: string } };
    return kind === 'open' && options?.path?.endsWith('events.db') === true;
  });
  const writer = sent.mock.contexts[opened] as Worker;
  vi.restoreAllMocks();
  const organizer = await server.token('organizer');
  expect((await server.graphql(REGISTER, school('before'), organizer)).errors).toBeUndefined();
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

  await writer.terminate();
  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({
    ready: false,
    reason: expect.stringMatching(/^event store writer stopped: .*exited with code 1/),
  });
  const refused = await server.graphql(REGISTER, school('after'), organizer);
  expect(codeOf(refused)).toBe('INTERNAL_SERVER_ERROR');
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
