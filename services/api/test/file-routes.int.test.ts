import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment } from '@qingmiao/schema';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../src/files/blob-store.ts';
import { fileRoutes } from '../src/files/file-routes.ts';
import { openFolderBlobStore } from '../src/files/folder-blob-store.ts';
import { FileLinks, LINK_LIFETIME_SECONDS } from '../src/files/signed-links.ts';

const ENTRY = 'essay-2022:0f8fad5b-d9cb-469f-a165-70867728950e';
/** An entry whose personal data was erased: it lists the same file, erased there. */
const ERASED_ENTRY = 'essay-2022:1f8fad5b-d9cb-469f-a165-70867728950e';
const video = Buffer.from(Array.from({ length: 100_000 }, (_, index) => index % 251));
const attachment: Attachment = {
  id: createHash('sha256').update(video).digest('hex'),
  name: '爷爷的 "勋章".mp4',
  mediaType: 'video/mp4',
  size: video.length,
};
const docx: Attachment = {
  ...attachment,
  id: 'd'.repeat(64),
  name: '作文.docx',
  mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

let dir: string;
let blobStore: BlobStore;
let server: Server;
let base: string;
const links = new FileLinks(new TextEncoder().encode('file-routes-test-secret-0123456789abcdef'));
const lines: string[] = [];

const linkTo = (fileId: string, options: { entryId?: string; inline?: boolean; now?: number } = {}) =>
  base +
  links.urlFor(
    { fileId, entryId: options.entryId ?? ENTRY, reader: 'judge-wang', inline: options.inline ?? false },
    options.now,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-file-routes-'));
  blobStore = openFolderBlobStore(dir);
  const staged = join(blobStore.stagingDir, 'video');
  writeFileSync(staged, video);
  await blobStore.put(attachment.id, staged);
  const listed = new Map([
    [`${ENTRY}/${attachment.id}`, attachment],
    [`${ENTRY}/${docx.id}`, docx],
    [`${ERASED_ENTRY}/${attachment.id}`, { ...attachment, name: '已删除' }],
  ]);
  const app = express();
  app.use(
    '/files',
    fileRoutes({
      fileLinks: links,
      blobStore,
      attachmentOf: (link) => listed.get(`${link.entryId}/${link.fileId}`),
      isErased: (link) => link.entryId === ERASED_ENTRY,
      perMinute: { reader: 1000, address: 1000 },
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await blobStore?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /files/{id} with a signed link', () => {
  it('serves the same bytes as a download, never sniffed, sandboxed, cached privately; logs reader and entry', async () => {
    const response = await fetch(linkTo(attachment.id));
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(video);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'video/mp4',
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': 'private, max-age=600',
      'accept-ranges': 'bytes',
      'content-length': String(video.length),
    });
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename\*=UTF-8''[^"]+$/);
    expect(decodeURIComponent(disposition.replace("attachment; filename*=UTF-8''", ''))).toBe(attachment.name);
    const logged = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'file read');
    expect(logged).toMatchObject({ reader: 'judge-wang', entryId: ENTRY, fileId: attachment.id });
  });

  it('shows a preview type inline when the link asks, a Word document never', async () => {
    const inline = await fetch(linkTo(attachment.id, { inline: true }));
    expect(inline.headers.get('content-disposition')).toMatch(/^inline; /);
    await inline.arrayBuffer();
    const head = await fetch(linkTo(docx.id, { inline: true }), { method: 'HEAD' });
    // The docx is listed but its blob is not kept: gone is 404, whatever the link says.
    expect(head.status).toBe(404);
  });

  it('answers ranges with 206 and Content-Range, 416 past the end, and HEAD without a body', async () => {
    const part = await fetch(linkTo(attachment.id), { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${video.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(video.subarray(1000, 2000));
    const tail = await fetch(linkTo(attachment.id), { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(video.subarray(video.length - 10));
    const past = await fetch(linkTo(attachment.id), { headers: { range: `bytes=${video.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${video.length}`);
    const head = await fetch(linkTo(attachment.id), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(video.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses a tampered or expired link with a bare 403', async () => {
    const valid = new URL(linkTo(attachment.id));
    const tampered = [
      new URL(valid.href.replace(`expires=${valid.searchParams.get('expires')}`, 'expires=9999999999')),
      new URL(valid.href.replace('reader=judge-wang', 'reader=judge-li')),
      new URL(valid.href.replace(/sig=[^&]+/, 'sig=AAAA')),
      new URL(`${valid.href}&inline=1`),
    ];
    const other = new URL(valid.href);
    other.searchParams.set('entry', 'essay-2022:other');
    tampered.push(other);
    for (const url of tampered) {
      const response = await fetch(url);
      expect(response.status, url.search).toBe(403);
      expect(await response.text()).toBe('Forbidden');
    }
    const expired = await fetch(linkTo(attachment.id, { now: Date.now() - (LINK_LIFETIME_SECONDS + 1) * 1000 }));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toBe('Forbidden');
  });

  it('answers 404 for a valid link whose entry does not list the file', async () => {
    const response = await fetch(linkTo(attachment.id, { entryId: 'essay-2022:another-entry' }));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not found');
  });

  it('answers 304 to a reader that has the bytes already (the id is the ETag)', async () => {
    // node:http, not fetch: fetch marks a conditional request no-cache, which rightly forbids a 304.
    const request = get(linkTo(attachment.id), { headers: { 'if-none-match': `"${attachment.id}"` } });
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    response.resume();
    expect(response.statusCode).toBe(304);
  });

  it('answers 410 with a plain Chinese text for a file erased with its entry, though other entries still serve it', async () => {
    const before = lines.length;
    const gone = await fetch(linkTo(attachment.id, { entryId: ERASED_ENTRY, inline: true }));
    expect(gone.status).toBe(410);
    expect(gone.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(gone.headers.get('cache-control')).toBe('no-store');
    expect(gone.headers.get('content-disposition')).toBeNull();
    expect(await gone.text()).toMatch(/^文件已删除/);
    expect(lines.slice(before).map((line) => JSON.parse(line).msg)).not.toContain('file read');
    // Shared bytes: the entry not erased still reads them; a file the erased entry never listed is still 404.
    const kept = await fetch(linkTo(attachment.id));
    expect(kept.status).toBe(200);
    expect(Buffer.from(await kept.arrayBuffer())).toEqual(video);
    expect((await fetch(linkTo(docx.id, { entryId: ERASED_ENTRY }))).status).toBe(404);
  });
});
