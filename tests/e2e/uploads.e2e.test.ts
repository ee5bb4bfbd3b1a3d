import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, postUpload, type UploadedPart } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { sampleDocx, samplePdf, samplePng, sampleZip } from '../support/sample-files.ts';

const UPLOAD = 'mutation Upload($file: File!) { uploadFile(file: $file) { id name mediaType size } }';
const LIMIT = 256 * 1024;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The files under the data dir's files folder: staged (in .staging) and kept (blobs), by name. */
function filesOnDisk(dataDir: string): { staged: string[]; kept: string[] } {
  const root = join(dataDir, 'files');
  const all = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  const staged = all.filter((entry) => entry.parentPath.endsWith('.staging')).map((entry) => entry.name);
  const kept = all.filter((entry) => !entry.parentPath.endsWith('.staging')).map((entry) => entry.name);
  return { staged, kept };
}

let server: TestServer;
let school: string;
let organizer: string;
const upload = (file: UploadedPart, token = school, options?: Parameters<typeof postUpload>[4]) =>
  postUpload(server.url, token, UPLOAD, file, options);

beforeAll(async () => {
  server = await startTestServer({ QINGMIAO_UPLOAD_LIMIT: String(LIMIT) });
  school = await server.token('school', { schoolId: 'tc-shiyan', sub: 'tc-shiyan-office' });
  organizer = await server.token('organizer');
});

afterAll(async () => {
  await server?.stop();
});

describe('uploadFile over the GraphQL multipart request spec', () => {
  it('keeps a PDF under its SHA-256 with its sanitised name, the same bytes again are the same file', async () => {
    const pdf = samplePdf('Grandfather medal');
    const first = await upload({ name: '../../秘密/爷爷的\u202E勋章.pdf', bytes: pdf, type: 'application/pdf' });
    expect(dataOf(first).uploadFile).toEqual({
      id: sha256(pdf),
      name: '爷爷的勋章.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
    });
    const again = await upload({ name: 'copy.pdf', bytes: pdf }, organizer);
    expect(dataOf(again).uploadFile).toMatchObject({ id: sha256(pdf), name: 'copy.pdf' });
    const { staged, kept } = filesOnDisk(server.dataDir);
    expect(kept.filter((name) => name.includes(sha256(pdf)))).toHaveLength(1);
    expect(staged).toEqual([]);
  });

  it('decides the type from the bytes: a Word document is docx, a zip or a renamed text or program is refused', async () => {
    const docx = await sampleDocx('爷爷的勋章');
    expect(dataOf(await upload({ name: '作文.docx', bytes: docx })).uploadFile.mediaType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(dataOf(await upload({ name: 'photo', bytes: samplePng() })).uploadFile).toMatchObject({
      name: 'photo',
      mediaType: 'image/png',
    });
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(512, 1)]);
    for (const [name, bytes] of [
      ['essay.docx', await sampleZip()],
      ['essay.pdf', Buffer.from('just some text, not a PDF at all\n'.repeat(20))],
      ['essay.pdf', exe],
    ] as const) {
      const refused = await upload({ name, bytes, type: 'application/pdf' });
      expect(codeOf(refused), name).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.extensions?.field).toBe('file');
    }
    expect(filesOnDisk(server.dataDir).kept.some((name) => name.includes(sha256(exe)))).toBe(false);
  });

  it('stops a file over QINGMIAO_UPLOAD_LIMIT with 413 naming file, leaving nothing on disk', async () => {
    const big = Buffer.concat([samplePdf(), Buffer.alloc(LIMIT, 7)]);
    const before = filesOnDisk(server.dataDir).kept.length;
    const refused = await upload({ name: 'big.pdf', bytes: big });
    expect(refused.status).toBe(413);
    expect(codeOf(refused)).toBe('PAYLOAD_TOO_LARGE');
    expect(refused.errors?.[0]?.extensions?.field).toBe('file');
    const { staged, kept } = filesOnDisk(server.dataDir);
    expect(staged).toEqual([]);
    expect(kept).toHaveLength(before);
    // A file of exactly the limit is taken.
    const exact = Buffer.concat([samplePdf(), Buffer.alloc(LIMIT - samplePdf().length, 7)]);
    expect(dataOf(await upload({ name: 'exact.pdf', bytes: exact })).uploadFile.size).toBe(LIMIT);
  });

  it('refuses a multipart request without the preflight header (a cross-site form) with 415', async () => {
    const refused = await upload({ name: 'a.pdf', bytes: samplePdf('no preflight') }, school, { preflight: false });
    expect(refused.status).toBe(415);
    expect(filesOnDisk(server.dataDir).kept.some((name) => name.includes(sha256(samplePdf('no preflight'))))).toBe(
      false,
    );
  });

  it('takes uploads from organizers and schools only, before reading the file', async () => {
    const pdf = samplePdf('not for judges');
    for (const role of ['judge', 'viewer'] as const) {
      const refused = await upload({ name: 'a.pdf', bytes: pdf }, await server.token(role));
      expect(refused.status, role).toBe(403);
      expect(codeOf(refused), role).toBe('FORBIDDEN');
    }
    const anonymous = await upload({ name: 'a.pdf', bytes: pdf }, '');
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    expect(filesOnDisk(server.dataDir).kept.some((name) => name.includes(sha256(pdf)))).toBe(false);
  });

  it('refuses malformed requests clearly: the file before operations and map, a map naming another part', async () => {
    const file = { name: 'a.pdf', bytes: samplePdf('malformed') };
    const fileFirst = await upload(file, school, { order: ['file', 'operations', 'map'] });
    expect(fileFirst.status).toBe(400);
    expect(fileFirst.errors?.[0]?.message).toMatch(/"operations" and "map" must come before the file/);
    const otherPart = await upload(file, school, { map: { 1: ['variables.file'] } });
    expect(otherPart.status).toBe(400);
    expect(otherPart.errors?.[0]?.extensions?.field).toBe('map');
    const twoPaths = await upload(file, school, { map: { 0: ['variables.file', 'variables.other'] } });
    expect(twoPaths.status).toBe(400);
    expect(filesOnDisk(server.dataDir).staged).toEqual([]);
  });

  it('will not take a file from a JSON request: the File scalar is only a multipart part', async () => {
    const answer = await server.graphql(UPLOAD, { file: '/etc/passwd' }, school);
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/multipart/);
  });

  it('keeps concurrent uploads of the same bytes as one file', async () => {
    const pdf = samplePdf('at the same time');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => upload({ name: `copy-${index}.pdf`, bytes: pdf })),
    );
    for (const answer of answers) expect(dataOf(answer).uploadFile.id).toBe(sha256(pdf));
    const kept = filesOnDisk(server.dataDir).kept.filter((name) => name.includes(sha256(pdf)));
    expect(kept).toHaveLength(1);
    const blob = readdirSync(join(server.dataDir, 'files'), { recursive: true, withFileTypes: true }).find(
      (entry) => entry.isFile() && entry.name.includes(sha256(pdf)),
    );
    expect(blob && readFileSync(join(blob.parentPath, blob.name))).toEqual(pdf);
  });
});

describe('the hourly upload budget per account', () => {
  it('refuses with 429 on file once an account has uploaded its budget, other accounts unaffected', async () => {
    const small = await startTestServer({ QINGMIAO_UPLOAD_BUDGET: String(3 * 1024) });
    try {
      const token = await small.token('school', { schoolId: 'tc-shiyan', sub: 'shiyan-office' });
      const pdf = Buffer.concat([samplePdf(), Buffer.alloc(1024, 1)]);
      expect(codeOf(await postUpload(small.url, token, UPLOAD, { name: 'a.pdf', bytes: pdf }))).toBe('OK');
      const refused = await postUpload(small.url, token, UPLOAD, { name: 'b.pdf', bytes: pdf });
      expect(refused.status).toBe(429);
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      expect(refused.errors?.[0]?.extensions?.field).toBe('file');
      const other = await small.token('school', { schoolId: 'tc-other', sub: 'other-office' });
      expect(codeOf(await postUpload(small.url, other, UPLOAD, { name: 'a.pdf', bytes: pdf }))).toBe('OK');
    } finally {
      await small.stop();
    }
  });
});
