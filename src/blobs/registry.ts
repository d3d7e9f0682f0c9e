import type { BlobStore } from './blob-store.js';
import { createDiskBlobStore } from './disk-blob-store.js';
import { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

export type BlobStoreName = 'disk' | 's3';

/** What the factories read: the disk store its folder, the S3 store its bucket (config.blobs.s3). */
export interface BlobStoreOptions {
  root: string;
  s3: S3BlobStoreOptions | null;
}
export type BlobStoreFactory = (options: BlobStoreOptions) => BlobStore;

/** Every blob store docverify can use; BLOB_STORE picks one, disk by default. */
export const blobStores = {
  disk: ({ root }) => createDiskBlobStore(root),
  s3: ({ s3 }) => {
    if (!s3) throw new Error('the s3 blob store needs a bucket (S3_BUCKET)');
    return createS3BlobStore(s3);
  },
} satisfies Record<BlobStoreName, BlobStoreFactory>;
