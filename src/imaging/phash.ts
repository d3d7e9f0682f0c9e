import sharp from 'sharp';
import type { Box } from '../ocr/ocr.types.js';

/**
 * Hamming distance at or below which two uploads show the same paper (hash the paper region:
 * `perceptualHash(prepared.ocrImage, prepared.paperBox)`). Measured (phash.test.ts, generated
 * CET report photo): re-encoded at JPEG q50 0 bits, resized to 60 % 0, shifted 3 % 0, rotated
 * 2° or −4° on another desk and deskewed 0, dimmed with noise 0; a diploma vs the CET report 30;
 * unrelated images average 32. Limit: at 32×32 the text is not resolved, so two papers of the
 * same layout with different names also land at 0–2: a match means "same layout and framing",
 * and the duplicate check must also compare the extracted fields.
 */
export const SAME_DOCUMENT_MAX_DISTANCE = 10;

const SIZE = 32;
const LOW = 8;
const INSET = 0.05;

/**
 * 64-bit DCT perceptual hash of a (preprocessed: cropped, deskewed, grey) document image, as 16
 * hex characters. Pass `region` = PreparedImage.paperBox to hash the paper only: the image is reduced to 32×32, the 8×8 lowest DCT frequencies (without the DC
 * term's influence on the median) are compared with their median.
 */
export async function perceptualHash(image: Buffer, region?: Box): Promise<string> {
  const meta = await sharp(image).metadata();
  const [rx, ry, rw, rh] = region ?? [0, 0, meta.width, meta.height];
  // Inside the paper, away from its edge: deskew wedges and desk are not the document.
  const dx = Math.floor(rw * INSET);
  const dy = Math.floor(rh * INSET);
  const left = Math.max(0, Math.round(rx + dx));
  const top = Math.max(0, Math.round(ry + dy));
  const flat = await sharp(image)
    .flatten({ background: '#ffffff' })
    .extract({
      left,
      top,
      width: Math.max(1, Math.min(meta.width - left, Math.round(rw - 2 * dx))),
      height: Math.max(1, Math.min(meta.height - top, Math.round(rh - 2 * dy))),
    })
    .toBuffer();
  const pixels = await sharp(flat)
    .greyscale()
    .resize(SIZE, SIZE, { fit: 'fill', kernel: 'cubic' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return hashPixels(Float64Array.from(pixels));
}

/** pHash of 32×32 grey pixels (row-major). */
export function hashPixels(pixels: Float64Array): string {
  if (pixels.length !== SIZE * SIZE) throw new RangeError(`Expected ${SIZE * SIZE} pixels.`);
  const coeffs: number[] = [];
  for (let u = 0; u < LOW; u++) {
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let y = 0; y < SIZE; y++) {
        const cy = COS[u * SIZE + y] ?? 0;
        for (let x = 0; x < SIZE; x++) sum += (pixels[y * SIZE + x] ?? 0) * cy * (COS[v * SIZE + x] ?? 0);
      }
      coeffs.push(sum);
    }
  }
  // Median of the 63 AC terms; the DC term (overall brightness) carries no layout.
  const ac = coeffs.slice(1).sort((a, b) => a - b);
  const median = ac[Math.floor(ac.length / 2)] ?? 0;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) {
      const c = coeffs[nibble * 4 + bit] ?? 0;
      value = (value << 1) | (c > median ? 1 : 0);
    }
    hex += value.toString(16);
  }
  return hex;
}

const COS = (() => {
  const table = new Float64Array(LOW * SIZE);
  for (let u = 0; u < LOW; u++)
    for (let x = 0; x < SIZE; x++) table[u * SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE));
  return table;
})();

/** Number of differing bits between two 16-hex-character hashes. */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/i.test(a) || !/^[0-9a-f]{16}$/i.test(b)) {
    throw new RangeError('Hashes must be 16 hexadecimal characters.');
  }
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (x > 0n) {
    count += Number(x & 1n);
    x >>= 1n;
  }
  return count;
}
