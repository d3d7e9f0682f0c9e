import crypto from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { blobKeyAt, blobPath } from './blob-keys.js';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';

/**
 * Where the S3 store keeps blobs. Credentials are not here: the SDK's default chain finds them
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, an instance or task role).
 */
export interface S3BlobStoreOptions {
  bucket: string;
  /** A folder-like key prefix inside the bucket, e.g. `docverify/blobs`; '' keeps blobs at the bucket root. */
  prefix: string;
  /** null leaves the region to the SDK's chain (AWS_REGION, the profile). */
  region: string | null;
  /** An S3-compatible endpoint (MinIO, Cloudflare R2, Ceph RGW); null for AWS itself. */
  endpoint: string | null;
  /** Puts the bucket in the path (`http://host/bucket/key`) instead of the host name, as MinIO usually needs. */
  forcePathStyle: boolean;
}

/** Blobs as objects in one S3-compatible bucket, under `<prefix>/ab/abcdef…` (the disk store's layout). */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const client = new S3Client({
    region: options.region ?? undefined,
    endpoint: options.endpoint ?? undefined,
    forcePathStyle: options.forcePathStyle,
  });
  const Bucket = options.bucket;
  const prefix = folderPrefix(options.prefix);
  const objectKey = (key: string) => prefix + blobPath(key);
  return {
    name: 's3',
    async put(key, bytes) {
      // Uploaded even when the object exists: the overwrite refreshes LastModified (the disk store
      // rewrites the file), so the stray sweeper cannot take it before the new row points at it.
      // The checksum is of the bytes sent (a sealed original is not what its key hashes): the
      // store refuses what arrives damaged; sealed-blob-store.ts checks the key against the original.
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: objectKey(key),
          Body: bytes,
          ContentType: 'application/octet-stream',
          ChecksumSHA256: crypto.createHash('sha256').update(bytes).digest('base64'),
        }),
      );
      return key;
    },
    async get(key) {
      try {
        // ChecksumMode makes the SDK check the body against the SHA-256 stored with the object.
        const response = await client.send(
          new GetObjectCommand({ Bucket, Key: objectKey(key), ChecksumMode: 'ENABLED' }),
        );
        if (!response.Body) throw new Error(`S3 answered blob ${key} without a body`);
        const body = await response.Body.transformToByteArray();
        return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      } catch (error) {
        if (isS3Error(error, 'NoSuchKey')) throw new BlobNotFoundError(key);
        throw error;
      }
    },
    async has(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
        return true;
      } catch (error) {
        // A HEAD answer has no body, so a missing object is only its 404 (the SDK names it NotFound).
        if (isS3Error(error, 'NotFound')) return false;
        throw error;
      }
    },
    async delete(key) {
      // S3 answers 204 whether or not the object was there.
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
    async *list() {
      for await (const page of paginateListObjectsV2({ client }, { Bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          const key = object.Key?.startsWith(prefix) ? blobKeyAt(object.Key.slice(prefix.length)) : null;
          if (key && object.LastModified) yield { key, modifiedAt: object.LastModified };
        }
      }
    },
  };
}

/** '' or `a/b/`: slashes at either end trimmed, one put back at the end. */
function folderPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}

function isS3Error(error: unknown, name: 'NoSuchKey' | 'NotFound'): boolean {
  return error instanceof S3ServiceException && error.name === name;
}
