import { copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { killAll, makeDataDir, removeDataDir, startServerProcess, TEST_SECRET } from '../support/server-process.ts';
import { entryInput, Organizer, participationOf, rowOf, submit, uid } from './qingmiao-client.ts';

/**
 * Privacy of minors over real HTTP against the server started in this process: what a school submits about a child
 * reaches the log's files only as ciphertext, while every reader with the right to see it reads it back.
 */

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

const ERASED = '已删除';

const ENTRY = graphql(`query ErasureEntry($id: ID!) {
  entry(id: $id) { id title advisor body participants { name role grade key } }
}`);
const HISTORY = graphql(`query ErasureHistory($id: ID!) { entryHistory(entryId: $id) { type data } }`);
const WINNERS = graphql(`query ErasureWinners($year: Int!) {
  winners(year: $year) { entryId title advisor participants { name role } }
}`);
const FIGURES = graphql(`query ErasureFigures($year: Int!, $campaignId: ID, $asOf: DateTime) {
  participation(year: $year, groupBy: SCHOOL, campaignId: $campaignId, asOf: $asOf) {
    key entries students participants retiredTeachers
  }
}`);
const ERASE_PARTICIPANT = graphql(`mutation EraseParticipant($input: EraseParticipantInput!) {
  eraseParticipant(input: $input) { subject keysDestroyed }
}`);
const ERASE_ENTRY = graphql(`mutation EraseEntry($input: EraseEntryPersonalDataInput!) {
  eraseEntryPersonalData(input: $input) { subject keysDestroyed }
}`);
const ACCESS_LOG = graphql(`query ErasureAccessLog($from: DateTime!, $to: DateTime!, $actor: String) {
  accessLog(from: $from, to: $to, actor: $actor) { actor role action subject }
}`);
const AWARD = graphql(`mutation ErasureAward($input: AwardEntryInput!) { awardEntry(input: $input) { id } }`);
const REVISE = graphql(`mutation ErasureRevise($input: ReviseEntryInput!) { reviseEntry(input: $input) { id } }`);
const REBUILD = graphql('mutation ErasureRebuild { rebuildReadModels { generation } }');

const download = async (path: string, token: string) => {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return Buffer.from(await response.arrayBuffer());
};

/** The text of every cell of every sheet of a workbook. */
async function workbookText(bytes: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells: string[] = [];
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) => {
      cells.push((row.values as unknown[]).map((value) => (value === undefined ? '' : String(value))).join('\t'));
    });
  }
  return cells.join('\n');
}

/** Every file of the read models (databases and write-ahead logs): where a dropped name must not linger. */
const readModelFiles = () => {
  const dir = join(server.dataDir, 'read-models');
  return readdirSync(dir)
    .filter((file) => file.includes('.db'))
    .map((file) => join(dir, file));
};

describe('erasing a child (eraseParticipant)', () => {
  it('drops the name from every read path and every file, while the participation figures stay', async () => {
    const school = await organizer.schoolWithToken();
    const campaignId = await organizer.openedCampaign({ awardQuota: 1 });
    const name = `林${uid('童')}`;
    const studentNumber = uid('2022');
    const advisor = `周${uid('师')}`;
    const child = { name, role: 'STUDENT' as const, grade: '五年级', key: studentNumber };
    const classmate = { name: `陈${uid('同学')}`, role: 'STUDENT' as const, grade: '五年级' };
    const submitted = [];
    for (const [title, participants] of [
      ['我心中的勋章', [child, classmate]],
      ['筑梦九天', [child]],
    ] as const) {
      const input = entryInput(campaignId, school.id, {
        title,
        participants: [...participants],
        advisor,
        body: '我心中的勋章是爷爷的军功章。',
      });
      submitted.push(dataOf(await submit(server, school.token, input)).submitEntry);
    }
    const [first, second] = submitted.map((entry) => entry.id);
    if (!first || !second) throw new Error('not submitted');
    const moment = new Date().toISOString();
    await organizer.closeCampaign(campaignId);
    dataOf(await server.graphql(AWARD, { input: { entryId: first, prize: 'FIRST' } }, organizer.token));

    const figures = async () => ({
      now: dataOf(await server.graphql(FIGURES, { year: 2022, campaignId }, organizer.token)).participation,
      asOf: dataOf(await server.graphql(FIGURES, { year: 2022, campaignId, asOf: moment }, organizer.token))
        .participation,
      csv: (
        await download(`/reports/participation.csv?year=2022&campaignId=${campaignId}`, organizer.token)
      ).toString(),
      asOfCsv: (
        await download(`/reports/participation.csv?year=2022&campaignId=${campaignId}&asOf=${moment}`, organizer.token)
      ).toString(),
    });
    /** Every read path that shows names, as the office (and the school, for its entries) reads it. */
    const readPaths = async () => {
      const texts: Record<string, string> = {};
      for (const id of [first, second]) {
        for (const [who, token] of [
          ['office', organizer.token],
          ['school', school.token],
        ] as const) {
          texts[`entry ${id} (${who})`] = JSON.stringify(dataOf(await server.graphql(ENTRY, { id }, token)).entry);
          texts[`history ${id} (${who})`] = JSON.stringify(
            dataOf(await server.graphql(HISTORY, { id }, token)).entryHistory,
          );
        }
      }
      texts.winners = JSON.stringify(dataOf(await server.graphql(WINNERS, { year: 2022 }, organizer.token)).winners);
      texts['winners.xlsx'] = await workbookText(await download('/reports/winners.xlsx?year=2022', organizer.token));
      texts['participation.xlsx'] = await workbookText(
        await download(`/reports/participation.xlsx?year=2022&campaignId=${campaignId}`, organizer.token),
      );
      return texts;
    };

    // Read before: the answers, the as-of replay and the command runner now hold the name, the read models too.
    expect(readModelFiles().some((file) => readFileSync(file).includes(Buffer.from(name, 'utf8')))).toBe(true);
    const before = await figures();
    expect(before.now.find((row) => row.key === school.id)).toMatchObject({ entries: 2, students: 2, participants: 2 });
    expect(before.asOf).toEqual(before.now);
    for (const [path, text] of Object.entries(await readPaths())) {
      if (path.startsWith('entry') || path.startsWith('winners')) expect(text, path).toContain(name);
    }

    const erased = dataOf(
      await server.graphql(
        ERASE_PARTICIPANT,
        { input: { schoolId: school.id, key: studentNumber, reason: '监护人申请删除（2026-017号）' } },
        organizer.token,
      ),
    ).eraseParticipant;
    expect(erased.subject).toMatch(/^p_/);
    expect(erased.keysDestroyed).toBe(2);

    for (const [path, text] of Object.entries(await readPaths())) {
      for (const secret of [name, studentNumber]) expect(text, `${secret} in ${path}`).not.toContain(secret);
    }
    const entry = dataOf(await server.graphql(ENTRY, { id: first }, organizer.token)).entry;
    expect(entry?.participants).toEqual([
      { name: ERASED, role: 'STUDENT', grade: null, key: null },
      { ...classmate, key: null },
    ]);
    // What is the entry's, not the child's, stays: the advisor, the text (the school's to erase with the entry).
    expect(entry?.advisor).toBe(advisor);
    const winners = dataOf(await server.graphql(WINNERS, { year: 2022 }, organizer.token)).winners;
    expect(winners.find((winner) => winner.entryId === first)?.participants[0]?.name).toBe(ERASED);
    expect(await figures()).toEqual(before);
    for (const file of readModelFiles()) {
      for (const secret of [name, studentNumber]) {
        expect(readFileSync(file).includes(Buffer.from(secret, 'utf8')), `${secret} in ${file}`).toBe(false);
      }
    }

    // A rebuild from the log reads the same: the keys are gone.
    dataOf(await server.graphql(REBUILD, {}, organizer.token));
    expect(dataOf(await server.graphql(ENTRY, { id: first }, organizer.token)).entry).toEqual(entry);
    expect(await figures()).toEqual(before);

    // Idempotent: asked again, nothing is left to destroy and nothing new is recorded.
    const again = dataOf(
      await server.graphql(
        ERASE_PARTICIPANT,
        { input: { schoolId: school.id, key: studentNumber, reason: '重复申请' } },
        organizer.token,
      ),
    ).eraseParticipant;
    expect(again).toEqual({ subject: erased.subject, keysDestroyed: 0 });

    // Recorded in the access log by the pseudonymous id, never the name or the key.
    const log = dataOf(
      await server.graphql(
        ACCESS_LOG,
        { from: moment, to: new Date(Date.now() + 60_000).toISOString(), actor: 'guangongwei-office' },
        organizer.token,
      ),
    ).accessLog;
    expect(log.filter((line) => line.action === 'ERASE')).toEqual([
      { actor: 'guangongwei-office', role: 'organizer', action: 'ERASE', subject: erased.subject },
      { actor: 'guangongwei-office', role: 'organizer', action: 'ERASE', subject: erased.subject },
    ]);
  });

  it('refuses bad input naming the field, an unknown child, and anyone but the office', async () => {
    const school = await organizer.schoolWithToken();
    const erase = (input: { schoolId: string; key: string; reason: string }, token = organizer.token) =>
      server.graphql(ERASE_PARTICIPANT, { input }, token);
    const refusal = async (input: { schoolId: string; key: string; reason: string }, token?: string) => {
      const answer = await erase(input, token);
      return { code: codeOf(answer), field: answer.errors?.[0]?.extensions?.field };
    };
    const valid = { schoolId: school.id, key: 'S-404', reason: '监护人申请' };
    expect(await refusal({ ...valid, schoolId: 'Not An Id' })).toEqual({ code: 'BAD_USER_INPUT', field: 'schoolId' });
    expect(await refusal({ ...valid, key: '' })).toEqual({ code: 'BAD_USER_INPUT', field: 'key' });
    expect(await refusal({ ...valid, reason: ' ' })).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(await refusal({ ...valid, schoolId: 'no-such-school' })).toEqual({ code: 'NOT_FOUND', field: 'schoolId' });
    expect(await refusal(valid)).toEqual({ code: 'NOT_FOUND', field: 'key' });
    expect((await refusal(valid, school.token)).code).toBe('FORBIDDEN');
    expect((await refusal(valid, await server.token('viewer'))).code).toBe('FORBIDDEN');
  });
});

describe("erasing an entry's personal data (eraseEntryPersonalData)", () => {
  it('drops its participants, advisor and text; the entry and the figures stay; idempotent', async () => {
    const school = await organizer.schoolWithToken();
    const campaignId = await organizer.openedCampaign();
    const name = `赵${uid('童')}`;
    const advisor = `钱${uid('师')}`;
    const text = `作文${uid('正文')}`;
    const input = entryInput(campaignId, school.id, {
      participants: [
        { name, role: 'STUDENT', grade: '三年级' },
        { name: `孙${uid('老')}`, role: 'RETIRED_TEACHER', key: uid('t') },
      ],
      advisor,
      body: text,
    });
    const { id } = dataOf(await submit(server, school.token, input)).submitEntry;
    const before = await participationOf(server, organizer.token, 2022, campaignId);

    const erase = () => server.graphql(ERASE_ENTRY, { input: { entryId: id, reason: '监护人申请' } }, organizer.token);
    expect(dataOf(await erase()).eraseEntryPersonalData).toEqual({ subject: id, keysDestroyed: 2 });
    const entry = dataOf(await server.graphql(ENTRY, { id }, school.token)).entry;
    expect(entry).toMatchObject({ id, title: input.title, advisor: ERASED, body: null });
    expect(entry?.participants?.map((p) => [p.name, p.role, p.grade, p.key])).toEqual([
      [ERASED, 'STUDENT', null, null],
      [ERASED, 'RETIRED_TEACHER', null, null],
    ]);
    const history = JSON.stringify(dataOf(await server.graphql(HISTORY, { id }, organizer.token)).entryHistory);
    for (const secret of [name, advisor, text]) expect(history).not.toContain(secret);
    expect(await participationOf(server, organizer.token, 2022, campaignId)).toEqual(before);
    expect(dataOf(await erase()).eraseEntryPersonalData).toEqual({ subject: id, keysDestroyed: 0 });

    // A revision decided after the erasure keeps what it does not change as the log now reads it: erased, not
    // the names the command runner had read before.
    dataOf(await server.graphql(REVISE, { input: { entryId: id, title: '修改后的标题' } }, school.token));
    const revised = JSON.stringify(dataOf(await server.graphql(ENTRY, { id }, organizer.token)).entry);
    expect(revised).toContain('修改后的标题');
    const revisedHistory = JSON.stringify(dataOf(await server.graphql(HISTORY, { id }, organizer.token)).entryHistory);
    for (const secret of [name, advisor, text]) {
      expect(revised).not.toContain(secret);
      expect(revisedHistory).not.toContain(secret);
    }

    const missing = await server.graphql(
      ERASE_ENTRY,
      { input: { entryId: `${campaignId}:00000000-0000-4000-8000-000000000000`, reason: '监护人申请' } },
      organizer.token,
    );
    expect([codeOf(missing), missing.errors?.[0]?.extensions?.field]).toEqual(['NOT_FOUND', 'entryId']);
    const bad = await server.graphql(
      ERASE_ENTRY,
      { input: { entryId: 'nope', reason: '监护人申请' } },
      organizer.token,
    );
    expect([codeOf(bad), bad.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'entryId']);
  });
});

const RETENTION = graphql(`query Retention {
  personalDataRetention { year entries dueAt expired expiredAt }
}`);
const EXPIRE = graphql(`mutation Expire($input: ExpirePersonalDataInput!) {
  expirePersonalData(input: $input) { subject keysDestroyed }
}`);

describe('retention (QINGMIAO_PII_RETENTION_YEARS)', () => {
  it("destroys a year's keys once that year and the years kept have ended, in Shanghai; entries and figures remain", async () => {
    // A clock the test moves: the server's commands and its retention job read it.
    let now = new Date('2025-12-31T15:59:59.000Z');
    const clocked = await startTestServer({ QINGMIAO_PII_RETENTION_YEARS: '3' }, { now: () => now });
    try {
      const office = new Organizer(clocked, await clocked.token('organizer', { sub: 'office-retention' }));
      const school = await office.schoolWithToken();
      const names = { 2022: `林${uid('童')}`, 2023: `陈${uid('童')}` };
      const entries: Record<number, string> = {};
      for (const year of [2022, 2023] as const) {
        const campaignId = await office.openedCampaign({ year, opensAt: `${year}-03-01T00:00:00+08:00` });
        const input = entryInput(campaignId, school.id, {
          participants: [{ name: names[year], role: 'STUDENT', grade: '五年级', key: uid('s') }],
          advisor: '周老师',
          body: '我的作文。',
        });
        entries[year] = dataOf(await submit(clocked, school.token, input)).submitEntry.id;
      }
      const retention = async () => dataOf(await clocked.graphql(RETENTION, {}, office.token)).personalDataRetention;
      expect(await retention()).toEqual([
        { year: 2022, entries: 1, dueAt: '2025-12-31T16:00:00.000Z', expired: false, expiredAt: null },
        { year: 2023, entries: 1, dueAt: '2026-12-31T16:00:00.000Z', expired: false, expiredAt: null },
      ]);
      const figures = await participationOf(clocked, office.token, 2022);

      // One second early: nothing expires, and asking for it is refused.
      expect(await clocked.server.qingmiao.retention.run()).toEqual([]);
      const early = await clocked.graphql(EXPIRE, { input: { year: 2022 } }, office.token);
      expect([codeOf(early), early.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'year']);
      const entryOf = async (year: number) =>
        dataOf(await clocked.graphql(ENTRY, { id: entries[year] ?? '' }, office.token)).entry;
      expect((await entryOf(2022))?.participants?.[0]?.name).toBe(names[2022]);

      now = new Date('2025-12-31T16:00:00.000Z');
      const expired = await clocked.server.qingmiao.retention.run();
      expect(expired.map(({ subject, keysDestroyed }) => ({ subject, keysDestroyed }))).toEqual([
        { subject: 'year:2022', keysDestroyed: 2 },
      ]);
      expect(await entryOf(2022)).toMatchObject({
        advisor: ERASED,
        body: null,
        participants: [{ name: ERASED, role: 'STUDENT', grade: null, key: null }],
      });
      expect((await entryOf(2023))?.participants?.[0]?.name).toBe(names[2023]);
      expect(await participationOf(clocked, office.token, 2022)).toEqual(figures);
      expect(await retention()).toEqual([
        { year: 2022, entries: 1, dueAt: '2025-12-31T16:00:00.000Z', expired: true, expiredAt: now.toISOString() },
        { year: 2023, entries: 1, dueAt: '2026-12-31T16:00:00.000Z', expired: false, expiredAt: null },
      ]);
      // Done once: the next run, and the office asking, find nothing left.
      expect(await clocked.server.qingmiao.retention.run()).toEqual([]);
      expect(dataOf(await clocked.graphql(EXPIRE, { input: { year: 2022 } }, office.token)).expirePersonalData).toEqual(
        { subject: 'year:2022', keysDestroyed: 0 },
      );
      const log = dataOf(
        await clocked.graphql(
          ACCESS_LOG,
          {
            // The access log keeps its own (real) time.
            from: new Date(Date.now() - 3_600_000).toISOString(),
            to: new Date(Date.now() + 60_000).toISOString(),
            actor: 'qingmiao-retention',
          },
          office.token,
        ),
      ).accessLog;
      expect(log).toEqual([{ actor: 'qingmiao-retention', role: null, action: 'ERASE', subject: 'year:2022' }]);
    } finally {
      await clocked.stop();
    }
  });
});

describe('backups cannot bring an erased name back', () => {
  const dir = makeDataDir('qingmiao-erasure-backup-');

  afterAll(async () => {
    await killAll();
    removeDataDir(dir);
  });

  it('neither a key store restored from before the erasure nor a log restored from before it', async () => {
    const dataDir = join(dir, 'data');
    const env = { QINGMIAO_DATA_DIR: dataDir, QINGMIAO_AUTH_SECRET: TEST_SECRET };
    const keyStore = join(dataDir, 'keys.db');
    let server = await startServerProcess({ dataDir });
    const office = new Organizer(server, await server.token('organizer', { sub: 'office-backup' }));
    const school = await office.schoolWithToken();
    const campaignId = await office.openedCampaign();
    const name = `林${uid('童')}`;
    const key = uid('2022');
    const input = entryInput(campaignId, school.id, { participants: [{ name, role: 'STUDENT', key }] });
    const { id } = dataOf(await submit(server, school.token, input)).submitEntry;
    const shownName = async () =>
      dataOf(await server.graphql(ENTRY, { id }, office.token)).entry?.participants?.[0]?.name;
    expect(await shownName()).toBe(name);

    // Backups of the log (online) and of the key store (a copy of the stopped server's file).
    const logBackup = join(dir, 'events-backup.db');
    const backedUp = await runCli(['backup', '--to', logBackup], env);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    await server.stop();
    const keysBackup = join(dir, 'keys-backup.db');
    copyFileSync(keyStore, keysBackup);
    server = await startServerProcess({ dataDir });
    dataOf(
      await server.graphql(
        ERASE_PARTICIPANT,
        { input: { schoolId: school.id, key, reason: '监护人申请' } },
        office.token,
      ),
    );
    expect(await shownName()).toBe(ERASED);
    await server.stop();

    // The key store comes back from before the erasure: the erasure in the log destroys its keys again at start.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${keyStore}${suffix}`, { force: true });
    copyFileSync(keysBackup, keyStore);
    server = await startServerProcess({ dataDir });
    // The asynchronous log may print the line after the server answered ready.
    await expect
      .poll(() => server.logs.some((line) => /destroyed data keys that erasures in the log/.test(line.msg ?? '')))
      .toBe(true);
    expect(await shownName()).toBe(ERASED);
    await server.stop();

    // The log comes back from before the erasure: the keys are gone, the name with them.
    const restored = await runCli(['restore', '--from', logBackup], env);
    expect(restored.code, restored.stderr).toBe(0);
    server = await startServerProcess({ dataDir });
    expect(await shownName()).toBe(ERASED);
    const figures = await participationOf(server, office.token, 2022, campaignId);
    expect(rowOf(figures, school.id)).toMatchObject({ entries: 1, students: 1 });
    await server.stop();
  }, 120_000);
});
