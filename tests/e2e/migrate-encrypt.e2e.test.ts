import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JsonObject, type RecordedEvent, SqliteEventStore } from '@qingmiao/event-store';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { campaignOf, entryInput, historyOf, Organizer, participationOf, submit, uid } from './qingmiao-client.ts';

/**
 * `qingmiao migrate --encrypt-personal-data` on a log written in clear before personal data was sealed (written
 * here with a raw SqliteEventStore, entries and campaigns at their first schema version, revisions without their
 * school): the target's files hold no name, and a server on the target shows the same entries, history and figures.
 */
const dirs: string[] = [];
const servers: TestServer[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'qingmiao-encrypt-'));
  dirs.push(dir);
  return dir;
};

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const REVISE = graphql(`mutation Revise($i: ReviseEntryInput!) { reviseEntry(input: $i) { title } }`);

const without = (data: JsonObject, fields: readonly string[]): JsonObject =>
  Object.fromEntries(Object.entries(data).filter(([field]) => !fields.includes(field))) as JsonObject;

/** An event as a version before sealing wrote it: in clear, and entries and campaigns at version 1. */
function asWrittenInClear(event: RecordedEvent): { data: JsonObject; metadata: JsonObject } {
  const participants = Array.isArray(event.data.participants)
    ? event.data.participants.map((participant) => without(participant as JsonObject, ['participantId']))
    : undefined;
  const data = without({ ...event.data, ...(participants ? { participants } : {}) }, ['personalDataKeys']);
  switch (event.type) {
    case 'EntrySubmitted':
      return { data: without(data, ['performance']), metadata: { ...event.metadata, schemaVersion: 1 } };
    case 'EntryRevised':
      return { data: without(data, ['schoolId']), metadata: event.metadata };
    case 'CampaignCreated':
      return {
        data: without(data, ['rubric', 'copiedFrom', 'blindJudging']),
        metadata: { ...event.metadata, schemaVersion: 1 },
      };
    default:
      return { data, metadata: event.metadata };
  }
}

const holdsAny = (files: readonly string[], secrets: readonly string[]) =>
  secrets.filter((secret) => files.some((file) => readFileSync(file).includes(Buffer.from(secret, 'utf8'))));

const filesOf = (dir: string, prefix: string) =>
  readdirSync(dir)
    .filter((file) => file.startsWith(prefix))
    .map((file) => join(dir, file));

describe('qingmiao migrate --encrypt-personal-data', () => {
  it('copies a clear log into a store that holds no name, and a server on it shows the same', async () => {
    // A campaign year as a server records it; its log is then written back in clear, as an older version had it.
    const before = await startTestServer();
    servers.push(before);
    const office = new Organizer(before, await before.token('organizer', { sub: 'guangongwei-office' }));
    const school = await office.schoolWithToken();
    await office.recordEnrollment(school.id, 2022, 480);
    const campaignId = await office.openedCampaign();
    const [child, other, advisor, teacher] = [`林${uid('童')}`, `陈${uid('童')}`, `周${uid('师')}`, `吴${uid('师')}`];
    const key = uid('2022');
    const entries = [];
    for (const participants of [
      [
        { name: child, role: 'STUDENT' as const, grade: '五年级', key },
        { name: teacher, role: 'RETIRED_TEACHER' as const },
      ],
      [
        { name: child, role: 'STUDENT' as const, grade: '五年级', key },
        { name: other, role: 'STUDENT' as const, grade: '四年级' },
      ],
    ]) {
      const input = entryInput(campaignId, school.id, { participants, advisor });
      entries.push(dataOf(await submit(before, school.token, input)).submitEntry);
    }
    const revised = entries[0]?.id ?? '';
    dataOf(await before.graphql(REVISE, { i: { entryId: revised, title: '修改后的题目' } }, school.token));
    const shown = async (server: TestServer) => ({
      campaign: await campaignOf(server, office.token, campaignId),
      history: await historyOf(server, office.token, revised),
      participation: await participationOf(server, office.token, 2022, campaignId),
    });
    const expected = await shown(before);
    expect(expected.participation[0]).toMatchObject({ entries: 2, students: 2 });

    const sourceDir = tempDir();
    const clear = new SqliteEventStore({ path: join(sourceDir, 'events.db') });
    const log = await before.server.qingmiao.store.readAll({ limit: 100_000 });
    for (const event of log) {
      await clear.append(event.stream, [{ id: event.id, type: event.type, ...asWrittenInClear(event) }], {
        expectedRevision: event.revision === 0 ? 'no_stream' : event.revision - 1,
      });
    }
    await clear.close();
    const secrets = [child, other, advisor, teacher, key];
    expect(holdsAny(filesOf(sourceDir, 'events.db'), secrets)).toEqual(secrets);

    const targetDir = tempDir();
    const env = { QINGMIAO_DATA_DIR: targetDir, QINGMIAO_MASTER_KEY: randomBytes(32).toString('base64') };
    const args = [
      'migrate',
      '--from',
      `sqlite:${join(sourceDir, 'events.db')}`,
      '--to',
      `sqlite:${join(targetDir, 'events.db')}`,
    ];
    const migrated = await runCli([...args, '--encrypt-personal-data'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(
      new RegExp(`^migrated ${log.length} events \\(0 already there, ${log.length} copied\\)`),
    );
    expect(holdsAny(filesOf(targetDir, 'events.db'), secrets)).toEqual([]);
    expect(readdirSync(targetDir)).toContain('keys.db');

    // Run again (as after an interruption): what the target has is checked as it opens, nothing is copied twice.
    const again = await runCli([...args, '--encrypt-personal-data'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`^migrated ${log.length} events \\(${log.length} already there, 0 copied\\)`),
    );
    // Plain migrate refuses the encrypted target as a partial copy of the clear source.
    const plain = await runCli(args, env);
    expect(plain.code).not.toBe(0);

    const after = await startTestServer({
      ...env,
      QINGMIAO_EVENT_STORE: `sqlite:${join(targetDir, 'events.db')}`,
    });
    servers.push(after);
    expect(await shown(after)).toEqual(expected);
  }, 180_000);

  it('refuses a log that is already encrypted', async () => {
    const server = await startTestServer();
    servers.push(server);
    const office = new Organizer(server, await server.token('organizer', { sub: 'guangongwei-office' }));
    const school = await office.schoolWithToken();
    const campaignId = await office.openedCampaign();
    dataOf(await submit(server, school.token, entryInput(campaignId, school.id)));
    const targetDir = tempDir();
    const result = await runCli(
      [
        'migrate',
        '--from',
        `sqlite:${join(server.dataDir, 'events.db')}`,
        '--to',
        `sqlite:${join(targetDir, 'events.db')}`,
        '--encrypt-personal-data',
      ],
      { QINGMIAO_DATA_DIR: targetDir, QINGMIAO_MASTER_KEY: randomBytes(32).toString('base64') },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /EntrySubmitted .* is already encrypted: copy a log written by this version with plain `qingmiao migrate`/,
    );
  });
});
