import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SqliteEventStore } from '@qingmiao/event-store';
import { jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { postGraphQL } from '../support/graphql-http.ts';
import { freePort, groupAlive, makeDataDir, ROOT, removeDataDir, sleep } from '../support/server-process.ts';

/** The CLI as an operator meets it: a real process, its exit code, its stdout and stderr. */
describe('qingmiao command line', () => {
  const dir = makeDataDir('qingmiao-cli-');
  /** The development environment: no secret given, so the CLI and the server use the data directory's. */
  const development = (dataDir: string) => ({
    NODE_ENV: 'development',
    QINGMIAO_DATA_DIR: dataDir,
    QINGMIAO_AUTH_SECRET: undefined,
  });
  const stack = /\n\s+at /;

  afterAll(() => removeDataDir(dir));

  describe('token', () => {
    it('refuses in production without QINGMIAO_AUTH_SECRET, in one line, writing nothing', async () => {
      const dataDir = join(dir, 'production');
      const result = await runCli(['token', '--role', 'organizer', '--sub', 'office'], {
        ...development(dataDir),
        NODE_ENV: 'production',
      });
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: 'token: QINGMIAO_AUTH_SECRET is required when NODE_ENV=production\n',
      });
      expect(existsSync(join(dataDir, 'dev-auth-secret'))).toBe(false);
    });

    it('in development prints the bare token and says on stderr which secret file signed it', async () => {
      const dataDir = join(dir, 'development');
      const secretFile = join(dataDir, 'dev-auth-secret');
      const first = await runCli(['token', '--role', 'viewer', '--sub', 'leader'], development(dataDir));
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      expect(first.stderr).toBe(
        `token: signed with the development secret ${secretFile} (created now); ` +
          'only a server on this data directory without QINGMIAO_AUTH_SECRET accepts it\n',
      );
      const secret = new TextEncoder().encode(readFileSync(secretFile, 'utf8').trim());
      const { payload } = await jwtVerify(first.stdout.trim(), secret);
      expect(payload).toMatchObject({ sub: 'leader', role: 'viewer' });

      const second = await runCli(['token', '--role', 'viewer', '--sub', 'leader'], development(dataDir));
      expect(second.stderr).toBe(
        `token: signed with the development secret ${secretFile}; ` +
          'only a server on this data directory without QINGMIAO_AUTH_SECRET accepts it\n',
      );
      await jwtVerify(second.stdout.trim(), secret);
    });
  });

  describe('errors', () => {
    const cases: ReadonlyArray<{
      readonly name: string;
      readonly args: readonly string[];
      readonly env?: Record<string, string>;
      readonly stderr: RegExp;
    }> = [
      {
        name: 'serve with a bad port',
        args: ['serve'],
        env: { QINGMIAO_PORT: 'abc' },
        stderr: /^serve: Configuration: QINGMIAO_PORT .+\n$/,
      },
      {
        name: 'serve with an unknown event store',
        args: ['serve'],
        env: { QINGMIAO_EVENT_STORE: 'postgres://db', QINGMIAO_PORT: '0', QINGMIAO_HOST: '127.0.0.1' },
        stderr: /^serve: QINGMIAO_EVENT_STORE must be .+\n$/,
      },
      {
        name: 'an invalid role',
        args: ['token', '--role', 'janitor', '--sub', 'x'],
        stderr: /^error: .*'janitor' is invalid.*\n$/,
      },
      {
        name: 'a token without a subject',
        args: ['token', '--role', 'viewer'],
        stderr: /^error: required option '--sub <subject>'.*\n$/,
      },
      { name: 'a missing option', args: ['restore'], stderr: /^error: required option '--from <file>'.*\n$/ },
      {
        name: 'a bad lifetime',
        args: ['token', '--role', 'viewer', '--sub', 'x', '--expires', 'soon'],
        stderr: /^token: --expires soon: must be a duration like 8h or 30d\n$/,
      },
      {
        name: 'a missing source store',
        args: ['export', '--from', `sqlite:${join(dir, 'missing.db')}`, '--to', join(dir, 'x.jsonl')],
        stderr: /^export: .*missing\.db does not exist\n$/,
      },
    ];

    for (const { name, args, env, stderr } of cases) {
      it(`${name}: one line on stderr, exit code 1`, async () => {
        const dataDir = join(dir, `errors-${randomUUID()}`);
        const result = await runCli(args, { ...development(dataDir), ...env });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(stderr);
        expect(result.stderr).not.toMatch(stack);
      });
    }

    it('shows the stack with --verbose or DEBUG', async () => {
      const env = { ...development(join(dir, 'verbose')), QINGMIAO_PORT: 'abc' };
      for (const result of [
        await runCli(['serve', '--verbose'], env),
        await runCli(['serve'], { ...env, DEBUG: '1' }),
      ]) {
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^serve: Configuration: QINGMIAO_PORT .+\n/);
        expect(result.stderr).toMatch(stack);
      }
    });
  });

  describe('migrate and import', () => {
    it('create the target directory and report progress one line at a time off a terminal', async () => {
      const source = join(dir, 'source.db');
      const store = new SqliteEventStore({ path: source });
      const events = 2_000;
      for (let batch = 0; batch < events / 100; batch++) {
        await store.append(
          `stream-${batch}`,
          Array.from({ length: 100 }, (_, n) => ({
            id: randomUUID(),
            type: 'Tick',
            data: { n, text: '青苗' },
            metadata: {},
          })),
          { expectedRevision: 'no_stream' },
        );
      }
      await store.close();

      const started = Date.now();
      const migrated = await runCli([
        'migrate',
        '--from',
        `sqlite:${source}`,
        '--to',
        `sqlite:${join(dir, 'a', 'b', 'events.db')}`,
      ]);
      const seconds = (Date.now() - started) / 1000;
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(migrated.stdout).toMatch(new RegExp(`^migrated ${events} events \\(0 already there, ${events} copied\\)`));
      expect(migrated.stderr).not.toContain('\r');
      const lines = migrated.stderr.split('\n');
      expect(lines.pop()).toBe('');
      for (const line of lines) expect(line).toMatch(/^checked \d+, copied \d+ events$/);
      expect(lines.at(-1)).toBe(`checked 0, copied ${events} events`);
      // At most one line a second, and the last count.
      expect(lines.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);

      const exported = join(dir, 'export.jsonl');
      expect((await runCli(['export', '--from', `sqlite:${source}`, '--to', exported])).code).toBe(0);
      const imported = await runCli([
        'import',
        '--from',
        exported,
        '--to',
        `sqlite:${join(dir, 'c', 'd', 'events.db')}`,
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(new RegExp(`^imported ${events} events`));
      expect(imported.stderr.split('\n').at(-2)).toBe(`checked 0, copied ${events} events`);
    }, 60_000);
  });

  describe('npm start', () => {
    let npm: number | undefined;
    afterAll(() => {
      if (npm === undefined) return;
      try {
        process.kill(-npm, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    });

    it('stops every process it started on SIGTERM and frees the port', async () => {
      const dataDir = join(dir, 'npm-start');
      const port = await freePort();
      const child = spawn('npm', ['start'], {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: Object.fromEntries(
          Object.entries({
            ...process.env,
            ...development(dataDir),
            QINGMIAO_PORT: String(port),
            QINGMIAO_HOST: '127.0.0.1',
            QINGMIAO_LOG_LEVEL: 'warn',
          }).filter(([, value]) => value !== undefined),
        ),
      });
      npm = child.pid;
      const pgid = child.pid as number;
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const url = `http://127.0.0.1:${port}`;
      for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
        const ready = await fetch(`${url}/readyz`).then(
          (response) => response.ok,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline) throw new Error(`npm start not ready:\n${stderr}`);
      }
      // A token from `qingmiao token` in the same environment is one this server accepts.
      const token = await runCli(['token', '--role', 'viewer', '--sub', 'leader'], development(dataDir));
      const answer = await postGraphQL(url, token.stdout.trim(), '{ schools { id } }');
      expect(answer).toMatchObject({ status: 200, data: { schools: [] } });

      process.kill(pgid, 'SIGTERM');
      expect(await exited).toBe(0);
      for (const deadline = Date.now() + 15_000; groupAlive(pgid); await sleep(50)) {
        if (Date.now() > deadline) throw new Error('processes of npm start still run after its exit');
      }
      await new Promise<void>((resolve, reject) => {
        const probe = createServer();
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
      });
    }, 90_000);
  });
});
