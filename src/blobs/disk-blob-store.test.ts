import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBlobStoreContract } from './blob-stores.test-support.js';
import { createDiskBlobStore } from './disk-blob-store.js';

runBlobStoreContract('disk', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
  return {
    store: createDiskBlobStore(root),
    cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});

describe('disk blob store', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

  it('stores the same file uploaded many times at once', async () => {
    const store = createDiskBlobStore(root);
    const bytes = Buffer.from('same bytes');
    const keys = await Promise.all(Array.from({ length: 20 }, () => store.put(sha('same bytes'), bytes)));
    expect(new Set(keys).size).toBe(1);
    expect(await store.get(sha('same bytes'))).toEqual(bytes);
  });

  it('removes half-written uploads older than the cut-off, and nothing else', async () => {
    const store = createDiskBlobStore(root);
    const key = await store.put(sha('kept'), Buffer.from('kept'));
    const shard = path.join(root, key.slice(0, 2));
    const stale = path.join(shard, `${key}.123.abc.tmp`);
    const fresh = path.join(shard, `${key}.456.def.tmp`);
    fs.writeFileSync(stale, 'partial');
    fs.writeFileSync(fresh, 'partial');
    const hourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(stale, hourAgo, hourAgo);

    expect(await store.removeStaleTemporaries?.(new Date(Date.now() - 60_000))).toBe(1);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(await store.has(key)).toBe(true);
  });
});
