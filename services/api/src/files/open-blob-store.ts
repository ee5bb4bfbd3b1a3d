import type { QingmiaoConfig } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { openFolderBlobStore } from './folder-blob-store.ts';
import { openS3BlobStore } from './s3-blob-store.ts';

/** The blob store QINGMIAO_FILES names: the data dir's `files` folder (the default) or an S3-compatible bucket. */
export function openBlobStore(config: Pick<QingmiaoConfig, 'dataDir' | 'files'>): BlobStore {
  return config.files.kind === 's3'
    ? openS3BlobStore(config.files, config.dataDir)
    : openFolderBlobStore(config.dataDir);
}
