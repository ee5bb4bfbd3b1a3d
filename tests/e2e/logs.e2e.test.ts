import { randomUUID } from 'node:crypto';
import { graphql } from '@qingmiao/schema/graphql';
import { CookieJar } from 'tough-cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import {
  killAll,
  type LogLine,
  removeDataDir,
  type ServerProcess,
  sleep,
  startServerProcess,
} from '../support/server-process.ts';
import { uid } from './qingmiao-client.ts';

/** pino's numeric levels. */
const INFO = 30;
const ERROR = 50;

let server: ServerProcess;
let organizer: string;

beforeAll(async () => {
  server = await startServerProcess();
  organizer = await server.token('organizer');
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await killAll();
});

/** The log lines written from `from` on, once the request log line of `correlationId` is among them. */
async function linesUntilRequestLogged(from: number, correlationId: string): Promise<readonly LogLine[]> {
  const loggedRequest = (line: LogLine) => (line.req as { id?: string } | undefined)?.id === correlationId;
  for (let waited = 0; !server.logs.slice(from).some(loggedRequest); waited += 20) {
    if (waited > 10_000) throw new Error(`no request log line for ${correlationId}`);
    await sleep(20);
  }
  return server.logs.slice(from);
}

describe('request logs', () => {
  it('keep a name sent in a refused GET /graphql?query=mutation… out of every line', async () => {
    const name = '李小红';
    const query = `mutation { submitEntry(input: { submissionId: "s-1", campaignId: "c-1", schoolId: "x-1",
      title: "t", participants: [{ name: "${name}", role: STUDENT, grade: "三年级", key: "k-42" }] }) { id } }`;
    const correlationId = `get-${randomUUID()}`;
    const from = server.logs.length;
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: {
        authorization: `Bearer ${organizer}`,
        'x-correlation-id': correlationId,
        // A header of the caller's own choosing is free text too.
        'x-note': encodeURIComponent(`k-42 ${name}`),
      },
    });
    expect(response.status).toBe(405);

    const lines = await linesUntilRequestLogged(from, correlationId);
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const trace of [name, encodeURIComponent(name), 'submitEntry', 'k-42']) expect(text).not.toContain(trace);
    const logged = lines.find((line) => (line.req as { id?: string } | undefined)?.id === correlationId);
    expect(logged?.req).toMatchObject({ method: 'GET', url: '/graphql?[redacted]' });
    expect(logged?.req).not.toHaveProperty('query');
  });
});

describe('refusals', () => {
  /** Sends a mutation with a correlation id; resolves to its error code and the log lines written meanwhile. */
  async function refused(query: string, variables: Record<string, unknown>) {
    const correlationId = `refusal-${randomUUID()}`;
    const from = server.logs.length;
    const response = await server.graphql(query, variables, organizer, {
      headers: { 'x-correlation-id': correlationId },
    });
    const code = codeOf(response);
    return { code, lines: await linesUntilRequestLogged(from, correlationId) };
  }

  const REGISTER = `mutation($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }`;
  const ENROL = `mutation($input: RecordEnrollmentInput!) { recordEnrollment(input: $input) { students } }`;

  it('are logged at info, one line with the code, no stack; nothing at error level', async () => {
    const id = uid('school');
    const school = { id, name: '城厢镇中心小学', kind: 'PRIMARY', town: '城厢镇' };
    dataOf(await server.graphql(REGISTER, { input: school }, organizer));

    const cases = [
      await refused(REGISTER, { input: { ...school, id: uid('school'), name: '   ' } }),
      await refused(REGISTER, { input: { ...school, name: '城厢镇第二小学' } }),
      await refused(ENROL, { input: { schoolId: uid('nowhere'), year: 2026, students: 10 } }),
    ];
    expect(cases.map(({ code }) => code)).toEqual(['BAD_USER_INPUT', 'CONFLICT', 'NOT_FOUND']);
    for (const { code, lines } of cases) {
      expect(lines.filter((line) => (line.level ?? 0) >= ERROR)).toEqual([]);
      expect(lines.filter((line) => JSON.stringify(line).includes('stack'))).toEqual([]);
      expect(lines.filter((line) => line.code === code && line.level === INFO)).toHaveLength(1);
    }
  });
});

describe('answers', () => {
  const CREATE = graphql(`
    mutation CreateAccount($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }
  `);
  const ACTIVATE = graphql(`
    mutation Activate($input: ActivateAccountInput!) { activateAccount(input: $input) { accessToken } }
  `);

  it('keep the refresh cookie, the access token and the activation code out of every line', async () => {
    const office = await server.token('organizer', { sub: 'office' });
    const login = uid('logs');
    const password = 'qingmiao-2022-spring';
    const input = { login, displayName: '周主任', role: 'viewer' as const };
    const { activationCode } = dataOf(await server.graphql(CREATE, { input }, office)).createAccount;
    const browser = new CookieJar();
    const correlationId = `activate-${randomUUID()}`;
    const from = server.logs.length;
    const { accessToken } = dataOf(
      await server.graphql(ACTIVATE, { input: { login, activationCode, password } }, undefined, {
        cookies: browser,
        headers: { 'x-correlation-id': correlationId },
      }),
    ).activateAccount;
    const refreshToken = (await browser.getCookies(`${server.url}/graphql`)).find(
      (cookie) => cookie.key === 'qingmiao_refresh',
    )?.value;
    expect(refreshToken).toBeTruthy();

    const lines = await linesUntilRequestLogged(from, correlationId);
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of [refreshToken ?? '', accessToken, activationCode, password])
      expect(text).not.toContain(secret);
    const logged = lines.find((line) => (line.req as { id?: string } | undefined)?.id === correlationId);
    expect(logged?.res).toEqual({ statusCode: 200 });
  });
});
