import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Role } from '@qingmiao/schema';

/**
 * The API server as a separate process for the reliability tests (load, kill -9, two processes on one store):
 * `node --import tsx services/api/src/cli.ts serve` from the repository root, which is `npx tsx …` without its
 * wrapper process (a second faster to start, and SIGKILL hits the server itself). 127.0.0.1 only, in a process group
 * of its own, and every group still running is killed when the test worker exits.
 */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join('services', 'api', 'src', 'cli.ts');

export const RELIABILITY_SECRET = 'reliability-secret-0123456789abcdefghijklmnop';

/** Whether the long versions run (60 s of load, ten crash rounds, more fuzzing): `QINGMIAO_LONG=1`. */
export const LONG = process.env.QINGMIAO_LONG === '1';

export interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly url?: string;
  readonly [key: string]: unknown;
}

export interface ProcessOptions {
  /** Data directory: the event store (unless QINGMIAO_EVENT_STORE says otherwise) and the read models. */
  readonly dataDir: string;
  /** Extra environment, e.g. QINGMIAO_EVENT_STORE or QINGMIAO_RATE_LIMIT. */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  /** Lines the server logged (warn and above at the default level here). */
  readonly logs: readonly LogLine[];
  stderr(): string;
  token(role: Role, claims?: { sub?: string; schoolId?: string }): Promise<string>;
  /** SIGTERM, wait for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to the whole process group, then wait until none of it runs. */
  kill(): Promise<void>;
}

const REGISTRY = Symbol.for('qingmiao.reliability.serverProcesses');
const holder = globalThis as typeof globalThis & { [REGISTRY]?: Set<number> };
const running: Set<number> = holder[REGISTRY] ?? new Set<number>();
if (!holder[REGISTRY]) {
  holder[REGISTRY] = running;
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
 * A bearer token as the server expects it (JWT, HS256, `sub`, `role`, `schoolId` for schools, `exp`), made here with
 * node:crypto rather than the server's own code, so that these tests need not load the API in their process.
 */
export function signToken(claims: { sub: string; role: Role; schoolId?: string | undefined }, ttlSeconds = 7_200) {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = { ...claims, iat: now, exp: now + ttlSeconds };
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', RELIABILITY_SECRET).update(unsigned).digest('base64url')}`;
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

export function makeDataDir(prefix = 'qingmiao-reliability-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Whether a process of the group still runs. Killed members may stay zombies until someone reaps them (in a
 * container PID 1 may never do it); a zombie holds no files, locks or ports, so it does not count.
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
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

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
  running.delete(pgid);
}

/** A port free at this moment on 127.0.0.1 (the server is started on it; a lost race is retried). */
async function freePort(): Promise<number> {
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
 * Starts a server process and waits until it answers /readyz (projections caught up). The server logs its address
 * only at level info; at the quieter levels used here the port is chosen beforehand (a free one, retried if another
 * process takes it first), and a "listening" line with `url`, when logged, is used as well.
 */
export async function startServerProcess(options: ProcessOptions): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 5) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(options: ProcessOptions, port: number): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      QINGMIAO_PORT: String(port),
      QINGMIAO_HOST: '127.0.0.1',
      QINGMIAO_DATA_DIR: options.dataDir,
      QINGMIAO_AUTH_SECRET: RELIABILITY_SECRET,
      QINGMIAO_LOG_LEVEL: 'warn',
      QINGMIAO_RATE_LIMIT: '1000000',
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

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) {
      await groupGone(pid, 0);
      if (/EADDRINUSE/.test(stderr)) throw new PortTaken(stderr);
      throw new Error(`server exited (${exitCode}) before it was ready:\n${stderr}`);
    }
    const ready = await fetch(`${loggedUrl ?? url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await groupGone(pid, 0);
      throw new Error(`server not ready after ${options.startTimeoutMs ?? 60_000} ms:\n${stderr}`);
    }
    await sleep(50);
  }

  return {
    url: loggedUrl ?? url,
    pid,
    dataDir: options.dataDir,
    logs,
    stderr: () => stderr,
    token: async (role, claims = {}) =>
      signToken({ sub: claims.sub ?? `${role}-reliability`, role, schoolId: claims.schoolId }),
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
