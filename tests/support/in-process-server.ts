import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, mintToken, type QingmiaoOptions, type RunningServer, startServer } from '@qingmiao/api';
import type { Role } from '@qingmiao/schema';
import { type GraphQLEndpoint, postGraphQL } from './graphql-http.ts';
import { TEST_MASTER_KEY } from './server-process.ts';

/** The servers' signing secret, for tests that sign tokens with claims `token()` does not set. */
export const SECRET = 'in-process-test-secret-0123456789abcdef';

export interface TestServer extends GraphQLEndpoint {
  readonly dataDir: string;
  readonly server: RunningServer;
  token(role: Role, options?: { sub?: string; schoolId?: string }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real server (express, Yoga, projections, SQLite files in a temp dir) started in this process on a free port,
 * spoken to over real HTTP. Process-level behaviour (restarts, kill -9) is tested with a separate process.
 */
export async function startTestServer(
  env: Readonly<Record<string, string>> = {},
  options: QingmiaoOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qingmiao-test-'));
  const config = loadConfig({
    QINGMIAO_PORT: '0',
    QINGMIAO_HOST: '127.0.0.1',
    QINGMIAO_DATA_DIR: dataDir,
    QINGMIAO_AUTH_SECRET: SECRET,
    QINGMIAO_LOG_LEVEL: 'silent',
    // The fixtures' campaigns are of 2022, whose personal data the default (3 years) expired on 2026-01-01.
    QINGMIAO_PII_RETENTION_YEARS: '50',
    // Production requires a master key; in development the server generates one into the data dir.
    ...(env.NODE_ENV === 'production' ? { QINGMIAO_MASTER_KEY: TEST_MASTER_KEY } : {}),
    ...env,
  });
  const server = await startServer(config, options);
  await server.qingmiao.ready;
  const secret = new TextEncoder().encode(SECRET);
  return {
    url: server.url,
    dataDir,
    server,
    token: (role, options = {}) =>
      mintToken(secret, { sub: options.sub ?? `${role}-test`, role, schoolId: options.schoolId }, '1h'),
    graphql: (operation, variables, token, options) => postGraphQL(server.url, token, operation, variables, options),
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
