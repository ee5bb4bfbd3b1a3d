/**
 * The upload registry port (`Uploads`, with `UploadOwner` and `AttachmentLookup`) is declared in the domain, whose
 * entry commands look attachment ids up through it; the domain may not depend on the API. Implemented by
 * `upload-registry.ts` (uploads.db in the data dir).
 */
export type { AttachmentLookup, UploadOwner, Uploads } from '@qingmiao/domain';
