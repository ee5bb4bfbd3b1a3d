import { join } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { dataOf } from '../support/graphql-http.ts';
import {
  killAll,
  makeDataDir,
  removeDataDir,
  type ServerProcess,
  startServerProcess,
  TEST_SECRET,
} from '../support/server-process.ts';

/**
 * `qingmiao restore` replaces the event store: while a server has the store open it must refuse (the server would
 * keep writing into a file that is no longer the store, and lose acknowledged writes), naming the process to stop;
 * once the server is stopped, or killed with kill -9, it must work.
 */
describe('qingmiao restore with servers on the store', () => {
  const dir = makeDataDir('qingmiao-restore-');

  afterAll(async () => {
    await killAll();
    removeDataDir(dir);
  });

  async function registerSchool(server: ServerProcess, id: string): Promise<void> {
    dataOf(
      await server.graphql(
        'mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }',
        { i: { id, name: `学校 ${id}`, kind: 'PRIMARY', town: '城厢镇' } },
        await server.token('organizer'),
      ),
    );
  }

  async function schoolIds(server: ServerProcess): Promise<string[]> {
    const { schools } = dataOf(
      await server.graphql(graphql('query Schools { schools { id } }'), {}, await server.token('viewer')),
    );
    return schools.map((school) => school.id).sort();
  }

  it('is refused while the server runs, changing nothing, and works after a stop and after kill -9', async () => {
    const dataDir = join(dir, 'data');
    const env = { QINGMIAO_DATA_DIR: dataDir, QINGMIAO_AUTH_SECRET: TEST_SECRET };
    const backup = join(dir, 'backup.db');
    let server = await startServerProcess({ dataDir });
    await registerSchool(server, 'before-backup');
    expect((await runCli(['backup', '--to', backup], env)).code).toBe(0);
    await registerSchool(server, 'after-backup');

    const refused = await runCli(['restore', '--from', backup], env);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `restore: the event store ${join(dataDir, 'events.db')} is in use by pid ${server.pid} ` +
        '(a running server, backup or other command); stop it first\n',
    });
    // The acknowledged write is still there, for the running server and after a restart.
    expect(await schoolIds(server)).toEqual(['after-backup', 'before-backup']);
    await server.stop();
    server = await startServerProcess({ dataDir });
    expect(await schoolIds(server)).toEqual(['after-backup', 'before-backup']);
    await server.stop();

    const restored = await runCli(['restore', '--from', backup], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^restored 1 events from /);
    server = await startServerProcess({ dataDir });
    expect(await schoolIds(server)).toEqual(['before-backup']);

    // The kernel drops a killed process's locks: no stale lock is left to refuse the next restore.
    await registerSchool(server, 'before-kill');
    await server.kill();
    const afterKill = await runCli(['restore', '--from', backup], env);
    expect(afterKill.code, afterKill.stderr).toBe(0);
    server = await startServerProcess({ dataDir });
    expect(await schoolIds(server)).toEqual(['before-backup']);
    await server.stop();
  }, 120_000);

  it('is refused while a second server shares the store through sqlite:PATH', async () => {
    const store = join(dir, 'shared', 'events.db');
    const env = { QINGMIAO_EVENT_STORE: `sqlite:${store}`, QINGMIAO_AUTH_SECRET: TEST_SECRET };
    const backup = join(dir, 'shared-backup.db');
    const first = await startServerProcess({ dataDir: join(dir, 'first'), env });
    await registerSchool(first, 'shared-before-backup');
    expect((await runCli(['backup', '--to', backup], env)).code).toBe(0);
    await first.stop();
    const second = await startServerProcess({ dataDir: join(dir, 'second'), env });
    await registerSchool(second, 'shared-after-backup');

    const refused = await runCli(['restore', '--from', backup], { ...env, QINGMIAO_DATA_DIR: join(dir, 'first') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the event store ${store} is in use by pid ${second.pid} `);
    expect(await schoolIds(second)).toEqual(['shared-after-backup', 'shared-before-backup']);

    await second.stop();
    const restored = await runCli(['restore', '--from', backup], env);
    expect(restored.code, restored.stderr).toBe(0);
  }, 120_000);
});
