import { once } from 'node:events';
import type { ReadModelQueries } from '@qingmiao/projections';
import type { Attachment } from '@qingmiao/schema';
import archiver from 'archiver';
import { create as contentDisposition } from 'content-disposition';
import express from 'express';
import type { Logger } from 'pino';
import type { AccessLog } from '../access-log.ts';
import { type Authenticator, Unauthenticated } from '../auth.ts';
import type { BlobStore } from './blob-store.ts';
import { sanitisedFileName } from './file-names.ts';

/** One file of a campaign's entries and the school whose entry carries it. */
export interface CampaignFile {
  readonly school: string;
  readonly attachment: Attachment;
}

export interface CampaignZipOptions {
  readonly authenticator: Authenticator;
  readonly blobStore: BlobStore;
  readonly accessLog: AccessLog;
  /** The files the campaign's entries carry now (school names as organizers see them); undefined: no such campaign. */
  readonly filesOf: (campaignId: string) => readonly CampaignFile[] | undefined;
  readonly logger: Logger;
}

/**
 * The files the campaign's live entries carry, by school name (organizers see everything), without the files erased
 * with their entries' personal data; undefined: no campaign.
 */
export function campaignFiles(read: ReadModelQueries, campaignId: string): CampaignFile[] | undefined {
  if (!read.campaign(campaignId)) return undefined;
  return read
    .entries(campaignId)
    .filter((entry) => entry.status === 'LIVE')
    .flatMap((entry) => {
      const school = read.school(entry.schoolId)?.name ?? entry.schoolId;
      return entry.attachments
        .filter((attachment) => !read.isFileErased(entry.id, attachment.id))
        .map((attachment) => ({ school, attachment }));
    });
}

/** `name` made unique among `taken` by a ` (2)`, ` (3)`… before its extension. */
function unique(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let copy = 2; taken.has(candidate.toLowerCase()); copy++) candidate = `${stem} (${copy})${extension}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * Where each file goes in the zip: a folder per school, the files under their names, repeated names numbered
 * (compared without case, as Windows and macOS unpack them). Folder and file names are single path segments.
 */
export function zipLayout(files: readonly CampaignFile[]): { path: string; file: CampaignFile }[] {
  const folders = new Map<string, Set<string>>();
  return files.map((file) => {
    const folder = sanitisedFileName(file.school.replace(/[/\\]/g, '_'));
    const taken = folders.get(folder) ?? new Set<string>();
    folders.set(folder, taken);
    return { path: `${folder}/${unique(sanitisedFileName(file.attachment.name), taken)}`, file };
  });
}

/**
 * `GET /reports/campaigns/{id}/files.zip` (organizers, Bearer token as the other reports): every file of the
 * campaign's entries in one zip, a folder per school, streamed as it is written (files stored as they are: PDFs,
 * images and videos are compressed already). Recorded in the access log as an export before it is sent.
 */
export function campaignZipRoutes(options: CampaignZipOptions): express.Router {
  const router = express.Router();
  router.get('/campaigns/:campaignId/files.zip', async (req, res) => {
    let role: string;
    let actor: string;
    try {
      ({ role, sub: actor } = await options.authenticator.authenticate(req.get('authorization')));
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({ error: { code: 'UNAUTHENTICATED', message: error.message } });
      return;
    }
    if (role !== 'organizer') {
      res.status(403).json({ error: { code: 'FORBIDDEN', message: 'Only organizers download a campaign’s files' } });
      return;
    }
    const { campaignId } = req.params;
    const files = options.filesOf(campaignId);
    if (!files) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: `No campaign ${campaignId}` } });
      return;
    }
    options.accessLog.record({
      actor,
      role: 'organizer',
      action: 'EXPORT',
      subject: req.baseUrl + req.path,
      address: req.ip,
    });
    const zip = archiver('zip', { store: true });
    res.set({
      'Content-Type': 'application/zip',
      'Content-Disposition': contentDisposition(`${campaignId}-files.zip`, { fallback: false }),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    zip.pipe(res);
    zip.on('warning', (warning) => options.logger.warn({ err: warning }, 'campaign zip'));
    try {
      for (const { path, file } of zipLayout(files)) {
        if (res.destroyed) break;
        // One file open at a time: the next is read once the zip has taken the last.
        zip.append(await options.blobStore.read(file.attachment.id), { name: path });
        await once(zip, 'entry');
      }
      await zip.finalize();
    } catch (error) {
      // The answer has begun: a cut connection is the only way left to say the zip is incomplete.
      options.logger.error({ err: error, campaignId }, 'campaign zip failed');
      zip.abort();
      res.destroy();
    }
  });
  return router;
}
