import type { Actor, Attachment } from '@qingmiao/schema';

/**
 * Whose uploads a file belongs to: a school's (its id) or the organizers' office (`organizers`). An entry may carry
 * only files uploaded by its school or by an organizer.
 */
export type UploadOwner = { readonly schoolId: string } | { readonly organizers: true };

/** What the upload registry answers for one id an entry names. */
export type AttachmentLookup =
  | { readonly found: Attachment }
  | { readonly missing: 'unknown' }
  | { readonly missing: 'foreign' };

/**
 * The upload registry (port): which files who uploaded, under which name, and when. Implemented in the API
 * (`files/upload-registry.ts`, uploads.db in the data dir); read by the entry commands to turn `attachmentIds` into
 * attachments, and by the sweeper to find uploads no entry refers to. Declared here, where the commands that read
 * it live, since the domain may not depend on the API.
 */
export interface Uploads {
  /**
   * Looks each id up for `owner`, in order: `foreign` when only others uploaded it. Marks the found uploads as just
   * used, so the sweeper cannot take a file between this lookup and the entry's event.
   */
  attachmentsFor(owner: UploadOwner, ids: readonly string[]): Promise<readonly AttachmentLookup[]>;
}

/** Whose uploads an actor who submits or revises entries may attach: a school its own, an organizer the office's. */
export function uploadOwnerOf(actor: Actor): UploadOwner {
  // A school token always names its school (Actor says so); '' would match no upload.
  return actor.role === 'school' ? { schoolId: actor.schoolId ?? '' } : { organizers: true };
}

/** Without an upload registry no file has been uploaded: every id is unknown. */
export const NO_UPLOADS: Uploads = {
  attachmentsFor: async (_owner, ids) => ids.map(() => ({ missing: 'unknown' }) as const),
};
