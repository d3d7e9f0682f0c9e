import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';
import { runBlobStoreContract } from './blob-stores.test-support.js';
import { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
import { type S3TestEndpoint, startS3TestEndpoint } from './s3-endpoint.test-support.js';

const BUCKET = 'docverify-blobs';
/** Small pages, so every listing of more than two blobs takes the paginator through continuation tokens. */
const PAGE_SIZE = 2;

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

// The store takes credentials from the SDK's default chain, as in production: here its first link, the environment.
function useCredentials(endpoint: S3TestEndpoint) {
  vi.stubEnv('AWS_ACCESS_KEY_ID', endpoint.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', endpoint.credentials.secretAccessKey);
}

function storeOn(endpoint: S3TestEndpoint, options: Partial<S3BlobStoreOptions> = {}): BlobStore {
  return createS3BlobStore({
    bucket: BUCKET,
    prefix: '',
    region: 'us-east-1',
    endpoint: endpoint.url,
    forcePathStyle: true,
    ...options,
  });
}

/** The object the fake endpoint holds for a blob, to inspect or tamper with. */
function objectOf(endpoint: S3TestEndpoint, key: string, prefix = '') {
  const object = endpoint.bucket(BUCKET).get(`${prefix}${key.slice(0, 2)}/${key}`);
  if (!object) throw new Error(`blob ${key} is not in the bucket`);
  return object;
}

async function listAll(store: BlobStore) {
  const items: { key: string; modifiedAt: Date }[] = [];
  for await (const item of store.list()) items.push(item);
  return items;
}

async function keysOf(store: BlobStore): Promise<string[]> {
  return (await listAll(store)).map((item) => item.key).sort();
}

runBlobStoreContract('s3 (S3-compatible endpoint over HTTP)', async () => {
  const endpoint = await startS3TestEndpoint({ buckets: [BUCKET], pageSize: PAGE_SIZE });
  useCredentials(endpoint);
  return {
    store: storeOn(endpoint, { prefix: 'docverify/blobs' }),
    cleanup: async () => {
      vi.unstubAllEnvs();
      await endpoint.close();
    },
  };
});

describe('s3 blob store', () => {
  let endpoint: S3TestEndpoint;

  beforeAll(async () => {
    endpoint = await startS3TestEndpoint({ buckets: [BUCKET, 'other'], pageSize: PAGE_SIZE });
  });
  afterAll(() => endpoint.close());
  beforeEach(() => useCredentials(endpoint));
  afterEach(() => {
    vi.unstubAllEnvs();
    endpoint.bucket(BUCKET).clear();
    endpoint.requests.length = 0;
  });

  it('keeps blobs under <prefix>/ab/<sha256> with their content type and SHA-256, in the path style', async () => {
    const store = storeOn(endpoint, { prefix: '/docverify/blobs/' });
    const bytes = crypto.randomBytes(1000);
    const key = await store.put(sha(bytes), bytes);

    const object = objectOf(endpoint, key, 'docverify/blobs/');
    expect(object.contentType).toBe('application/octet-stream');
    expect(object.checksums.sha256).toBe(Buffer.from(key, 'hex').toString('base64'));
    expect(endpoint.requests[0]).toMatchObject({
      method: 'PUT',
      path: `/${BUCKET}/docverify/blobs/${key.slice(0, 2)}/${key}`,
    });
  });

  it('puts the bucket in the path when forcePathStyle is set, even for a host-name endpoint', async () => {
    // Without it the SDK would address http://docverify-blobs.localhost:PORT (the virtual-host style);
    // an IP endpoint takes the path style anyway, so this test uses the name.
    const store = storeOn(endpoint, { endpoint: endpoint.url.replace('127.0.0.1', 'localhost') });
    const bytes = Buffer.from('path style');
    const key = await store.put(sha(bytes), bytes);
    expect(Buffer.compare(await store.get(key), bytes)).toBe(0);
    expect(endpoint.requests.map((r) => [r.method, r.path, r.headers.host])).toEqual([
      ['PUT', `/${BUCKET}/${key.slice(0, 2)}/${key}`, endpoint.url.replace('http://127.0.0.1', 'localhost')],
      ['GET', `/${BUCKET}/${key.slice(0, 2)}/${key}`, endpoint.url.replace('http://127.0.0.1', 'localhost')],
    ]);
  });

  it('stores bytes that do not hash to their key (a sealed original) with the SHA-256 of what it sent', async () => {
    // The key names the original; sealed-blob-store.ts checks that and hands over ciphertext.
    const store = storeOn(endpoint);
    const bytes = Buffer.from('an envelope of the original');
    const key = sha(Buffer.from('the original'));
    await store.put(key, bytes);
    expect(objectOf(endpoint, key).checksums.sha256).toBe(
      crypto.createHash('sha256').update(bytes).digest('base64'),
    );
    expect((await store.get(key)).equals(bytes)).toBe(true);
  });

  it('refuses to return bytes that were corrupted in the store', async () => {
    const store = storeOn(endpoint);
    const bytes = Buffer.from('kept intact?');
    const key = await store.put(sha(bytes), bytes);
    objectOf(endpoint, key).bytes = Buffer.from('kept intact!');
    await expect(store.get(key)).rejects.toThrow(/checksum/i);
  });

  it('turns NoSuchKey into BlobNotFoundError, but a missing bucket stays an S3 error', async () => {
    const store = storeOn(endpoint);
    const key = sha(Buffer.from('never stored'));
    const error = await store.get(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobNotFoundError);
    expect(error).toMatchObject({ key });
    expect(endpoint.requests.at(-1)).toMatchObject({ method: 'GET', status: 404 });

    const noBucket = storeOn(endpoint, { bucket: 'no-such-bucket' });
    await expect(noBucket.get(key)).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('deletes idempotently', async () => {
    const store = storeOn(endpoint);
    const bytes = Buffer.from('delete me twice');
    const key = await store.put(sha(bytes), bytes);
    await store.delete(key);
    await store.delete(key);
    expect(await store.has(key)).toBe(false);
  });

  it('refreshes the modified time when the same content is put again', async () => {
    const store = storeOn(endpoint);
    const bytes = Buffer.from('uploaded twice');
    const key = await store.put(sha(bytes), bytes);
    objectOf(endpoint, key).lastModified = new Date('2020-01-01T00:00:00Z');

    await store.put(key, bytes);
    const [item] = await listAll(store);
    expect(item?.key).toBe(key);
    expect(item?.modifiedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('lists over several pages, with each blob once and its last-modified time', async () => {
    const store = storeOn(endpoint);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const bytes = Buffer.from(`blob ${i}`);
      keys.push(await store.put(sha(bytes), bytes));
    }
    endpoint.requests.length = 0;

    const items = await listAll(store);
    expect(items.map((item) => item.key).sort()).toEqual(keys.sort());
    for (const item of items) expect(item.modifiedAt).toBeInstanceOf(Date);
    const pages = endpoint.requests.filter((r) => r.query.get('list-type') === '2');
    expect(pages).toHaveLength(3);
    expect(pages.map((r) => r.query.has('continuation-token'))).toEqual([false, true, true]);
  });

  it('isolates stores that share a bucket under different prefixes', async () => {
    const a = storeOn(endpoint, { prefix: 'tenant-a' });
    const b = storeOn(endpoint, { prefix: 'tenant-b/' });
    const root = storeOn(endpoint);
    const shared = Buffer.from('in both');
    const onlyA = Buffer.from('only in a');
    await a.put(sha(shared), shared);
    await a.put(sha(onlyA), onlyA);
    await b.put(sha(shared), shared);
    endpoint.bucket(BUCKET).set('tenant-a/notes.txt', {
      bytes: Buffer.from('not a blob'),
      lastModified: new Date(),
      etag: '"x"',
      contentType: 'text/plain',
      checksums: {},
    });

    expect(await keysOf(a)).toEqual([sha(shared), sha(onlyA)].sort());
    expect(await keysOf(b)).toEqual([sha(shared)]);
    expect(await keysOf(root)).toEqual([]);
    expect(await b.has(sha(onlyA))).toBe(false);
    await expect(b.get(sha(onlyA))).rejects.toBeInstanceOf(BlobNotFoundError);

    await a.delete(sha(shared));
    expect(await a.has(sha(shared))).toBe(false);
    expect(Buffer.compare(await b.get(sha(shared)), shared)).toBe(0);
  });

  it('signs with the credentials of the default chain, and has() reports a refusal instead of false', async () => {
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret');
    const store = storeOn(endpoint);
    const key = sha(Buffer.from('x'));
    await expect(store.has(key)).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(store.get(key)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });
});
