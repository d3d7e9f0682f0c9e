import crypto from 'node:crypto';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';
import {
  type BlobKeyWrapper,
  blobWrappingKeyId,
  isSealedBlob,
  openBlob,
  rewrapBlob,
  sealBlob,
} from './sealed-blob-format.js';

/** What a key rotation did to one blob. */
export type ResealOutcome = 'sealed' | 'rewrapped' | 'current' | 'missing';

export interface SealedBlobStore extends BlobStore {
  /**
   * Brings one blob under the current data key: a plain original (written before originals were
   * sealed) is sealed, a key wrapped by an older data key is wrapped again. `dryRun` only says which.
   */
  reseal(key: string, options: { dryRun: boolean }): Promise<ResealOutcome>;
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * Seals originals before they reach any store of the registry (disk, S3) and opens them on the
 * way back, so the bytes at rest are ciphertext wherever they live. The key stays the sha256 of
 * the original (content addressing, deduplication and idempotency are unchanged). Blobs stored
 * before this existed are plain: they are recognised by the missing header and still served,
 * once their bytes are checked against their key, so a plain file cannot stand in for a sealed one.
 */
export function createSealedBlobStore(inner: BlobStore, keys: BlobKeyWrapper): SealedBlobStore {
  const plainOriginal = (key: string, bytes: Buffer) => {
    if (sha256(bytes) !== key)
      throw new Error(`blob ${key} is neither sealed nor the original its key names`);
    return bytes;
  };
  const store: SealedBlobStore = {
    name: inner.name,
    async put(key, bytes) {
      // The key must say what the blob holds: below this point only ciphertext is seen.
      if (sha256(bytes) !== key) throw new Error(`the bytes given for blob ${key} do not hash to it`);
      return inner.put(key, await sealBlob(bytes, key, keys));
    },
    async get(key) {
      const stored = await inner.get(key);
      return isSealedBlob(stored) ? openBlob(stored, key, keys) : plainOriginal(key, stored);
    },
    has: (key) => inner.has(key),
    delete: (key) => inner.delete(key),
    list: () => inner.list(),
    async reseal(key, { dryRun }) {
      let stored: Buffer;
      try {
        stored = await inner.get(key);
      } catch (error) {
        if (error instanceof BlobNotFoundError) return 'missing';
        throw error;
      }
      if (!isSealedBlob(stored)) {
        if (!dryRun) await inner.put(key, await sealBlob(plainOriginal(key, stored), key, keys));
        return 'sealed';
      }
      if (blobWrappingKeyId(stored, keys) === keys.currentKeyId) return 'current';
      if (!dryRun) await inner.put(key, rewrapBlob(stored, keys));
      return 'rewrapped';
    },
  };
  if (inner.removeStaleTemporaries) {
    const removeStaleTemporaries = inner.removeStaleTemporaries.bind(inner);
    store.removeStaleTemporaries = (before) => removeStaleTemporaries(before);
  }
  return store;
}
