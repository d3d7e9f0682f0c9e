import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIPLOMA_ROWS, photographDocument, renderDocument } from '../../test/support/images.js';
import { hammingDistance, hashPixels, perceptualHash, SAME_DOCUMENT_MAX_DISTANCE } from './phash.js';
import { preprocessImage } from './preprocess.js';

async function documentHash(photo: Buffer): Promise<string> {
  const prepared = await preprocessImage(photo);
  return perceptualHash(prepared.ocrImage, prepared.paperBox);
}

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(() => hammingDistance('xyz', '0000000000000000')).toThrow(RangeError);
  });

  it('hashes a flat image and its negative-gradient counterpart far apart', () => {
    const ramp = Float64Array.from({ length: 1024 }, (_, i) => (i % 32) * 8);
    const reversed = Float64Array.from({ length: 1024 }, (_, i) => (31 - (i % 32)) * 8);
    expect(hashPixels(ramp)).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance(hashPixels(ramp), hashPixels(reversed))).toBeGreaterThan(
      SAME_DOCUMENT_MAX_DISTANCE,
    );
  });
});

describe('perceptualHash of prepared documents', () => {
  let cet: Buffer;
  let diploma: Buffer;
  let baseHash: string;
  let basePhoto: Buffer;
  beforeAll(async () => {
    cet = await renderDocument({ width: 1000 });
    diploma = await renderDocument({
      width: 1400,
      aspect: 0.7,
      title: '普通高等学校毕业证书',
      rows: DIPLOMA_ROWS,
    });
    basePhoto = (await photographDocument(cet)).image;
    baseHash = await documentHash(basePhoto);
  });

  it('stays close for the same paper re-encoded, resized, shifted, rotated or dimmer', async () => {
    const variants = {
      jpegQ50: await sharp(basePhoto).jpeg({ quality: 50 }).toBuffer(),
      resized60: await sharp(basePhoto).resize(720).jpeg().toBuffer(),
      shifted: (await photographDocument(cet, { centerX: 0.53, centerY: 0.47 })).image,
      rotated2: (await photographDocument(cet, { rotateDeg: 2 })).image,
      rotatedMinus4OtherDesk: (await photographDocument(cet, { rotateDeg: -4, seed: 7 })).image,
      dim: (await photographDocument(cet, { brightness: 0.6, noise: 3 })).image,
    };
    for (const [name, photo] of Object.entries(variants)) {
      const d = hammingDistance(baseHash, await documentHash(photo));
      expect(d, name).toBeLessThanOrEqual(SAME_DOCUMENT_MAX_DISTANCE);
    }
  });

  it('is far for a different document', async () => {
    const other = (await photographDocument(diploma, { frameWidth: 1600, frameHeight: 1200 })).image;
    expect(hammingDistance(baseHash, await documentHash(other))).toBeGreaterThan(
      2 * SAME_DOCUMENT_MAX_DISTANCE,
    );
  });
});
