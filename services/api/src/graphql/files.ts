import { rm } from 'node:fs/promises';
import { Forbidden, InvalidInput, uploadOwnerOf } from '@qingmiao/domain';
import type { Attachment } from '@qingmiao/schema';
import { GraphQLError } from 'graphql';
import { sanitisedFileName } from '../files/file-names.ts';
import { attachmentTypeOf } from '../files/media-types.ts';
import { StagedUpload } from '../files/multipart-upload.ts';
import { builder } from './builder.ts';

const notAFile = () =>
  new GraphQLError('file: must be the file part of a multipart request (GraphQL multipart request spec)', {
    extensions: { code: 'BAD_USER_INPUT', field: 'file' },
  });

builder.scalarType('File', {
  description:
    'A file sent as a part of a multipart request (the GraphQL multipart request spec: `operations`, `map`, then ' +
    'the file). Input only.',
  serialize: () => {
    throw new Error('File is an input type only');
  },
  parseValue: (value) => {
    if (value instanceof StagedUpload) return value;
    throw notAFile();
  },
  parseLiteral: () => {
    throw notAFile();
  },
});

const UploadedFile = builder.objectRef<Attachment>('UploadedFile').implement({
  description: 'A file received and kept: name it in `attachmentIds` of an entry within 24 hours.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The SHA-256 of the bytes, lowercase hex: the same file is the same id.' }),
    name: t.exposeString('name', {
      description: 'The name it was sent under, without any path, at most 200 characters.',
    }),
    mediaType: t.exposeString('mediaType', { description: 'Decided by the bytes, not the name.' }),
    size: t.exposeInt('size', { description: 'In bytes.' }),
  }),
});

builder.mutationField('uploadFile', (t) =>
  t.field({
    type: UploadedFile,
    description:
      'Organizers and schools: keeps a PDF, Word (.docx), JPEG, PNG, MP4 or MP3 file of at most ' +
      'QINGMIAO_UPLOAD_LIMIT (50 MB) sent as a multipart request with a `GraphQL-Require-Preflight` header. The ' +
      'type is read from the bytes (anything else is BAD_USER_INPUT on file); a larger file is refused with HTTP 413 ' +
      '(PAYLOAD_TOO_LARGE on file) while it streams; STORAGE_UNAVAILABLE (HTTP 503) when the file storage cannot ' +
      'be reached, and nothing is kept.',
    args: { file: t.arg({ type: 'File', required: true }) },
    resolve: async (_root, { file }, { actor, blobStore, uploads, fileLocks }) => {
      try {
        const owner = uploadOwnerOf(actor);
        if (!owner) throw new Forbidden('Only organizers and schools upload files');
        const mediaType = await attachmentTypeOf(file.path);
        if (!mediaType) throw new InvalidInput('file', 'must be a PDF, Word (.docx), JPEG, PNG, MP4 or MP3 file');
        const attachment = { id: file.id, name: sanitisedFileName(file.sentName), mediaType, size: file.size };
        await fileLocks.run(file.id, async () => {
          await blobStore.put(file.id, file.path);
          uploads.record(owner, attachment);
        });
        return attachment;
      } finally {
        // Kept files were consumed by put; a refused one goes before the answer does.
        await rm(file.path, { force: true });
      }
    },
  }),
);
