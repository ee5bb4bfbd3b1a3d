/**
 * Child processes of the HTTP benchmarks: the Qingmiao server (the production bundle, as `npm run start:prod` runs
 * it: `node services/api/dist/qingmiao.mjs serve`) and the
 * bare Node `http` baselines (`bare-server.ts`), each in its own process group on 127.0.0.1, stopped by group id.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, sleep } from './harness.ts';

export const AUTH_SECRET = 'qingmiao-benchmark-secret-0123456789abcdef';
/** Production requires a master key for the data keys that seal children's personal data. */
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
export const RATE_LIMIT = 100_000_000;

/** Process groups started by this run; killed if the run dies. */
const groups = new Set<number>();
process.once('exit', () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface Child {
  readonly url: string;
  readonly pid: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** A port the OS has just handed out and released: QINGMIAO_PORT=0 works, but at log level warn nothing prints it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A log collector as a service manager runs one: a process of its own reading the server's stdout from a pipe (as
 * journald or a container runtime does) into a file. It ends when the pipe's last writer has gone.
 */
function logCollector(file: string): ChildProcess {
  const fd = openSync(file, 'a');
  try {
    return spawn('cat', [], { stdio: ['pipe', fd, 'ignore'] });
  } finally {
    closeSync(fd);
  }
}

function startGroup(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdoutFile?: string,
): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const collector = stdoutFile === undefined ? undefined : logCollector(stdoutFile);
  const stdout = collector?.stdin ?? 'pipe';
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', stdout, 'pipe'], env });
  // The child holds its own end of the pipe: the collector sees the end of the log when the child exits.
  collector?.stdin?.destroy();
  if (child.pid === undefined) throw new Error(`${command} did not start`);
  const pid = child.pid;
  groups.add(pid);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  return { child, stderr: () => stderr, exited };
}

async function stopGroup(pid: number, exited: Promise<number | null>): Promise<void> {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    groups.delete(pid);
    return;
  }
  const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
  // SIGTERM (forwarded by the tsx wrapper of the bare servers) gives a server its clean shutdown, then make sure the whole group is gone.
  await sleep(done ? 200 : 0);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
  groups.delete(pid);
}

async function waitFor(
  url: string,
  deadlineMs: number,
  what: string,
  exited: Promise<number | null>,
  stderr: () => string,
): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (gone) throw new Error(`${what}: the process exited\n${stderr()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${deadlineMs} ms\n${stderr()}`);
    await sleep(50);
  }
}

export interface QingmiaoProcess extends Child {
  /** The file the log collector writes the server's stdout to; undefined at QINGMIAO_LOG_LEVEL=warn. */
  readonly logFile: string | undefined;
  /** Milliseconds from spawn until /healthz answered and until /readyz said the read models caught up. */
  readonly listeningMs: number;
  readonly readyMs: number;
  /** Resident set size of the server process as it reports it on /metrics. */
  rss(): Promise<number>;
  /** One read of /metrics: the value of the first sample whose line matches, NaN if none does. */
  metrics(): Promise<(sample: RegExp) => number>;
}

/** CPU time (all threads) and write calls and bytes of a process so far, from Linux's /proc. */
export function usageOf(pid: number): { cpuMs: number; writes: number; writtenBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // utime and stime, in clock ticks of 10 ms, after the parenthesised command name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const count = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return {
    cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
    writes: count('syscw'),
    writtenBytes: count('wchar'),
  };
}

/** The resident set size sample on /metrics. */
export const RSS_SAMPLE = /^qingmiao_\w*resident_memory_bytes /;

let bundle: string | undefined;

/** Builds the production bundle once per run (a few seconds), so every server runs the current sources. */
function serverBundle(): string {
  if (!bundle) {
    execFileSync('npm', ['run', '--silent', 'build', '--workspace', '@qingmiao/api'], { cwd: ROOT, stdio: 'ignore' });
    bundle = join('services', 'api', 'dist', 'qingmiao.mjs');
  }
  return bundle;
}

export interface QingmiaoOptions {
  readonly readyTimeoutMs?: number;
  /**
   * `default` (the default): the configuration the product ships with — QINGMIAO_LOG_LEVEL unset, so info, one
   * request log line per request — its stdout a pipe to a log collector writing `<dataDir>.log`. `warn`: no request
   * log (the configuration of the first benchmark round), to a pipe nobody reads; for side-by-side comparisons only.
   */
  readonly logging?: 'default' | 'warn';
}

/** Starts the production server (`node services/api/dist/qingmiao.mjs serve`) on `dataDir`, waits until caught up. */
export async function startQingmiao(
  dataDir: string,
  { readyTimeoutMs = 20 * 60_000, logging = 'default' }: QingmiaoOptions = {},
): Promise<QingmiaoProcess> {
  const port = await freePort();
  // `--profile DIR` on the bench command line: the server runs under `node --cpu-prof` and writes a V8 CPU profile
  // into DIR when it stops.
  const profileDir = process.env.QINGMIAO_BENCH_PROFILE_DIR;
  const command = process.execPath;
  const args = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), serverBundle(), 'serve'];
  const started = performance.now();
  const { QINGMIAO_LOG_LEVEL: _, ...inherited } = process.env;
  const logFile = logging === 'default' ? `${dataDir}.log` : undefined;
  const { child, stderr, exited } = startGroup(
    command,
    args,
    {
      ...inherited,
      NODE_ENV: 'production',
      QINGMIAO_PORT: String(port),
      QINGMIAO_HOST: '127.0.0.1',
      QINGMIAO_DATA_DIR: dataDir,
      QINGMIAO_AUTH_SECRET: AUTH_SECRET,
      QINGMIAO_MASTER_KEY: MASTER_KEY,
      ...(logging === 'warn' ? { QINGMIAO_LOG_LEVEL: 'warn' } : {}),
      // The per-token limit (default 1200/min) would answer a load test with 429s: raised, still in the request path.
      QINGMIAO_RATE_LIMIT: String(RATE_LIMIT),
      // The generated logs span decades from 2000 (about 12,000 events a year): with the default 3 years, every
      // server would first expire dozens of past years, each expiry moving the log and emptying the response cache
      // while the figures are taken (a real deployment expires one year, once a year).
      QINGMIAO_PII_RETENTION_YEARS: '100',
    },
    logFile,
  );
  const pid = child.pid as number;
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/healthz`, 120_000, 'qingmiao /healthz', exited, stderr);
    const listeningMs = performance.now() - started;
    await waitFor(`${url}/readyz`, readyTimeoutMs, 'qingmiao /readyz', exited, stderr);
    const readyMs = performance.now() - started;
    const metrics = async () => {
      const lines = (await (await fetch(`${url}/metrics`)).text()).split('\n');
      return (sample: RegExp) => {
        const line = lines.find((l) => sample.test(l));
        return line ? Number(line.split(' ')[1]) : Number.NaN;
      };
    };
    return {
      url,
      pid,
      logFile,
      listeningMs,
      readyMs,
      stderr,
      stop: () => stopGroup(pid, exited),
      metrics,
      rss: async () => (await metrics())(RSS_SAMPLE),
    };
  } catch (error) {
    await stopGroup(pid, exited);
    throw error;
  }
}

/** Starts `bare-server.ts` in one of its modes; it prints `{"url": …}` once listening. */
export function startBare(mode: 'static' | 'insert' | 'upload', argument: string): Promise<Child> {
  return startBaseline('bare-server.ts', [mode, argument]);
}

/** Starts `stack-server.ts` (express, graphql-yoga and Pothos appending to an event store at `path`, nothing else). */
export function startStackFloor(path: string): Promise<Child> {
  return startBaseline('stack-server.ts', [path]);
}

/** Starts a baseline server of this folder; it prints `{"url": …}` once listening. */
async function startBaseline(script: string, args: readonly string[]): Promise<Child> {
  const { child, stderr, exited } = startGroup('npx', ['tsx', join('scripts', 'bench', script), ...args], {
    ...process.env,
    NODE_ENV: 'production',
  });
  const pid = child.pid as number;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { url?: unknown };
          if (typeof parsed.url === 'string') resolve(parsed.url);
        } catch {
          // not ours
        }
      });
      void exited.then((code) => reject(new Error(`${script} exited (${code})\n${stderr()}`)));
      setTimeout(() => reject(new Error(`${script} not listening\n${stderr()}`)), 60_000).unref();
    });
    return { url, pid, stderr, stop: () => stopGroup(pid, exited) };
  } catch (error) {
    await stopGroup(pid, exited);
    throw error;
  }
}
