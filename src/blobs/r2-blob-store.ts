import { Buffer } from 'node:buffer';
import type { R2Bucket } from '@cloudflare/workers-types/latest';
import { blobKeyAt, blobPath } from './blob-keys.js';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';

/**
 * Blobs in an R2 bucket through a Worker binding, under `<prefix>/ab/abcdef…`: the layout of the
 * disk and S3 stores, so the cluster writing originals to the same bucket through R2's S3 API
 * (BLOB_STORE=s3, S3_ENDPOINT=https://<account>.r2.cloudflarestorage.com) and the edge reading
 * them through the binding see the same keys.
 */
export function createR2BlobStore(bucket: R2Bucket, options: { prefix: string }): BlobStore {
  const trimmed = options.prefix.replace(/^\/+|\/+$/g, '');
  const prefix = trimmed ? `${trimmed}/` : '';
  const objectKey = (key: string) => prefix + blobPath(key);
  return {
    name: 'r2',
    async put(sha256, bytes) {
      // Written even when present, as the S3 store does, so the upload time is fresh for the stray
      // sweeper; R2 checks the bytes against the key (the sha256) and refuses a mismatch.
      await bucket.put(objectKey(sha256), bytes, {
        sha256,
        httpMetadata: { contentType: 'application/octet-stream' },
      });
      return sha256;
    },
    async get(key) {
      const object = await bucket.get(objectKey(key));
      if (!object) throw new BlobNotFoundError(key);
      return Buffer.from(await object.arrayBuffer());
    },
    async has(key) {
      return (await bucket.head(objectKey(key))) !== null;
    },
    async delete(key) {
      await bucket.delete(objectKey(key));
    },
    async *list() {
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
        for (const object of page.objects) {
          const key = blobKeyAt(object.key.slice(prefix.length));
          if (key) yield { key, modifiedAt: object.uploaded };
        }
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    },
  };
}
