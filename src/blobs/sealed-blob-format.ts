import crypto from 'node:crypto';
import type { Sealer } from '../privacy/sealer.js';

/** What wraps a blob's own key: the data key ring (src/privacy/sealer.ts), so rotation works as for fields. */
export type BlobKeyWrapper = Pick<Sealer, 'seal' | 'open' | 'keyIdOf' | 'currentKeyId'>;

/**
 * A sealed original: envelope encryption, streamed in chunks (docs/adr/0005-keys-and-sealed-originals.md).
 *
 *   "DVSEAL1\n" | u16 length | wrapped key | u32 chunk size | nonce prefix (7) | chunk…
 *
 * The wrapped key is the blob's random 256-bit key sealed by the data key ring (the Sealer's
 * `v1.<keyId>.…` text), so it opens with any key in the ring and a rotation rewrites only it.
 * Each chunk is AES-256-GCM under the blob key, nonce = prefix ‖ u32 index ‖ u8 last, followed by
 * its 16-byte tag. Every chunk is full except the last (0 to chunk size bytes), and only the last
 * is sealed with last = 1, so cutting the blob at a chunk boundary, dropping, repeating or
 * reordering chunks all fail to authenticate (the STREAM construction). The additional data binds
 * every chunk to the blob's key in the store (the sha256 of the original): an envelope copied
 * under another name does not open.
 */
export const SEALED_BLOB_MAGIC = Buffer.from('DVSEAL1\n', 'latin1');
const DEFAULT_CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const NONCE_PREFIX_BYTES = 7;
/** Bounds a header may claim, so a damaged one cannot make a reader buffer gigabytes. */
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const MAX_WRAPPED_KEY_BYTES = 1024;

type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Originals are images or PDFs, whose own signatures never start with this. */
export function isSealedBlob(bytes: Uint8Array): boolean {
  return (
    bytes.length >= SEALED_BLOB_MAGIC.length &&
    Buffer.from(bytes.buffer, bytes.byteOffset, SEALED_BLOB_MAGIC.length).equals(SEALED_BLOB_MAGIC)
  );
}

interface Header {
  wrappedKey: string;
  chunkBytes: number;
  noncePrefix: Buffer;
  /** Length of the header in bytes; the chunks follow. */
  length: number;
}

function encodeHeader(wrappedKey: string, chunkBytes: number, noncePrefix: Buffer): Buffer {
  const wrapped = Buffer.from(wrappedKey, 'latin1');
  const lengths = Buffer.alloc(6);
  lengths.writeUInt16BE(wrapped.length, 0);
  lengths.writeUInt32BE(chunkBytes, 2);
  return Buffer.concat([
    SEALED_BLOB_MAGIC,
    lengths.subarray(0, 2),
    wrapped,
    lengths.subarray(2, 6),
    noncePrefix,
  ]);
}

/** The header at the start of `bytes`, or null when more bytes are needed. */
function decodeHeader(bytes: Buffer): Header | null {
  const start = SEALED_BLOB_MAGIC.length;
  if (bytes.length < start + 2) return null;
  if (!isSealedBlob(bytes)) throw new Error('not a sealed blob');
  const wrappedLength = bytes.readUInt16BE(start);
  if (wrappedLength > MAX_WRAPPED_KEY_BYTES) throw new Error('sealed blob header is damaged');
  const length = start + 2 + wrappedLength + 4 + NONCE_PREFIX_BYTES;
  if (bytes.length < length) return null;
  const chunkBytes = bytes.readUInt32BE(start + 2 + wrappedLength);
  if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES)
    throw new Error('sealed blob header is damaged');
  return {
    wrappedKey: bytes.subarray(start + 2, start + 2 + wrappedLength).toString('latin1'),
    chunkBytes,
    noncePrefix: Buffer.from(bytes.subarray(length - NONCE_PREFIX_BYTES, length)),
    length,
  };
}

function chunkCipher(blobKey: string, header: Pick<Header, 'chunkBytes' | 'noncePrefix'>) {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(header.chunkBytes);
  const aad = Buffer.concat([SEALED_BLOB_MAGIC, size, header.noncePrefix, Buffer.from(blobKey, 'latin1')]);
  const nonce = (index: number, last: boolean) => {
    if (index > 0xffffffff) throw new Error('sealed blob has too many chunks');
    const tail = Buffer.alloc(5);
    tail.writeUInt32BE(index, 0);
    tail[4] = last ? 1 : 0;
    return Buffer.concat([header.noncePrefix, tail]);
  };
  return {
    seal(key: Buffer, index: number, last: boolean, plaintext: Buffer): Buffer {
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce(index, last));
      cipher.setAAD(aad);
      return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    },
    open(key: Buffer, index: number, last: boolean, sealed: Buffer): Buffer {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce(index, last));
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new Error(
          `sealed blob ${blobKey} does not authenticate (chunk ${index}): damaged, cut short or not its own`,
        );
      }
    },
  };
}

/** Seals a stream of bytes; yields the header, then each chunk as soon as it is full. */
export async function* sealBlobStream(
  source: ByteSource,
  blobKey: string,
  wrapper: BlobKeyWrapper,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<Buffer> {
  const key = crypto.randomBytes(32);
  const noncePrefix = crypto.randomBytes(NONCE_PREFIX_BYTES);
  const cipher = chunkCipher(blobKey, { chunkBytes, noncePrefix });
  yield encodeHeader(wrapper.seal(key.toString('base64url')), chunkBytes, noncePrefix);
  let pending = Buffer.alloc(0);
  let index = 0;
  for await (const piece of source) {
    pending = pending.length ? Buffer.concat([pending, piece]) : Buffer.from(piece);
    // Strictly more than a chunk: the last chunk is only known at the end.
    while (pending.length > chunkBytes) {
      yield cipher.seal(key, index++, false, pending.subarray(0, chunkBytes));
      pending = pending.subarray(chunkBytes);
    }
  }
  yield cipher.seal(key, index, true, pending);
}

/**
 * Opens a sealed stream; yields each chunk's plaintext once it has authenticated. A reader must
 * treat what it got as whole only when the stream ends without an error (the last chunk proves it).
 */
export async function* openBlobStream(
  source: ByteSource,
  blobKey: string,
  wrapper: BlobKeyWrapper,
): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0);
  let header: Header | null = null;
  let key: Buffer | null = null;
  let cipher: ReturnType<typeof chunkCipher> | null = null;
  let index = 0;
  for await (const piece of source) {
    pending = pending.length ? Buffer.concat([pending, piece]) : Buffer.from(piece);
    if (!header) {
      header = decodeHeader(pending);
      if (!header) continue;
      key = Buffer.from(wrapper.open(header.wrappedKey), 'base64url');
      cipher = chunkCipher(blobKey, header);
      pending = pending.subarray(header.length);
    }
    const sealedChunk = header.chunkBytes + TAG_BYTES;
    while (cipher && key && pending.length > sealedChunk) {
      yield cipher.open(key, index++, false, pending.subarray(0, sealedChunk));
      pending = pending.subarray(sealedChunk);
    }
  }
  if (!header || !cipher || !key || pending.length < TAG_BYTES) {
    throw new Error(`sealed blob ${blobKey} is cut short`);
  }
  yield cipher.open(key, index, true, pending);
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

export function sealBlob(bytes: Buffer, blobKey: string, wrapper: BlobKeyWrapper): Promise<Buffer> {
  return collect(sealBlobStream([bytes], blobKey, wrapper));
}

export function openBlob(sealed: Buffer, blobKey: string, wrapper: BlobKeyWrapper): Promise<Buffer> {
  return collect(openBlobStream([sealed], blobKey, wrapper));
}

/** Id of the data key that wrapped the blob's key. */
export function blobWrappingKeyId(sealed: Buffer, wrapper: BlobKeyWrapper): string {
  const header = decodeHeader(sealed);
  if (!header) throw new Error('sealed blob header is cut short');
  return wrapper.keyIdOf(header.wrappedKey);
}

/** The same sealed blob with its key wrapped by the current data key; the chunks are untouched. */
export function rewrapBlob(sealed: Buffer, wrapper: BlobKeyWrapper): Buffer {
  const header = decodeHeader(sealed);
  if (!header) throw new Error('sealed blob header is cut short');
  const rewrapped = wrapper.seal(wrapper.open(header.wrappedKey));
  return Buffer.concat([
    encodeHeader(rewrapped, header.chunkBytes, header.noncePrefix),
    sealed.subarray(header.length),
  ]);
}
