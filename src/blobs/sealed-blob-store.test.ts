import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSealer } from '../privacy/sealer.js';
import { runBlobStoreContract } from './blob-stores.test-support.js';
import { createDiskBlobStore } from './disk-blob-store.js';
import {
  blobWrappingKeyId,
  openBlob,
  openBlobStream,
  rewrapBlob,
  SEALED_BLOB_MAGIC,
  sealBlob,
  sealBlobStream,
} from './sealed-blob-format.js';
import { createSealedBlobStore } from './sealed-blob-store.js';

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const ringA = createSealer([keyA]);

runBlobStoreContract('sealed, over disk', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
  return {
    store: createSealedBlobStore(createDiskBlobStore(root), ringA),
    cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Seals with 1 KiB chunks, so a few KiB make several; returns the header length too. */
async function sealSmallChunks(bytes: Buffer, key: string) {
  const parts: Buffer[] = [];
  for await (const part of sealBlobStream([bytes], key, ringA, 1024)) parts.push(part);
  return { sealed: Buffer.concat(parts), headerLength: parts[0]?.length ?? 0 };
}

describe('sealed blob format', () => {
  it('round-trips any length, chunk boundaries included, and streams', async () => {
    for (const length of [0, 1, 1023, 1024, 1025, 4096, 5000]) {
      const bytes = crypto.randomBytes(length);
      const { sealed } = await sealSmallChunks(bytes, sha(bytes));
      expect(sealed.subarray(0, 8).equals(SEALED_BLOB_MAGIC)).toBe(true);
      expect((await openBlob(sealed, sha(bytes), ringA)).equals(bytes)).toBe(true);
      // Read through a stream in odd-sized pieces, as from a file or a bucket.
      const pieces = Readable.from(
        Array.from({ length: Math.ceil(sealed.length / 333) }, (_, i) =>
          sealed.subarray(i * 333, (i + 1) * 333),
        ),
      );
      expect((await collect(openBlobStream(pieces, sha(bytes), ringA))).equals(bytes)).toBe(true);
    }
  });

  it('refuses a blob cut at a chunk boundary, with a chunk dropped, repeated or moved, or a bit flipped', async () => {
    const bytes = crypto.randomBytes(3 * 1024 + 100);
    const key = sha(bytes);
    const { sealed, headerLength } = await sealSmallChunks(bytes, key);
    const sealedChunk = 1024 + 16;
    const chunk = (i: number) =>
      sealed.subarray(headerLength + i * sealedChunk, headerLength + (i + 1) * sealedChunk);
    const header = sealed.subarray(0, headerLength);
    const last = sealed.subarray(headerLength + 3 * sealedChunk);
    const flipped = Buffer.from(sealed);
    flipped[headerLength + 10] = (flipped[headerLength + 10] ?? 0) ^ 1;
    const damaged = [
      Buffer.concat([header, chunk(0), chunk(1), chunk(2)]),
      Buffer.concat([header, chunk(0), chunk(2), last]),
      Buffer.concat([header, chunk(0), chunk(0), chunk(2), last]),
      Buffer.concat([header, chunk(1), chunk(0), chunk(2), last]),
      flipped,
      sealed.subarray(0, headerLength + 5),
    ];
    for (const bytesAtRest of damaged) {
      await expect(openBlob(bytesAtRest, key, ringA)).rejects.toThrow(/does not authenticate|cut short/);
    }
  });

  it('binds an envelope to its name and its data key: copied under another key, or without the key, it does not open', async () => {
    const bytes = crypto.randomBytes(2000);
    const sealed = await sealBlob(bytes, sha(bytes), ringA);
    await expect(openBlob(sealed, sha(Buffer.from('other')), ringA)).rejects.toThrow(/does not authenticate/);
    await expect(openBlob(sealed, sha(bytes), createSealer([keyB]))).rejects.toThrow(/no key/);
  });

  it('re-wraps only the key: the chunks stay, and the new data key alone opens it', async () => {
    const bytes = crypto.randomBytes(5000);
    const sealed = await sealBlob(bytes, sha(bytes), ringA);
    const rotated = createSealer([keyB, keyA]);
    const rewrapped = rewrapBlob(sealed, rotated);
    expect(blobWrappingKeyId(rewrapped, rotated)).toBe(rotated.currentKeyId);
    expect(rewrapped.subarray(rewrapped.length - 4000).equals(sealed.subarray(sealed.length - 4000))).toBe(
      true,
    );
    expect((await openBlob(rewrapped, sha(bytes), createSealer([keyB]))).equals(bytes)).toBe(true);
  });
});

describe('sealed blob store', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses bytes that are not what the key says, and stores nothing', async () => {
    const store = createSealedBlobStore(createDiskBlobStore(root), ringA);
    await expect(store.put(sha(Buffer.from('other bytes')), Buffer.from('the real bytes'))).rejects.toThrow(
      /do not hash/,
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('reseal seals a plain original, re-wraps an older key, and leaves a current one', async () => {
    const disk = createDiskBlobStore(root);
    const plain = crypto.randomBytes(3000);
    await disk.put(sha(plain), plain);
    const older = crypto.randomBytes(3000);
    await createSealedBlobStore(disk, ringA).put(sha(older), older);

    const store = createSealedBlobStore(disk, createSealer([keyB, keyA]));
    expect(await store.reseal(sha(plain), { dryRun: true })).toBe('sealed');
    expect((await disk.get(sha(plain))).equals(plain)).toBe(true);
    expect(await store.reseal(sha(plain), { dryRun: false })).toBe('sealed');
    expect(await store.reseal(sha(older), { dryRun: false })).toBe('rewrapped');
    expect(await store.reseal(sha(older), { dryRun: false })).toBe('current');
    expect(await store.reseal(sha(Buffer.from('gone')), { dryRun: false })).toBe('missing');

    const withNewKeyOnly = createSealedBlobStore(disk, createSealer([keyB]));
    expect((await withNewKeyOnly.get(sha(plain))).equals(plain)).toBe(true);
    expect((await withNewKeyOnly.get(sha(older))).equals(older)).toBe(true);
  });
});
