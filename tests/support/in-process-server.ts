import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, mintToken, type RunningServer, startServer } from '@qingmiao/api';
import type { Role } from '@qingmiao/schema';
import { postGraphQL } from './graphql-http.ts';

/** The servers' signing secret, for tests that sign tokens with claims `token()` does not set. */
export const SECRET = 'in-process-test-secret-0123456789abcdef';

export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: ReadonlyArray<{ message: string; extensions?: { code?: string; field?: string } }> | undefined;
}

export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly server: RunningServer;
  token(role: Role, options?: { sub?: string; schoolId?: string }): Promise<string>;
  graphql<T = Record<string, unknown>>(
    token: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * The real server (express, Yoga, projections, SQLite files in a temp dir) started in this process on a free port,
 * spoken to over real HTTP. Process-level behaviour (restarts, kill -9) is tested with a separate process.
 */
export async function startTestServer(env: Readonly<Record<string, string>> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qingmiao-test-'));
  const config = loadConfig({
    QINGMIAO_PORT: '0',
    QINGMIAO_HOST: '127.0.0.1',
    QINGMIAO_DATA_DIR: dataDir,
    QINGMIAO_AUTH_SECRET: SECRET,
    QINGMIAO_LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await startServer(config);
  await server.qingmiao.ready;
  const secret = new TextEncoder().encode(SECRET);
  return {
    url: server.url,
    dataDir,
    server,
    token: (role, options = {}) =>
      mintToken(secret, { sub: options.sub ?? `${role}-test`, role, schoolId: options.schoolId }, '1h'),
    async graphql(token, query, variables) {
      // An empty token sends no Authorization header at all.
      const response = await postGraphQL(server.url, token || undefined, query, variables);
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, data: body.data as never, errors: body.errors };
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `extensions.code` of a response's first error, or 'OK' when there is none. */
export function codeOf(response: GraphQLResponse<unknown>): string {
  return response.errors?.[0]?.extensions?.code ?? 'OK';
}
