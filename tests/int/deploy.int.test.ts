import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@qingmiao/api';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { dataOf, postUpload } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { samplePng } from '../support/sample-files.ts';
import { ROOT } from '../support/server-process.ts';

/**
 * deploy/: the systemd units as systemd reads them (`systemd-analyze verify` and its offline security review), the
 * environment template against the settings config.ts reads, and the nightly backup script run for real beside a
 * running server.
 */

const DEPLOY = join(ROOT, 'deploy');
const UNITS = ['qingmiao.service', 'qingmiao-backup.service', 'qingmiao-backup.timer'];
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';
const INSTALLED_AT = '/opt/qingmiao';
const NODE = '/usr/bin/node';

const scratch = mkdtempSync(join(tmpdir(), 'qingmiao-deploy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!existsSync(SYSTEMD_ANALYZE))(`the systemd units (${SYSTEMD_ANALYZE})`, () => {
  /**
   * The units as installed, except that this checkout stands for /opt/qingmiao and this node for /usr/bin/node:
   * verify checks that ExecStart's programs exist.
   */
  function unitsHere(): string {
    const dir = mkdtempSync(join(scratch, 'units-'));
    for (const unit of UNITS) {
      const text = readFileSync(join(DEPLOY, unit), 'utf8');
      writeFileSync(
        join(dir, unit),
        text.replaceAll(INSTALLED_AT, ROOT.replace(/\/$/, '')).replaceAll(NODE, process.execPath),
      );
    }
    return dir;
  }

  it('pass systemd-analyze verify without a warning', () => {
    const dir = unitsHere();
    const verified = spawnSync(SYSTEMD_ANALYZE, ['verify', '--man=no', ...UNITS], { cwd: dir, encoding: 'utf8' });
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
  });

  it('are hardened: exposure below 2.0 in systemd-analyze security, the settings the deployment relies on', () => {
    const dir = unitsHere();
    for (const unit of ['qingmiao.service', 'qingmiao-backup.service']) {
      const review = spawnSync(SYSTEMD_ANALYZE, ['security', '--offline=true', '--threshold=20', unit], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(review.status, review.stdout.split('\n').slice(-3).join('\n')).toBe(0);
    }
    const service = readFileSync(join(DEPLOY, 'qingmiao.service'), 'utf8');
    for (const setting of [
      'User=qingmiao',
      'ProtectSystem=strict',
      `ReadWritePaths=/var/lib/qingmiao`,
      'NoNewPrivileges=yes',
      'PrivateTmp=yes',
      'Restart=on-failure',
      'TimeoutStopSec=60s',
      'EnvironmentFile=/etc/qingmiao/qingmiao.env',
    ]) {
      expect(service.split('\n')).toContain(setting);
    }
  });
});

/** The template's `NAME=value` lines, and its `#NAME=value` ones (defaults shown), in order. */
function envTemplate() {
  const lines = readFileSync(join(DEPLOY, 'qingmiao.env'), 'utf8').split('\n');
  const assignments = lines.flatMap((line, index) => {
    const match = /^(#?)([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) return [];
    const [, hash, name = '', value = ''] = match;
    return [{ name, value, active: hash === '', index }];
  });
  return { lines, assignments };
}

/** The settings config.ts reads: the keys of its zod object. */
const configSettings = () =>
  [
    ...readFileSync(join(ROOT, 'services/api/src/config.ts'), 'utf8').matchAll(/^ {2}((?:QINGMIAO_|NODE_ENV)\w*):/gm),
  ].map((match) => match[1] ?? '');

describe('deploy/qingmiao.env', () => {
  it('documents every setting of config.ts, and nothing else by a QINGMIAO_ name', () => {
    const { lines, assignments } = envTemplate();
    const settings = configSettings();
    expect(settings.length).toBeGreaterThan(25);
    const named = assignments.map((assignment) => assignment.name);
    expect(named.filter((name) => !settings.includes(name))).toEqual([]);
    expect(settings.filter((name) => !named.includes(name))).toEqual([]);
    expect(new Set(named).size).toBe(named.length);
    // Each with words about it: a comment line right above, or above the setting it is grouped with.
    for (const { name, index } of assignments) {
      let above = index - 1;
      while (/^#?[A-Z][A-Z0-9_]*=/.test(lines[above] ?? '')) above--;
      expect(lines[above], name).toMatch(/^# \S/);
    }
  });

  it('starts a production server once the secret and the master key are filled in, behind nginx on this host, and shows true defaults', () => {
    const { assignments } = envTemplate();
    const active = Object.fromEntries(assignments.filter((a) => a.active).map((a) => [a.name, a.value]));
    expect(() => loadConfig(active)).toThrow('Configuration: QINGMIAO_AUTH_SECRET must be at least 32 characters');
    const withSecret = { ...active, QINGMIAO_AUTH_SECRET: 'x'.repeat(48) };
    expect(() => loadConfig(withSecret)).toThrow('Configuration: QINGMIAO_MASTER_KEY must be 32 random bytes');
    const filled = { ...withSecret, QINGMIAO_MASTER_KEY: randomBytes(32).toString('base64') };
    const config = loadConfig(filled);
    expect(config).toMatchObject({
      production: true,
      host: '127.0.0.1',
      port: 4000,
      dataDir: '/var/lib/qingmiao',
      trustProxy: ['127.0.0.1'],
      graphiql: false,
    });
    for (const { name, value } of assignments.filter((a) => !a.active && a.value !== '')) {
      expect(loadConfig({ ...filled, [name]: value }), `#${name}=${value} is the default`).toEqual(config);
    }
    // The upload limit shown is the one nginx's client_max_body_size is set 1m above.
    const nginx = readFileSync(join(DEPLOY, 'nginx', 'qingmiao.conf.template'), 'utf8');
    expect(nginx).toContain(`client_max_body_size ${config.uploads.limit / 1024 ** 2 + 1}m;`);
  });
});

const UPLOAD = graphql(`mutation BackupUpload($file: File!) { uploadFile(file: $file) { id } }`);
const REGISTER = graphql(`
  mutation BackupRegister($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }
`);

describe('deploy/qingmiao-backup beside a running server', { timeout: 120_000 }, () => {
  let server: TestServer;
  let fileId: string;
  const backups = join(scratch, 'backups');
  const DAY_MS = 86_400_000;

  beforeAll(async () => {
    mkdirSync(backups);
    server = await startTestServer();
    const organizer = await server.token('organizer');
    const input = { id: 'backup-school', name: '城厢镇备份小学', kind: 'PRIMARY' as const, town: '城厢镇' };
    dataOf(await server.graphql(REGISTER, { input }, organizer));
    const school = await server.token('school', { schoolId: 'backup-school', sub: 'backup-school-office' });
    fileId = dataOf(await postUpload(server.url, school, UPLOAD, { name: 'logo.png', bytes: samplePng() })).uploadFile
      .id;
  });

  afterAll(() => server?.stop());

  const backUp = (...args: string[]) =>
    promisify(execFile)(join(DEPLOY, 'qingmiao-backup'), args, {
      cwd: ROOT,
      env: {
        ...process.env,
        QINGMIAO_DATA_DIR: server.dataDir,
      },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  /** The backups in the folder: events files and files folders (SQLite's -wal and -shm files beside them aside). */
  const backupsNow = () =>
    readdirSync(backups)
      .filter((name) => !/-(wal|shm)$/.test(name))
      .sort();
  /** SQLite's side files in the folder whose events file is gone. */
  const orphans = () =>
    readdirSync(backups).filter((name) => /-(wal|shm)$/.test(name) && !existsSync(join(backups, name.slice(0, -4))));
  /** Backups are named by the second they start in: wait for the next second so a run cannot take a name in use. */
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_010 - (Date.now() % 1_000)));
  const blobOf = (backup: string) =>
    readdirSync(join(backups, backup), { recursive: true, encoding: 'utf8' })
      .map((path) => join(backups, backup, path))
      .find((path) => path.endsWith(fileId));

  it('refuses wrong arguments with a line saying what is expected', async () => {
    for (const args of [[], [backups], [backups, 'x'], [backups, '0'], [backups, '7d'], [join(scratch, 'none'), '3']]) {
      const run = await backUp(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^(usage: qingmiao-backup DIR DAYS|qingmiao-backup: (DAYS must|.* is not a folder))/);
    }
    expect(backupsNow()).toEqual([]);
  });

  it('backs up the events and the files, the files of the backup before hard-linked instead of copied again', async () => {
    const first = await backUp(backups, '14');
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^backed up \d+ events to .*qingmiao-\d{4}-\d\d-\d\dT\d{6}Z\.db\nbacked up 1 files/);
    await nextSecond();
    const second = await backUp(backups, '14');
    expect(second.code).toBe(0);
    const names = backupsNow();
    expect(names).toHaveLength(4);
    const [firstBackup, secondBackup] = names.filter((name) => name.endsWith('.db'));
    const [a, b] = [blobOf(`${firstBackup}.files`), blobOf(`${secondBackup}.files`)];
    expect(a && b).toBeTruthy();
    expect(statSync(a ?? '').ino).toBe(statSync(b ?? '').ino);
    expect(statSync(b ?? '').nlink).toBe(2);

    // What it made restores: the events and the (linked) file into an empty data dir.
    const restoredInto = mkdtempSync(join(scratch, 'restored-'));
    const restored = await runCli(['restore', '--from', join(backups, secondBackup ?? '')], {
      QINGMIAO_DATA_DIR: restoredInto,
    });
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toMatch(/^restored [1-9]\d* events .*\nrestored 1 files/);
  });

  it('removes whole backups older than DAYS days after a new one succeeded, never after a failed one', async () => {
    const fake = (name: string, ageDays: number) => {
      const file = join(backups, name);
      writeFileSync(file, 'an old backup');
      mkdirSync(`${file}.files`);
      writeFileSync(join(`${file}.files`, 'blob'), 'bytes');
      const when = new Date(Date.now() - ageDays * DAY_MS);
      utimesSync(file, when, when);
    };
    fake('qingmiao-2026-01-01T023000Z.db', 20);
    fake('qingmiao-2026-01-02T023000Z.db', 13);
    const before = backupsNow();

    // A failing `qingmiao backup` (the store is not the embedded one): nothing left of it, nothing removed.
    await nextSecond();
    const failed = await promisify(execFile)(join(DEPLOY, 'qingmiao-backup'), [backups, '1'], {
      cwd: ROOT,
      env: {
        ...process.env,
        QINGMIAO_DATA_DIR: server.dataDir,
        QINGMIAO_EVENT_STORE: 'kurrentdb://127.0.0.1:1?tls=false',
      },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('backup: backup and restore work on the embedded store');
    expect(backupsNow()).toEqual(before);
    expect(orphans()).toEqual([]);

    const run = await backUp(backups, '14');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`removed ${join(backups, 'qingmiao-2026-01-01T023000Z.db')} (older than 14 days)`);
    const after = backupsNow();
    expect(after).not.toContain('qingmiao-2026-01-01T023000Z.db');
    expect(after).not.toContain('qingmiao-2026-01-01T023000Z.db.files');
    expect(after).toContain('qingmiao-2026-01-02T023000Z.db.files');
    expect(after).toHaveLength(before.length - 2 + 2);
    expect(orphans()).toEqual([]);
  });
});
