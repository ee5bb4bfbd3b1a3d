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

/**
 * Whose uploads an actor's are, and so which files they may attach: a school's own, or the organizers' office;
 * judges and viewers upload nothing.
 */
export function uploadOwnerOf(actor: Actor): UploadOwner | undefined {
  if (actor.role === 'organizer') return { organizers: true };
  if (actor.role === 'school' && actor.schoolId !== undefined) return { schoolId: actor.schoolId };
  return undefined;
}

const unknown = (ids: readonly string[]): AttachmentLookup[] => ids.map(() => ({ missing: 'unknown' }));

/** Without an upload registry no file has been uploaded: every id is unknown. */
export const NO_UPLOADS: Uploads = { attachmentsFor: async (_owner, ids) => unknown(ids) };

/** The registry's answer for each id `actor` names; an actor without uploads of their own knows no file. */
export function lookUpAttachments(uploads: Uploads, actor: Actor, ids: readonly string[]) {
  const owner = uploadOwnerOf(actor);
  if (ids.length === 0 || !owner) return Promise.resolve(unknown(ids));
  return uploads.attachmentsFor(owner, ids);
}
