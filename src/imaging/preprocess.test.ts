import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  photographDocument,
  pngHeaderClaiming,
  renderDocument,
  withExifOrientation,
} from '../../test/support/images.js';
import { editingSoftware } from './exif.js';
import { toOcrPoint, toOriginalBox } from './image-transform.js';
import { ImageError, type PreparedImage, preprocessImage, rotatePrepared } from './preprocess.js';

/** Grey pixels of an encoded image reduced to n×n, for comparing images. */
async function thumb(image: Buffer, n = 48): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(image).greyscale().resize(n, n, { fit: 'fill' }).toColourspace('b-w').raw().toBuffer(),
  );
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

async function pixel(prepared: PreparedImage, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(prepared.ocrImage).raw().toBuffer({ resolveWithObject: true });
  const xi = Math.min(info.width - 1, Math.max(0, Math.round(x)));
  const yi = Math.min(info.height - 1, Math.max(0, Math.round(y)));
  return data[(yi * info.width + xi) * info.channels] ?? -1;
}

/**
 * A photo with a known geometry: white paper (with ruled text-like bars) rotated by `deg`
 * on a dark desk, and a black square marker at a known frame position on the paper.
 */
async function markerPhoto(deg: number) {
  const W = 1000;
  const H = 1300;
  const cx = 500;
  const cy = 650;
  const marker = { x: 430, y: 800, size: 40 };
  const bars = Array.from(
    { length: 12 },
    (_, i) =>
      `<rect x="${-300}" y="${-420 + i * 50}" width="${200 + ((i * 137) % 380)}" height="16" fill="#222"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <rect width="${W}" height="${H}" fill="#5a4030"/>
    <g transform="translate(${cx} ${cy}) rotate(${deg})">
      <rect x="-360" y="-500" width="720" height="1000" fill="#ebe6da"/>${bars}
    </g>
    <rect x="${marker.x}" y="${marker.y}" width="${marker.size}" height="${marker.size}" fill="#000"/>
  </svg>`;
  return { image: await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer(), marker };
}

describe('preprocessImage', () => {
  let doc: Buffer;
  beforeAll(async () => {
    doc = await renderDocument({ width: 900 });
  });

  it('crops to the paper, keeps it upright and returns a one-channel PNG with timings', async () => {
    const photo = await photographDocument(doc, { docWidthFraction: 0.6 });
    const p = await preprocessImage(photo.image);
    const meta = await sharp(p.ocrImage).metadata();
    expect(meta.format).toBe('png');
    expect(meta.channels).toBe(1);
    expect([meta.width, meta.height]).toEqual([p.width, p.height]);
    expect(p.source).toMatchObject({ format: 'jpeg', width: 1200, height: 1600, exifOrientation: null });
    // Crop within 3 % of the paper's true box.
    const [x, y, w, h] = p.transform.crop;
    const [dx, dy, dw, dh] = photo.docBox;
    const tol = 0.03 * Math.max(dw, dh);
    expect(Math.abs(x - dx)).toBeLessThan(tol);
    expect(Math.abs(y - dy)).toBeLessThan(tol);
    expect(Math.abs(x + w - (dx + dw))).toBeLessThan(tol);
    expect(Math.abs(y + h - (dy + dh))).toBeLessThan(tol);
    // Scaled so the cropped document's long edge is 1600 px.
    expect(Math.max(p.width, p.height)).toBeGreaterThanOrEqual(1590);
    expect(Math.max(p.width, p.height)).toBeLessThanOrEqual(1610);
    expect(p.timingsMs.total).toBeGreaterThan(0);
  });

  it('honours maxLongEdge and does not enlarge a small document more than twice', async () => {
    const photo = await photographDocument(doc, { docWidthFraction: 0.6 });
    const small = await preprocessImage(photo.image, { maxLongEdge: 800 });
    expect(Math.max(small.width, small.height)).toBeLessThanOrEqual(810);
    const tiny = await sharp(photo.image).resize(300).jpeg().toBuffer();
    const up = await preprocessImage(tiny);
    expect(up.transform.scale).toBe(2);
    expect(Math.max(up.width, up.height)).toBeLessThan(2 * 400 + 10);
  });

  it('gives the same upright result for every EXIF orientation 1–8', async () => {
    const photo = await photographDocument(doc, { docWidthFraction: 0.6, frameWidth: 600, frameHeight: 800 });
    const upright = await sharp(photo.image).jpeg({ quality: 92 }).toBuffer();
    const reference = await preprocessImage(await withExifOrientation(upright, 1));
    const refThumb = await thumb(reference.ocrImage);
    // The test can fail: the same result turned upside down is far from the reference.
    const flipped = await thumb(await sharp(reference.ocrImage).rotate(180).toBuffer());
    expect(meanAbsDiff(refThumb, flipped)).toBeGreaterThan(10);
    for (let orientation = 1; orientation <= 8; orientation++) {
      const stored = await withExifOrientation(upright, orientation);
      const raw = await sharp(stored).metadata();
      if (orientation >= 5) expect([raw.width, raw.height]).toEqual([800, 600]);
      const p = await preprocessImage(stored);
      expect(p.source.exifOrientation).toBe(orientation);
      expect([p.source.width, p.source.height]).toEqual([600, 800]);
      expect(Math.abs(p.width - reference.width)).toBeLessThanOrEqual(4);
      expect(Math.abs(p.height - reference.height)).toBeLessThanOrEqual(4);
      expect(meanAbsDiff(refThumb, await thumb(p.ocrImage)), `orientation ${orientation}`).toBeLessThan(4);
    }
  });

  it('deskews a rotated document and maps OCR boxes back onto the original', async () => {
    for (const deg of [5, -3]) {
      const { image, marker } = await markerPhoto(deg);
      const p = await preprocessImage(image);
      expect(p.transform.deskewDegrees).toBeCloseTo(-deg, 0);
      // Where the forward transform puts the marker, the OCR image is black…
      const centre = toOcrPoint(p.transform, [marker.x + marker.size / 2, marker.y + marker.size / 2]);
      expect(await pixel(p, centre[0], centre[1])).toBeLessThan(60);
      // …and paper two marker-widths to the right.
      const side = marker.size * 2 * p.transform.scale;
      expect(await pixel(p, centre[0] + side, centre[1])).toBeGreaterThan(150);
      // The marker's box on the OCR image maps back to its box on the original.
      const half = (marker.size / 2) * p.transform.scale * 0.9;
      const back = toOriginalBox(p.transform, [centre[0] - half, centre[1] - half, 2 * half, 2 * half]);
      expect(Math.abs(back[0] + back[2] / 2 - (marker.x + marker.size / 2))).toBeLessThan(3);
      expect(Math.abs(back[1] + back[3] / 2 - (marker.y + marker.size / 2))).toBeLessThan(3);
    }
  });

  it('keeps black text and fades a red seal (red channel)', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#f4f1ea"/>
      <rect x="100" y="100" width="600" height="40" fill="#111"/><circle cx="400" cy="380" r="120" fill="#d42020"/>
      <rect x="100" y="530" width="600" height="20" fill="#111"/></svg>`;
    const p = await preprocessImage(await sharp(Buffer.from(svg)).png().toBuffer());
    const at = (x: number, y: number) => toOcrPoint(p.transform, [x, y]);
    const [bx, by] = at(400, 120);
    const [sx, sy] = at(400, 380);
    expect(await pixel(p, bx, by)).toBeLessThan(40);
    expect(await pixel(p, sx, sy)).toBeGreaterThan(180);
  });

  it('applies an orientation fix found later and keeps box mapping right', async () => {
    const { image, marker } = await markerPhoto(0);
    const p = await preprocessImage(image);
    const turned = await rotatePrepared(p, 1);
    expect(turned.transform.quarterTurns).toBe(1);
    expect([turned.width, turned.height]).toEqual([p.height, p.width]);
    const meta = await sharp(turned.ocrImage).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([p.height, p.width, 1]);
    const centre = toOcrPoint(turned.transform, [marker.x + marker.size / 2, marker.y + marker.size / 2]);
    expect(await pixel(turned, centre[0], centre[1])).toBeLessThan(60);
    const back = await rotatePrepared(turned, 3);
    expect(back.transform.quarterTurns).toBe(0);
    expect(meanAbsDiff(await thumb(back.ocrImage), await thumb(p.ocrImage))).toBeLessThan(1);
    expect(back.paperBox).toEqual(p.paperBox);
  });

  it('reports editing software from EXIF', async () => {
    const base = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
      .jpeg()
      .withExif({ IFD0: { Software: 'Adobe Photoshop 25.0 (Windows)' } })
      .toBuffer();
    const p = await preprocessImage(base);
    expect(p.source.software).toContain('Photoshop');
    expect(editingSoftware(p.source.software)).toBe('Photoshop');
    const meitu = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
      .jpeg()
      .withExif({ IFD0: { Software: 'Meitu 美图秀秀' } })
      .toBuffer();
    expect(editingSoftware((await preprocessImage(meitu)).source.software)).toBe('Meitu');
    const plain = await preprocessImage(await sharp(base).jpeg().toBuffer());
    expect(plain.source.software).toBeNull();
  });
});

describe('undecodable uploads', () => {
  async function codeOf(bytes: Buffer, options?: Parameters<typeof preprocessImage>[1]): Promise<string> {
    const error = await preprocessImage(bytes, options).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImageError);
    return (error as ImageError).code;
  }

  it('refuses a truncated JPEG', async () => {
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c88' } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="800" height="600"><text x="20" y="300" font-size="80">成绩 553</text></svg>',
          ),
        },
      ])
      .jpeg()
      .toBuffer();
    expect(await codeOf(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toBe('IMAGE_UNDECODABLE');
  });

  it('refuses random bytes and SVG', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 251));
    expect(await codeOf(random)).toBe('IMAGE_UNDECODABLE');
    expect(
      await codeOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')),
    ).toBe('IMAGE_UNDECODABLE');
  });

  it('refuses a PNG whose header claims 100000×100000 pixels before decoding', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(await codeOf(pngHeaderClaiming(100_000, 100_000))).toBe('IMAGE_TOO_LARGE');
    // The limit is the caller's: a small one refuses a normal image too.
    expect(await codeOf(png, { maxInputPixels: 32 })).toBe('IMAGE_TOO_LARGE');
  });
});
