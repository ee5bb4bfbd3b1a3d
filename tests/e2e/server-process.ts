import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mintToken } from '@qingmiao/api';
import type { Role } from '@qingmiao/schema';

/** The repository root, where `npx tsx services/api/src/cli.ts serve` is run from. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CLI = join('services', 'api', 'src', 'cli.ts');

export const TEST_SECRET = 'e2e-process-secret-0123456789abcdefghij';

export interface GraphQLErrorBody {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions?: { readonly code?: string; readonly field?: string; readonly [key: string]: unknown };
}

export interface GraphQLBody<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphQLErrorBody[];
}

export interface GraphQLResult<T> {
  readonly status: number;
  readonly body: GraphQLBody<T>;
}

/** One pino line of the server's stdout. */
export interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly url?: string;
  readonly [key: string]: unknown;
}

export interface StartOptions {
  /** Reuse a data directory (a restart); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  readonly secret?: string;
  /** Wait for /readyz to say the projections caught up (default true). */
  readonly waitReady?: boolean;
  readonly startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly secret: string;
  readonly pid: number;
  /** Parsed stdout lines so far. */
  readonly logs: readonly LogLine[];
  /** Whatever the process wrote to stderr so far. */
  stderr(): string;
  /** A token signed with this server's secret. */
  token(role: Role, claims?: { sub?: string; schoolId?: string }, expiresIn?: string): Promise<string>;
  /** POST /graphql with a JSON body; `token` goes into `Authorization: Bearer`. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResult<T>>;
  /** GET a path (e.g. /healthz) and parse the JSON answer. */
  get(path: string): Promise<{ status: number; body: unknown }>;
  /** SIGTERM, then wait for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to the whole process group (the tsx wrapper and the server it runs), then wait for both to go. */
  kill(): Promise<void>;
}

/** Process groups started and not yet exited, shared by every copy of this module in the worker process. */
const REGISTRY = Symbol.for('qingmiao.e2e.serverProcesses');
const registry = globalThis as typeof globalThis & { [REGISTRY]?: Set<number> };
const running: Set<number> = registry[REGISTRY] ?? new Set<number>();
if (!registry[REGISTRY]) {
  registry[REGISTRY] = running;
  // A crashed test run must not leave servers behind holding ports and data files.
  process.once('exit', () => {
    for (const pgid of running) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'qingmiao-e2e-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether a process of the group still runs. Dead members may linger as zombies until init reaps them (the server
 * and tsx's esbuild service are reparented when tsx goes); a zombie holds no files or ports, so it does not count.
 */
function groupAlive(pgid: number): boolean {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

/** Waits for every process of the group to end, SIGKILLing stragglers after a grace period. */
async function groupGone(pgid: number, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        return;
      }
    }
    await sleep(20);
  }
}

/**
 * Starts `tsx services/api/src/cli.ts serve` as a separate process (its own process group, so SIGKILL reaches the
 * server and not only the tsx wrapper), waits for the "Qingmiao listening on" log line and, by default, for
 * /readyz. The data directory is kept after stop/kill so a restart on it is possible; remove it with removeDataDir.
 */
export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeDataDir();
  const secret = options.secret ?? TEST_SECRET;
  const child: ChildProcess = spawn(process.execPath, [TSX_CLI, CLI, 'serve'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      QINGMIAO_PORT: '0',
      QINGMIAO_HOST: '127.0.0.1',
      QINGMIAO_DATA_DIR: dataDir,
      QINGMIAO_AUTH_SECRET: secret,
      QINGMIAO_LOG_LEVEL: 'info',
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server process did not start');
  running.add(pid);

  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(pid);
      resolve(code);
    });
  });

  const listening = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        parsed = { msg: line };
      }
      logs.push(parsed);
      if (parsed.msg?.startsWith('Qingmiao listening on') && typeof parsed.url === 'string') resolve(parsed.url);
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${stderr}`)));
    const timeoutMs = options.startTimeoutMs ?? 45_000;
    setTimeout(() => reject(new Error(`server not listening after ${timeoutMs} ms:\n${stderr}`)), timeoutMs).unref();
  });

  let url: string;
  try {
    url = await listening;
  } catch (error) {
    await groupGone(pid, 0);
    throw error;
  }

  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body };
  };

  if (options.waitReady ?? true) {
    const deadline = Date.now() + 30_000;
    while ((await get('/readyz')).status !== 200) {
      if (Date.now() > deadline) {
        await groupGone(pid, 0);
        throw new Error(`server listening but not ready after 30 s:\n${stderr}`);
      }
      await sleep(50);
    }
  }

  const encodedSecret = new TextEncoder().encode(secret);
  return {
    url,
    dataDir,
    secret,
    pid,
    logs,
    stderr: () => stderr,
    token: (role, claims = {}, expiresIn = '1h') =>
      mintToken(encodedSecret, { sub: claims.sub ?? `${role}-e2e`, role, schoolId: claims.schoolId }, expiresIn),
    async graphql<T>(query: string, variables?: Record<string, unknown>, token?: string) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      let body: GraphQLBody<T>;
      try {
        body = JSON.parse(text) as GraphQLBody<T>;
      } catch {
        throw new Error(`non-JSON answer (HTTP ${response.status}): ${text.slice(0, 500)}`);
      }
      return { status: response.status, body };
    },
    get,
    async stop() {
      if (running.has(pid)) child.kill('SIGTERM');
      // tsx relays the signal and exits with the server's code once the server has exited.
      const code = await exited;
      await groupGone(pid, 5_000);
      return code;
    },
    async kill() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
      await groupGone(pid, 5_000);
    },
  };
}

/** The `extensions.code` of a result's first error, or 'OK' without errors. */
export function codeOf(result: GraphQLResult<unknown>): string {
  return result.body.errors?.[0]?.extensions?.code ?? 'OK';
}

/** The data of a result that must have succeeded; fails with the errors otherwise. */
export function dataOf<T>(result: GraphQLResult<T>): T {
  if (result.body.errors?.length || result.status !== 200 || !result.body.data) {
    throw new Error(`expected success, got HTTP ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return result.body.data;
}
