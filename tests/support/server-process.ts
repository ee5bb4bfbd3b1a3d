import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Role } from '@qingmiao/schema';
import { SignJWT } from 'jose';
import { type GraphQLEndpoint, postGraphQL } from './graphql-http.ts';

/** The master key of test servers in production mode (32 bytes, base64). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * The API server as a separate process, for the end-to-end and reliability tests (restarts, kill -9, two processes
 * on one store): the production bundle, `node services/api/dist/qingmiao.mjs serve` from the repository root, as the
 * systemd unit starts it (built once by the global setup: it starts in half the time the TypeScript sources take
 * through tsx, and SIGKILL hits the server itself). 127.0.0.1 only, in a process group of its own, and every group
 * still running is killed when the test worker exits.
 */

/** The repository root, where the server is started from. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI's entry, relative to ROOT. */
const CLI = join('services', 'api', 'src', 'cli.ts');

export const TEST_SECRET = 'e2e-process-secret-0123456789abcdefghij';

/** One pino line of the server's stdout. */
export interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly url?: string;
  readonly [key: string]: unknown;
}

export interface StartOptions {
  /** Event store (unless QINGMIAO_EVENT_STORE says otherwise) and read models; reuse one to restart on it. */
  readonly dataDir?: string;
  /** Extra environment, e.g. QINGMIAO_EVENT_STORE, QINGMIAO_RATE_LIMIT or QINGMIAO_LOG_LEVEL (info by default). */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  /** What must answer 200 for the server to count as started: /readyz (caught up; the default) or /healthz. */
  readonly startedWhen?: '/readyz' | '/healthz';
  /**
   * Another checkout to run the server of, from its TypeScript sources through tsx (an earlier release, for upgrade
   * fixtures: it has no bundle built).
   */
  readonly root?: string;
}

/** The production bundle's entry, relative to ROOT (`npm run build`, run by the global setup). */
export const BUNDLE = join('services', 'api', 'dist', 'qingmiao.mjs');

export interface ServerProcess extends GraphQLEndpoint {
  /** The server's own process (node, no wrapper): it has the event store open, and its main thread runs the event loop. */
  readonly pid: number;
  readonly dataDir: string;
  /** Parsed stdout lines so far (the first 10,000). */
  readonly logs: readonly LogLine[];
  /** The last 20,000 characters the process wrote to stderr. */
  stderr(): string;
  /** A token signed with this server's secret; `expiresIn` as jose takes it ('1h', '-10m'). */
  token(role: Role, claims?: { sub?: string; schoolId?: string }, expiresIn?: string): Promise<string>;
  /** GET a path (e.g. /healthz) and parse the JSON answer. */
  get(path: string): Promise<{ status: number; body: unknown }>;
  /** SIGTERM, then wait for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to the whole process group, then wait until none of it runs. */
  kill(): Promise<void>;
}

/** Process groups started and not yet gone, shared by every copy of this module in the worker process. */
const REGISTRY = Symbol.for('qingmiao.test.serverProcesses');
const holder = globalThis as typeof globalThis & { [REGISTRY]?: Set<number> };
const running: Set<number> = holder[REGISTRY] ?? new Set<number>();
if (!holder[REGISTRY]) {
  holder[REGISTRY] = running;
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

/**
 * SIGKILLs every server process this test file started and has not seen exit, e.g. one whose start a timed-out
 * test left behind (a worker ended by a signal runs no exit handler). For afterAll.
 */
export async function killAll(): Promise<void> {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all([...running].map((pgid) => groupGone(pgid, 5_000)));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function makeDataDir(prefix = 'qingmiao-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Whether a process of the group still runs. Killed members may stay zombies until someone reaps them (in a
 * container PID 1 may never do it); a zombie holds no files, locks or ports, so it does not count.
 */
export function groupAlive(pgid: number): boolean {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return processes().some((pid) => {
    const stat = processStat(pid);
    return stat?.group === pgid && runs(stat);
  });
}

/** Every process id in /proc. */
export function processes(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

interface ProcessStat {
  readonly state: string;
  readonly parent: number;
  readonly group: number;
}

/** A process's state, parent and process group from /proc; undefined once it is gone. */
export function processStat(pid: number): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
  const [state = '', parent, group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, parent: Number(parent), group: Number(group) };
}

/** Whether the process runs: a zombie, killed and not yet reaped, holds nothing and does not count. */
export function runs(stat: ProcessStat | undefined): boolean {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Waits for every process of the group to end, SIGKILLing stragglers after a grace period. */
async function groupGone(pgid: number, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        break;
      }
    }
    await sleep(20);
  }
  running.delete(pgid);
}

/** A port free at this moment on 127.0.0.1 (the server is started on it; a lost race is retried). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server process and waits until it answers /readyz (projections caught up), or /healthz if so asked. The server logs its address
 * only at level info; for the quieter levels the port is chosen beforehand (a free one, retried if another process
 * takes it first), and a "listening" line with `url`, when logged, is used as well. The data directory is kept
 * after stop/kill so a restart on it is possible; remove it with removeDataDir.
 */
export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeDataDir();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, dataDir, await freePort());
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 5) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(options: StartOptions, dataDir: string, port: number): Promise<ServerProcess> {
  const entry = options.root === undefined ? [BUNDLE] : ['--import', 'tsx', CLI];
  const child: ChildProcess = spawn(process.execPath, [...entry, 'serve'], {
    cwd: options.root ?? ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      QINGMIAO_PORT: String(port),
      QINGMIAO_HOST: '127.0.0.1',
      QINGMIAO_DATA_DIR: dataDir,
      QINGMIAO_AUTH_SECRET: TEST_SECRET,
      QINGMIAO_LOG_LEVEL: 'info',
      // The fixtures' campaigns are of 2022, whose personal data the default (3 years) expired on 2026-01-01.
      QINGMIAO_PII_RETENTION_YEARS: '50',
      // Production requires a master key; in development the server generates one beside its key store.
      ...(options.env?.NODE_ENV === 'production' ? { QINGMIAO_MASTER_KEY: TEST_MASTER_KEY } : {}),
      ...options.env,
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server process did not start');
  running.add(pid);

  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  let loggedUrl: string | undefined;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      parsed = { msg: line };
    }
    if (logs.length < 10_000) logs.push(parsed);
    if (typeof parsed.url === 'string') loggedUrl = parsed.url;
  });

  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      await groupGone(pid, 0);
      if (/EADDRINUSE/.test(stderr)) throw new PortTaken(stderr);
      throw new Error(`server exited (${exitCode}) before it was ready:\n${stderr}`);
    }
    const ready = await fetch(`${loggedUrl ?? `http://127.0.0.1:${port}`}${options.startedWhen ?? '/readyz'}`, {
      signal: AbortSignal.timeout(2_000),
    }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await groupGone(pid, 0);
      throw new Error(`server not ready after ${startTimeoutMs} ms:\n${stderr}`);
    }
    await sleep(50);
  }
  const url = loggedUrl ?? `http://127.0.0.1:${port}`;
  const encodedSecret = new TextEncoder().encode(TEST_SECRET);

  return {
    pid,
    url,
    dataDir,
    logs,
    stderr: () => stderr,
    // Signed here with jose rather than the server's own code, so that these tests need not load the API.
    token: (role, claims = {}, expiresIn = '2h') =>
      new SignJWT({ role, ...(claims.schoolId ? { schoolId: claims.schoolId } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub ?? `${role}-test`)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(encodedSecret),
    graphql: (operation, variables, token, options) => postGraphQL(url, token, operation, variables, options),
    async get(path: string) {
      const response = await fetch(`${url}${path}`);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    },
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      const code = await exited;
      await groupGone(pid, 10_000);
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
