import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { dataOf, postUpload } from '../support/graphql-http.ts';
import { startTestServer } from '../support/in-process-server.ts';
import { samplePdf } from '../support/sample-files.ts';
import { startServerProcess, TEST_SECRET } from '../support/server-process.ts';
import { entryInput, Organizer, type TokenServer } from './qingmiao-client.ts';

/**
 * Files at rest hold children's data (PIPL): every file and folder the server and the CLI write is readable by its
 * owner only (0600 / 0700), checked on the disk after a real run — events, read models, access log, sessions,
 * uploads and their files, the development secret, a backup and an export.
 */

const UPLOAD = graphql(`mutation ModeUpload($file: File!) { uploadFile(file: $file) { id } }`);

const parents: string[] = [];
afterEach(() => {
  for (const parent of parents.splice(0)) rmSync(parent, { recursive: true, force: true });
});

function newParent(): string {
  const parent = mkdtempSync(join(tmpdir(), 'qingmiao-modes-'));
  parents.push(parent);
  return parent;
}

/** Every path under `root` (itself included) whose permissions are not owner-only, with its mode. */
function notPrivate(root: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const stat = statSync(path);
    const expected = stat.isDirectory() ? 0o700 : 0o600;
    if ((stat.mode & 0o777) !== expected)
      found.push(`${relative(root, path) || '.'} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return found;
}

/** Every file name under `root`, relative to it. */
const filesUnder = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

/** A year's worth of everything the server writes: an entry with a file, a download, an upload left unattached. */
async function useIt(server: TokenServer & { url: string }) {
  const organizer = new Organizer(server, await server.token('organizer', { sub: 'modes-office' }));
  const campaignId = await organizer.openedCampaign();
  const school = await organizer.schoolWithToken();
  const upload = (text: string) =>
    postUpload(server.url, school.token, UPLOAD, { name: '作文.pdf', bytes: samplePdf(text) });
  const { id } = dataOf(await upload('爷爷的勋章')).uploadFile;
  dataOf(await upload('unattached'));
  const input = entryInput(campaignId, school.id, { attachmentIds: [id] });
  dataOf(
    await server.graphql(
      graphql(`mutation ModeSubmit($input: SubmitEntryInput!) { submitEntry(input: $input) { id } }`),
      { input },
      school.token,
    ),
  );
  const csv = await fetch(`${server.url}/reports/participation.csv?year=2022`, {
    headers: { authorization: `Bearer ${organizer.token}` },
  });
  expect(csv.status).toBe(200);
  await csv.arrayBuffer();
}

describe('files at rest', () => {
  it('are owner-only after a server run, a development secret, a backup and an export by the CLI', async () => {
    const parent = newParent();
    // Neither folder exists yet: the server and the CLI make them.
    const dataDir = join(parent, 'data');
    const backups = join(parent, 'backups');
    const server = await startServerProcess({ dataDir });
    try {
      await useIt(server);
      const env = { QINGMIAO_DATA_DIR: dataDir, QINGMIAO_AUTH_SECRET: TEST_SECRET };
      // While the server runs, as an operator would.
      const backup = await runCli(['backup', '--to', join(backups, 'nightly.db')], env);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      const exported = await runCli(['export', '--to', join(backups, 'nightly.jsonl')], env);
      expect(exported.code).toBe(0);
      // Without a configured secret the CLI generates the development secret into the data dir.
      const token = await runCli(['token', '--role', 'viewer', '--sub', 'modes-cli'], {
        QINGMIAO_DATA_DIR: dataDir,
        QINGMIAO_AUTH_SECRET: undefined,
        NODE_ENV: undefined,
      });
      expect(token.code).toBe(0);
    } finally {
      await server.stop();
    }
    const written = filesUnder(dataDir);
    for (const expected of ['events.db', 'access-log.db', 'sessions.db', 'uploads.db']) {
      expect(written).toContain(expected);
    }
    expect(written.some((file) => file.startsWith('files'))).toBe(true);
    expect(written.some((file) => /secret/.test(file))).toBe(true);
    expect(filesUnder(backups).sort()).toEqual(expect.arrayContaining(['nightly.db', 'nightly.jsonl']));
    expect(filesUnder(backups).some((file) => file.startsWith('nightly.db.files'))).toBe(true);
    expect(notPrivate(dataDir)).toEqual([]);
    expect(notPrivate(backups)).toEqual([]);
  });

  it('are owner-only when an embedding process keeps a permissive umask', async () => {
    const permissive = process.umask(0o022);
    try {
      const server = await startTestServer();
      parents.push(server.dataDir);
      await useIt(server);
      await server.server.stop();
      expect(filesUnder(server.dataDir)).toContain('events.db');
      expect(notPrivate(server.dataDir)).toEqual([]);
    } finally {
      process.umask(permissive);
    }
  });
});
