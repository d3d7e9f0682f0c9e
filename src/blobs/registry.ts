import type { BlobStore } from './blob-store.js';
import { createDiskBlobStore } from './disk-blob-store.js';

export type BlobStoreName = 'disk';
export type BlobStoreFactory = (options: { root: string }) => BlobStore;

export const blobStores = {
  disk: ({ root }) => createDiskBlobStore(root),
} satisfies Record<BlobStoreName, BlobStoreFactory>;
