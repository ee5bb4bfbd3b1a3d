import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment } from '@qingmiao/schema';
import express from 'express';
import JSZip from 'jszip';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLog } from '../src/access-log.ts';
import { Authenticator, mintToken } from '../src/auth.ts';
import type { BlobStore } from '../src/files/blob-store.ts';
import { type CampaignFile, campaignZipRoutes, zipLayout } from '../src/files/campaign-zip.ts';
import { openFolderBlobStore } from '../src/files/folder-blob-store.ts';

const secret = new TextEncoder().encode('campaign-zip-test-secret-0123456789abcdef');
let dir: string;
let blobStore: BlobStore;
let accessLog: AccessLog;
let server: Server;
let base: string;
const files: CampaignFile[] = [];

async function kept(school: string, name: string, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  const id = createHash('sha256').update(bytes).digest('hex');
  const staged = join(blobStore.stagingDir, `staged-${id}`);
  writeFileSync(staged, bytes);
  await blobStore.put(id, staged);
  const attachment: Attachment = { id, name, mediaType: 'application/pdf', size: bytes.length };
  files.push({ school, attachment });
}

const download = async (role: 'organizer' | 'judge', campaignId = 'essay-2022') =>
  fetch(`${base}/reports/campaigns/${campaignId}/files.zip`, {
    headers: { authorization: `Bearer ${await mintToken(secret, { sub: `${role}-1`, role }, '1h')}` },
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-campaign-zip-'));
  blobStore = openFolderBlobStore(dir);
  accessLog = new AccessLog({
    file: join(dir, 'access-log.db'),
    retentionDays: 1,
    failuresPerMinute: 10,
    pruneEveryMs: 0,
  });
  await kept('太仓市实验小学', '作文.pdf', 'essay one');
  await kept('太仓市实验小学', '作文.pdf', 'essay two');
  await kept('太仓市实验小学', '作文.PDF', 'essay three');
  await kept('城厢/镇中心小学', '作文.pdf', 'essay four');
  const app = express();
  app.use(
    '/reports',
    campaignZipRoutes({
      authenticator: new Authenticator(secret, 86_400),
      blobStore,
      accessLog,
      filesOf: (campaignId) => (campaignId === 'essay-2022' ? files : undefined),
      logger: pino({ level: 'silent' }),
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await accessLog?.close();
  await blobStore?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a campaign’s files as one zip', () => {
  it('puts each school’s files in its folder, repeated names numbered, the bytes unchanged', async () => {
    const response = await download('organizer');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const zip = await JSZip.loadAsync(await response.arrayBuffer());
    const names = Object.values(zip.files)
      .filter((entry) => !entry.dir)
      .map((entry) => entry.name);
    expect(names).toEqual([
      '太仓市实验小学/作文.pdf',
      '太仓市实验小学/作文 (2).pdf',
      '太仓市实验小学/作文 (3).PDF',
      '城厢_镇中心小学/作文.pdf',
    ]);
    expect(await zip.file('太仓市实验小学/作文 (2).pdf')?.async('string')).toBe('essay two');
    expect(await zip.file('城厢_镇中心小学/作文.pdf')?.async('string')).toBe('essay four');
    const [entry] = accessLog.list({ from: new Date(0), to: new Date(Date.now() + 1000), limit: 5 });
    expect(entry).toMatchObject({ actor: 'organizer-1', action: 'EXPORT' });
    expect(entry?.subject).toBe('/reports/campaigns/essay-2022/files.zip');
  });

  it('is for organizers only, and says when there is no such campaign', async () => {
    expect((await download('judge')).status).toBe(403);
    expect((await fetch(`${base}/reports/campaigns/essay-2022/files.zip`)).status).toBe(401);
    expect((await download('organizer', 'no-such-campaign')).status).toBe(404);
  });

  it('keeps names single path segments and unique without case', () => {
    const attachment: Attachment = { id: 'a'.repeat(64), name: '', mediaType: 'application/pdf', size: 1 };
    const layout = zipLayout([
      { school: '../x', attachment: { ...attachment, name: '../../etc/passwd' } },
      { school: '../x', attachment: { ...attachment, name: 'PASSWD' } },
    ]);
    expect(layout.map((item) => item.path)).toEqual(['.._x/passwd', '.._x/PASSWD (2)']);
  });
});
