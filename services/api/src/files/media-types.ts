import { AttachmentMediaType } from '@qingmiao/schema';
import { fileTypeFromFile } from 'file-type';

/**
 * The file's type as its bytes say (file-type's signatures; a Word document is told from other zip files by its
 * parts), when it is one an entry may carry; undefined for anything else, whatever its name or declared type.
 */
export async function attachmentTypeOf(path: string): Promise<AttachmentMediaType | undefined> {
  const detected = await fileTypeFromFile(path);
  const parsed = AttachmentMediaType.safeParse(detected?.mime);
  return parsed.success ? parsed.data : undefined;
}

/** Types a browser may show in the page (when the link asks for it) rather than save: PDF, images, audio, video. */
export const previewable = (mediaType: AttachmentMediaType): boolean =>
  /^(application\/pdf|image\/|audio\/|video\/)/.test(mediaType);
