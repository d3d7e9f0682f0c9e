import { env } from 'cloudflare:test';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runBlobStoreContract } from './blob-stores.test-support.js';
import { createR2BlobStore } from './r2-blob-store.js';

// Each store of the contract gets its own prefix in the local bucket: it lists only its own blobs.
runBlobStoreContract('r2 (Worker binding, in workerd)', async () => ({
  store: createR2BlobStore(env.BLOBS, { prefix: `contract/${crypto.randomUUID()}` }),
  cleanup: async () => undefined,
}));

describe('r2 blob store: layout and integrity', () => {
  const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

  it('keeps blobs under <prefix>/ab/<sha256>, the layout of the disk and S3 stores', async () => {
    const prefix = `/layout/${crypto.randomUUID()}/`;
    const store = createR2BlobStore(env.BLOBS, { prefix });
    const bytes = crypto.randomBytes(2048);
    const key = await store.put(sha(bytes), bytes);
    const object = await env.BLOBS.get(`${prefix.slice(1)}${key.slice(0, 2)}/${key}`);
    expect(object).not.toBeNull();
    expect(Buffer.compare(Buffer.from((await object?.arrayBuffer()) ?? new ArrayBuffer(0)), bytes)).toBe(0);
    const listed: { key: string; modifiedAt: Date }[] = [];
    for await (const item of store.list()) listed.push(item);
    expect(listed.map((i) => i.key)).toEqual([key]);
    expect(listed[0]?.modifiedAt).toBeInstanceOf(Date);
  });

  it('refuses bytes that are not what the key says (R2 checks the sha256)', async () => {
    const store = createR2BlobStore(env.BLOBS, { prefix: `mismatch/${crypto.randomUUID()}` });
    await expect(store.put(sha(Buffer.from('one')), Buffer.from('two'))).rejects.toThrow();
    expect(await store.has(sha(Buffer.from('one')))).toBe(false);
  });

  it('ignores objects in the bucket that are not blobs', async () => {
    const prefix = `foreign/${crypto.randomUUID()}`;
    await env.BLOBS.put(`${prefix}/notes.txt`, 'not a blob');
    const store = createR2BlobStore(env.BLOBS, { prefix });
    const listed: string[] = [];
    for await (const item of store.list()) listed.push(item.key);
    expect(listed).toEqual([]);
  });
});
