import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Attachment } from '@qingmiao/schema';
import { create as contentDisposition } from 'content-disposition';
import express from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { BlobNotFound, type BlobStore, BlobStoreUnavailable, type ByteRange } from './blob-store.ts';
import { previewable } from './media-types.ts';
import type { FileLink, FileLinks } from './signed-links.ts';

export interface FileRoutesOptions {
  readonly fileLinks: FileLinks;
  readonly blobStore: BlobStore;
  /**
   * The attachment the link's entry lists under the link's file id, named as the link's reader may see it (a
   * judge's blind name); undefined when there is no such entry or it does not list the file.
   */
  readonly attachmentOf: (link: FileLink) => Attachment | undefined | Promise<Attachment | undefined>;
  /** Whether the link's file was erased with its entry's personal data. */
  readonly isErased: (link: FileLink) => boolean;
  /** Requests per minute per reader of valid links, and per address for the others. */
  readonly perMinute: { readonly reader: number; readonly address: number };
  readonly logger: Logger;
  readonly now?: () => number;
}

type Locals = { link: FileLink };

/** What a link to an erased file answers: the reader is most likely on the web app, which speaks Chinese. */
const ERASED_FILE = '文件已删除：它随作品的个人信息一并删除了。';

/** Plain text answers with no details: a refused link says nothing about why or what it pointed at. */
const refuse = (res: express.Response, status: number, text: string) =>
  res.status(status).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(text);

/**
 * `GET /files/{id}?entry&reader&expires[&inline]&sig`: a file of an entry, for the reader a signed link was made
 * for, until it expires. Refused with 403 when the signature does not match or the link has expired, 404 when the
 * entry does not list the file or the file is gone, 410 when it was erased with the entry's personal data. Served as a download (inline only for PDF, images, audio and
 * video when the link asks), never sniffed, sandboxed if a browser shows it; ranges for video and audio seeking.
 */
export function fileRoutes(options: FileRoutesOptions): express.Router {
  const now = options.now ?? Date.now;
  const router = express.Router();

  router.get('/:id', (req, res: express.Response<unknown, Locals>, next) => {
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const link = options.fileLinks.check(req.params.id, query, now());
    if (typeof link === 'string') return refuse(res, 403, 'Forbidden');
    res.locals.link = link;
    next();
  });

  // Downloads are limited like requests: per reader of a valid link, per address otherwise.
  router.use(
    rateLimit({
      windowMs: 60_000,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req, res: express.Response<unknown, Partial<Locals>>) =>
        res.locals.link ? `reader:${res.locals.link.reader}` : `address:${ipKeyGenerator(req.ip ?? 'unknown')}`,
      limit: (_req, res: express.Response<unknown, Partial<Locals>>) =>
        res.locals.link ? options.perMinute.reader : options.perMinute.address,
      handler: (_req, res) => refuse(res, 429, 'Too many requests; retry later'),
    }),
  );

  router.get('/:id', async (req, res: express.Response<unknown, Locals>) => {
    const { link } = res.locals;
    try {
      const attachment = await options.attachmentOf(link);
      if (attachment && options.isErased(link)) return refuse(res, 410, ERASED_FILE);
      const size = attachment && (await options.blobStore.size(link.fileId));
      if (!attachment || size === undefined) return refuse(res, 404, 'Not found');
      options.logger.info({ reader: link.reader, entryId: link.entryId, fileId: link.fileId }, 'file read');
      const type = link.inline && previewable(attachment.mediaType) ? 'inline' : 'attachment';
      res.set({
        'Content-Type': attachment.mediaType,
        'Content-Disposition': contentDisposition(attachment.name, { type, fallback: false }),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': 'sandbox',
        'Cache-Control': 'private, max-age=600',
        'Accept-Ranges': 'bytes',
        // The id is the SHA-256 of the bytes: a strong validator for free.
        ETag: `"${link.fileId}"`,
      });
      if (req.fresh) return res.status(304).end();
      const range = byteRange(req, size);
      if (range === 'unsatisfiable') {
        return res.status(416).set('Content-Range', `bytes */${size}`).type('text/plain').end();
      }
      if (range) res.status(206).set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.set('Content-Length', String(range ? range.end - range.start + 1 : size));
      if (req.method === 'HEAD') return res.end();
      const bytes: Readable = await options.blobStore.read(link.fileId, range);
      await pipeline(bytes, res).catch((error: unknown) => {
        // A reader that goes away mid-file is no error of ours.
        if (!res.destroyed) throw error;
      });
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BlobNotFound) return refuse(res, 404, 'Not found');
      if (error instanceof BlobStoreUnavailable) {
        options.logger.error({ err: error }, 'file storage unavailable for a download');
        res.set('Retry-After', '30');
        return refuse(res, 503, 'File storage is unavailable; try again later');
      }
      throw error;
    }
  });

  return router;
}

/**
 * The one range a request asks for (express's `req.range`, range-parser underneath; overlapping ranges combined),
 * undefined for the whole file, including when it asks for several disjoint ranges (answered whole, as HTTP allows).
 */
function byteRange(req: express.Request, size: number): ByteRange | 'unsatisfiable' | undefined {
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === undefined || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  const [range] = ranges;
  return range && { start: range.start, end: range.end };
}
