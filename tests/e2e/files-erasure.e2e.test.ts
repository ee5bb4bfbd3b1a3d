import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERASED } from '@qingmiao/schema';
import { graphql } from '@qingmiao/schema/graphql';
import JSZip from 'jszip';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { codeOf, dataOf, postUpload } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { samplePdf } from '../support/sample-files.ts';
import { entryInput, Organizer, submit, uid } from './qingmiao-client.ts';

/**
 * Issue 17, "no copy the system controls still yields the name": an entry's files (an essay's PDF carries the child's
 * name) are deleted with its personal data, from the data dir or an S3-compatible store, and from the upload
 * registry; bytes another entry still carries stay until that one is erased too.
 */

const UPLOAD = graphql(`mutation FilesErasureUpload($file: File!) { uploadFile(file: $file) { id } }`);
const ENTRY = graphql(`query FilesErasureEntry($id: ID!) {
  entry(id: $id) { id attachments { id name erased url previewUrl } }
}`);
const ERASE_ENTRY = graphql(`mutation FilesErasureErase($input: EraseEntryPersonalDataInput!) {
  eraseEntryPersonalData(input: $input) { subject keysDestroyed }
}`);

/** Every file under `dir` whose path names the file id: the folder store's blob, or s3rver's object and metadata. */
function stored(dir: string, fileId: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((path) => path.includes(fileId));
}

/** Whether any byte of the upload registry's files still holds `text` (an uploaded file's name). */
function registryHolds(dataDir: string, text: string): boolean {
  return ['uploads.db', 'uploads.db-wal']
    .map((name) => join(dataDir, name))
    .some((file) => existsSync(file) && readFileSync(file).includes(Buffer.from(text)));
}

/** A school that uploads files and submits entries with them. */
async function schoolOf(server: TestServer, office: Organizer) {
  const school = await office.schoolWithToken();
  return {
    ...school,
    async upload(name: string, bytes: Buffer): Promise<string> {
      return dataOf(await postUpload(server.url, school.token, UPLOAD, { name, bytes })).uploadFile.id;
    },
    async submit(campaignId: string, attachmentIds: string[]): Promise<string> {
      const input = entryInput(campaignId, school.id, { attachmentIds });
      return dataOf(await submit(server, school.token, input)).submitEntry.id;
    },
  };
}

async function attachmentsOf(server: TestServer, token: string, id: string) {
  return dataOf(await server.graphql(ENTRY, { id }, token)).entry?.attachments ?? [];
}

function erase(server: TestServer, token: string, entryId: string) {
  return server.graphql(ERASE_ENTRY, { input: { entryId, reason: '监护人申请 2026-031' } }, token);
}

describe('files of an erased entry, in the data dir', () => {
  let server: TestServer;
  let office: Organizer;

  beforeAll(async () => {
    server = await startTestServer();
    office = new Organizer(server, await server.token('organizer', { sub: 'office-files' }));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('deletes them with the entry’s personal data; shared bytes stay until their last entry is erased', async () => {
    const filesDir = join(server.dataDir, 'files');
    const campaignId = await office.openedCampaign({ maxEntriesPerSchool: 5 });
    const shiyan = await schoolOf(server, office);
    const chengxiang = await schoolOf(server, office);
    const name = `林${uid('童')}的作文.pdf`;
    const essay = samplePdf(`essay ${uid('x')}`);
    const shared = samplePdf(`school rules ${uid('x')}`);
    const essayId = await shiyan.upload(name, essay);
    const sharedId = await shiyan.upload('校规.pdf', shared);
    expect(await chengxiang.upload('校规.pdf', shared)).toBe(sharedId);
    const first = await shiyan.submit(campaignId, [essayId, sharedId]);
    const second = await chengxiang.submit(campaignId, [sharedId]);
    const [linkToEssay] = await attachmentsOf(server, office.token, first);
    expect(linkToEssay).toMatchObject({ id: essayId, name, erased: false, previewUrl: expect.any(String) });
    expect((await fetch(server.url + (linkToEssay?.url ?? ''))).status).toBe(200);
    expect(registryHolds(server.dataDir, name)).toBe(true);

    expect(dataOf(await erase(server, office.token, first)).eraseEntryPersonalData.subject).toBe(first);
    // Gone before the erasure answered: the bytes, and the uploader's record naming them.
    expect(stored(filesDir, essayId)).toEqual([]);
    expect(registryHolds(server.dataDir, name)).toBe(false);
    expect(stored(filesDir, sharedId)).toHaveLength(1);
    const gone = await fetch(server.url + (linkToEssay?.url ?? ''));
    expect(gone.status).toBe(410);
    expect(await gone.text()).toMatch(/^文件已删除/);
    expect(await attachmentsOf(server, office.token, first)).toEqual([
      { id: essayId, name: ERASED, erased: true, url: expect.any(String), previewUrl: null },
      { id: sharedId, name: ERASED, erased: true, url: expect.any(String), previewUrl: null },
    ]);
    const [sharedOfSecond] = await attachmentsOf(server, office.token, second);
    expect(sharedOfSecond).toMatchObject({ id: sharedId, erased: false });
    const stillThere = await fetch(server.url + (sharedOfSecond?.url ?? ''));
    expect(Buffer.from(await stillThere.arrayBuffer())).toEqual(shared);

    // The campaign's zip has the second entry's file only.
    const zipUrl = `${server.url}/reports/campaigns/${campaignId}/files.zip`;
    const zip = await JSZip.loadAsync(
      await (await fetch(zipUrl, { headers: { authorization: `Bearer ${office.token}` } })).arrayBuffer(),
    );
    const zipped = Object.values(zip.files).filter((file) => !file.dir);
    expect(zipped.map((file) => file.name)).toEqual([expect.stringMatching(/\/校规\.pdf$/)]);

    // The last entry holding the shared bytes is erased: they go too. Asking again is harmless.
    dataOf(await erase(server, office.token, second));
    expect(stored(filesDir, sharedId)).toEqual([]);
    expect(dataOf(await erase(server, office.token, first)).eraseEntryPersonalData.keysDestroyed).toBe(0);

    // The same essay submitted again afterwards is new data: kept, and served.
    expect(await shiyan.upload('作文.pdf', essay)).toBe(essayId);
    const third = await shiyan.submit(campaignId, [essayId]);
    const [again] = await attachmentsOf(server, shiyan.token, third);
    expect(again).toMatchObject({ id: essayId, erased: false });
    const served = await fetch(server.url + (again?.url ?? ''));
    expect(Buffer.from(await served.arrayBuffer())).toEqual(essay);
    expect(stored(filesDir, essayId)).toHaveLength(1);
    // The first entry's link stays refused: the file was erased there for good.
    expect((await fetch(server.url + (linkToEssay?.url ?? ''))).status).toBe(410);
  });

  it('deletes the files of a year whose personal data expires, and keeps the next year’s', async () => {
    let now = new Date('2025-12-31T15:00:00.000Z');
    const clocked = await startTestServer({ QINGMIAO_PII_RETENTION_YEARS: '3' }, { now: () => now });
    try {
      const clockedOffice = new Organizer(clocked, await clocked.token('organizer', { sub: 'office-retention' }));
      const school = await schoolOf(clocked, clockedOffice);
      const files: Record<number, string> = {};
      for (const year of [2022, 2023]) {
        const campaignId = await clockedOffice.openedCampaign({ year, opensAt: `${year}-03-01T00:00:00+08:00` });
        files[year] = await school.upload(`${year}.pdf`, samplePdf(`essay of ${year} ${uid('x')}`));
        await school.submit(campaignId, [files[year] ?? '']);
      }
      const filesDir = join(clocked.dataDir, 'files');
      now = new Date('2025-12-31T16:00:00.000Z');
      const expired = await clocked.server.qingmiao.retention.run();
      expect(expired.map((erasure) => erasure.subject)).toEqual(['year:2022']);
      expect(stored(filesDir, files[2022] ?? '')).toEqual([]);
      expect(stored(filesDir, files[2023] ?? '')).toHaveLength(1);
    } finally {
      await clocked.stop();
    }
  });
});

const BUCKET = 'qingmiao-files';

/** s3rver on 127.0.0.1 over a folder: stopped (an outage) and started again on the same port and folder. */
class S3Double {
  #http: Server | undefined;
  port = 0;
  constructor(readonly directory: string) {}

  async start(): Promise<void> {
    const s3rver = new S3rver({
      directory: this.directory,
      silent: true,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    await s3rver.configureBuckets();
    const http = createHttpServer(s3rver.callback());
    await new Promise<void>((resolve, reject) => http.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.port = (http.address() as AddressInfo).port;
    this.#http = http;
  }

  async stop(): Promise<void> {
    const http = this.#http;
    this.#http = undefined;
    if (!http) return;
    const closed = new Promise((resolve) => http.close(resolve));
    http.closeAllConnections();
    await closed;
  }
}

describe('files of an erased entry, in an S3-compatible store', () => {
  let dir: string;
  let s3: S3Double;

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
    dir = mkdtempSync(join(tmpdir(), 'qingmiao-files-erasure-'));
    s3 = new S3Double(join(dir, 's3'));
    await s3.start();
  });
  afterAll(async () => {
    await s3?.stop();
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers STORAGE_UNAVAILABLE while the store is down; the next start, or a retry, deletes the files', async () => {
    const dataDir = join(dir, 'data');
    const env = { QINGMIAO_DATA_DIR: dataDir, QINGMIAO_FILES: `s3://${BUCKET}?endpoint=http://127.0.0.1:${s3.port}` };
    let server = await startTestServer(env);
    const office = new Organizer(server, await server.token('organizer', { sub: 'office-s3' }));
    const school = await schoolOf(server, office);
    const campaignId = await office.openedCampaign();
    const restarted = await school.upload('重启.pdf', samplePdf(`restarted ${uid('x')}`));
    const retried = await school.upload('重试.pdf', samplePdf(`retried ${uid('x')}`));
    const restartedEntry = await school.submit(campaignId, [restarted]);
    const retriedEntry = await school.submit(campaignId, [retried]);
    expect(stored(s3.directory, restarted).length).toBeGreaterThan(0);

    const eraseWhileDown = async (entryId: string) => {
      await s3.stop();
      const answer = await erase(server, office.token, entryId);
      expect(answer.status).toBe(503);
      expect(codeOf(answer)).toBe('STORAGE_UNAVAILABLE');
      expect(answer.errors?.[0]?.message).toMatch(/erasure is recorded/);
      // The names are gone already, and the file is refused: only the bytes wait for the store.
      const [file] = await attachmentsOf(server, office.token, entryId);
      expect(file).toMatchObject({ name: ERASED, erased: true, previewUrl: null });
      await s3.start();
    };

    // Stopped before the files were deleted (as a crash would): the next start deletes them.
    await eraseWhileDown(restartedEntry);
    await server.stop();
    expect(stored(s3.directory, restarted).length).toBeGreaterThan(0);
    server = await startTestServer(env);
    try {
      await vi.waitFor(() => expect(stored(s3.directory, restarted)).toEqual([]), { timeout: 15_000 });
      expect(registryHolds(dataDir, '重启.pdf')).toBe(false);

      // Asked again once the store is back: the retry deletes them before it answers.
      await eraseWhileDown(retriedEntry);
      expect(stored(s3.directory, retried).length).toBeGreaterThan(0);
      expect(dataOf(await erase(server, office.token, retriedEntry)).eraseEntryPersonalData.keysDestroyed).toBe(0);
      expect(stored(s3.directory, retried)).toEqual([]);
      expect(registryHolds(dataDir, '重试.pdf')).toBe(false);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
