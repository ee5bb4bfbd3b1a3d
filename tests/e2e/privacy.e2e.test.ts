import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { entryInput, Organizer, participationOf, rowOf, submit, uid } from './qingmiao-client.ts';

/**
 * Privacy of minors over real HTTP against the server started in this process: what a school submits about a child
 * reaches the log's files only as ciphertext, while every reader with the right to see it reads it back.
 */
const REVISE = graphql(`mutation ReviseTitle($input: ReviseEntryInput!) { reviseEntry(input: $input) { id } }`);

let server: TestServer;
let organizer: Organizer;

beforeAll(async () => {
  server = await startTestServer();
  organizer = new Organizer(server, await server.token('organizer', { sub: 'guangongwei-office' }));
});

afterAll(async () => {
  await server?.stop();
});

/** The log's files as bytes (the database, its write-ahead log and shared memory): where a name must not be. */
const logFiles = () =>
  readdirSync(server.dataDir)
    .filter((file) => file.startsWith('events.db'))
    .map((file) => join(server.dataDir, file));

describe('personal data in the log', () => {
  it('never reaches events.db or its WAL in clear, and reads back whole for the school and the office', async () => {
    const school = await organizer.schoolWithToken();
    const campaignId = await organizer.openedCampaign();
    const name = `林${uid('童')}`;
    const advisor = `周${uid('师')}`;
    const studentNumber = uid('2022');
    const input = entryInput(campaignId, school.id, {
      participants: [{ name, role: 'STUDENT', grade: '五年级', key: studentNumber }],
      advisor,
      body: `我叫${name}，这是我的作文。`,
    });
    const entry = dataOf(await submit(server, school.token, input)).submitEntry;
    expect(entry.participants).toEqual([{ name, role: 'STUDENT', grade: '五年级', key: studentNumber }]);

    const files = logFiles();
    expect(files.some((file) => file.endsWith('-wal') && statSync(file).size > 0)).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of [name, advisor, studentNumber]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${file}`).toBe(false);
      }
    }
    expect(readdirSync(server.dataDir)).toContain('keys.db');
  });

  it('counts one child in two entries once, by the pseudonymous id, also after a revision', async () => {
    const school = await organizer.schoolWithToken();
    const campaignId = await organizer.openedCampaign();
    const child = { name: '陈一', role: 'STUDENT' as const, key: uid('stu') };
    const ids: string[] = [];
    for (const title of ['一', '二']) {
      const input = entryInput(campaignId, school.id, { title, participants: [child] });
      ids.push(dataOf(await submit(server, school.token, input)).submitEntry.id);
    }
    dataOf(await server.graphql(REVISE, { input: { entryId: ids[0] ?? '', title: '一（修改）' } }, school.token));
    const row = rowOf(await participationOf(server, organizer.token, 2022, campaignId), school.id);
    expect(row.entries).toBe(2);
    expect(row.students).toBe(1);
  });
});
