import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';

/** The contract every blob store implementation passes. */
export function runBlobStoreContract(
  name: string,
  make: () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>,
) {
  describe(`blob store contract: ${name}`, () => {
    const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

    it('stores bytes under their sha256 and reads them back', async () => {
      const { store, cleanup } = await make();
      const bytes = crypto.randomBytes(4096);
      const key = await store.put(sha(bytes), bytes);
      expect(key).toBe(sha(bytes));
      expect(await store.has(key)).toBe(true);
      expect(Buffer.compare(await store.get(key), bytes)).toBe(0);
      await cleanup();
    });

    it('is idempotent: putting the same content twice keeps one blob', async () => {
      const { store, cleanup } = await make();
      const bytes = Buffer.from('same bytes');
      await store.put(sha(bytes), bytes);
      await store.put(sha(bytes), bytes);
      const keys: string[] = [];
      for await (const item of store.list()) keys.push(item.key);
      expect(keys).toEqual([sha(bytes)]);
      await cleanup();
    });

    it('throws BlobNotFoundError for a missing key and forgets deleted blobs', async () => {
      const { store, cleanup } = await make();
      const bytes = Buffer.from('to delete');
      const key = await store.put(sha(bytes), bytes);
      await store.delete(key);
      expect(await store.has(key)).toBe(false);
      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await cleanup();
    });

    it('refuses keys that are not sha256 hex (no path traversal)', async () => {
      const { store, cleanup } = await make();
      await expect(store.get('../../etc/passwd')).rejects.toThrow();
      await cleanup();
    });
  });
}
