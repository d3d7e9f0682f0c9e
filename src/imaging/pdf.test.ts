import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildPdf } from '../../test/hostile-pdfs.test-support.js';
import { PdfError, readPdf } from './pdf.js';
import { isUsableTextLayer, normaliseCjk, PDF_TEXT_SCALE } from './pdf-text.js';

function stream(content: Buffer | string, dict = ''): Buffer {
  const data = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
  return Buffer.concat([
    Buffer.from(`<< /Length ${data.length} ${dict}>>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/** A4 page, Helvetica text lines at given positions (PDF points, origin bottom-left). */
function textPdf(lines: Array<{ x: number; y: number; size: number; text: string }>, pages = 1): Buffer {
  const content = lines.map((l) => `BT /F1 ${l.size} Tf ${l.x} ${l.y} Td (${l.text}) Tj ET`).join('\n');
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(' ');
  const objects: Array<string | Buffer> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  for (let i = 0; i < pages; i++) {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
      stream(content),
    );
  }
  return buildPdf(objects);
}

async function imagePdf(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><rect width="600" height="400" fill="#fff"/><text x="40" y="120" font-size="48" font-family="Noto Sans CJK SC">毕业证书 2021</text></svg>`;
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
    stream('q 300 0 0 200 0 0 cm /Im1 Do Q'),
    stream(
      jpeg,
      '/Type /XObject /Subtype /Image /Width 600 /Height 400 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode ',
    ),
  ]);
}

describe('readPdf', () => {
  it('returns the text layer with pixel boxes, grouped into lines in reading order', async () => {
    const pdf = textPdf([
      // Given out of order: the second row first, and a row's right part before its left part.
      { x: 72, y: 700, size: 12, text: 'Total score: 553' },
      { x: 300, y: 760, size: 20, text: 'Report 2022' },
      { x: 72, y: 760, size: 20, text: 'CET-4 Score' },
    ]);
    const doc = await readPdf(pdf);
    expect(doc.pageCount).toBe(1);
    const page = doc.pages[0];
    if (page?.kind !== 'text') throw new Error(`expected a text page, got ${page?.kind}`);
    const r = page.result;
    expect(r.engine).toBe('pdf-text');
    expect(r.width).toBe(595 * PDF_TEXT_SCALE);
    expect(r.height).toBe(842 * PDF_TEXT_SCALE);
    expect(r.lines.map((l) => l.text)).toEqual(['CET-4 Score Report 2022', 'Total score: 553']);
    expect(r.text).toBe('CET-4 Score Report 2022\nTotal score: 553');
    const [first, second] = r.lines;
    // "CET-4 Score" at x = 72 pt, baseline 760 pt from the bottom, 20 pt font → top-left pixels.
    const [x, y, w, h] = first?.words[0]?.box ?? [0, 0, 0, 0];
    expect(x).toBeCloseTo(72 * PDF_TEXT_SCALE, 0);
    expect(y).toBeCloseTo((842 - 760 - 20) * PDF_TEXT_SCALE, 0);
    expect(h).toBeCloseTo(20 * PDF_TEXT_SCALE, 0);
    expect(w).toBeGreaterThan(100 * PDF_TEXT_SCALE);
    expect(w).toBeLessThan(140 * PDF_TEXT_SCALE);
    expect(second?.box[1]).toBeGreaterThan((first?.box[1] ?? 0) + (first?.box[3] ?? 0) - 1);
  });

  it('renders a page without a text layer to PNG for OCR', async () => {
    const doc = await readPdf(await imagePdf(), { renderDpi: 144 });
    const page = doc.pages[0];
    if (page?.kind !== 'image') throw new Error(`expected an image page, got ${page?.kind}`);
    expect([page.width, page.height]).toEqual([600, 400]);
    const meta = await sharp(page.image).metadata();
    expect(meta.format).toBe('png');
    const stats = await sharp(page.image).greyscale().stats();
    // White page with black text drawn from the embedded JPEG: dark pixels exist.
    expect(stats.channels[0]?.min).toBeLessThan(60);
    expect(stats.channels[0]?.max).toBeGreaterThan(240);
  });

  it('refuses more pages than allowed with PDF_TOO_MANY_PAGES', async () => {
    const pdf = textPdf([{ x: 72, y: 700, size: 12, text: 'Page text long enough' }], 3);
    await expect(readPdf(pdf, { maxPages: 2 })).rejects.toMatchObject({ code: 'PDF_TOO_MANY_PAGES' });
    await expect(readPdf(pdf, { maxPages: 3 })).resolves.toMatchObject({ pageCount: 3 });
  });

  it('refuses corrupt and truncated files with PDF_INVALID', async () => {
    const good = textPdf([{ x: 72, y: 700, size: 12, text: 'Some text here' }]);
    for (const bad of [
      Buffer.from('%PDF-1.4\ngarbage that is not a pdf'),
      Buffer.from('hello'),
      good.subarray(0, 60),
    ]) {
      const error = await readPdf(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PdfError);
      expect((error as PdfError).code).toBe('PDF_INVALID');
    }
  });

  it('refuses a page with more drawing operators than allowed, before extracting or drawing it', async () => {
    const content = Array.from({ length: 3000 }, (_, i) => `${i % 500} 10 1 1 re f`).join('\n');
    const pdf = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
      stream(content),
    ]);
    await expect(readPdf(pdf, { maxOperatorsPerPage: 1000 })).rejects.toMatchObject({
      name: 'PdfError',
      code: 'PDF_TOO_COMPLEX',
    });
    await expect(readPdf(pdf, { maxOperatorsPerPage: 10_000 })).resolves.toMatchObject({ pageCount: 1 });
  });

  it('draws a page larger than maxPixels at the scale that fits', async () => {
    const pdf = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      // 5000 pt square: 190 MP at 200 dpi.
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 5000 5000] /Contents 4 0 R >>',
      stream('0 0 100 100 re f'),
    ]);
    const doc = await readPdf(pdf, { maxPixels: 1_000_000 });
    const page = doc.pages[0];
    if (page?.kind !== 'image') throw new Error(`expected an image page, got ${page?.kind}`);
    expect(page.width).toBe(page.height);
    expect(page.width * page.height).toBeLessThanOrEqual(1_000_000);
    expect(page.width).toBeGreaterThan(990);
  });

  it('refuses encrypted PDFs with PDF_ENCRYPTED', async () => {
    const pdf = buildPdf(
      [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [] /Count 0 >>',
        '<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>',
      ],
      '/Encrypt 3 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ',
    );
    await expect(readPdf(pdf)).rejects.toMatchObject({ name: 'PdfError', code: 'PDF_ENCRYPTED' });
  });
});

describe('text layer checks', () => {
  it('accepts CJK and ASCII text and rejects replacement / private-use garbage', () => {
    expect(isUsableTextLayer('全国大学英语四、六级考试成绩报告单')).toBe(true);
    expect(isUsableTextLayer('Total score 553 Listening 186')).toBe(true);
    expect(isUsableTextLayer('短')).toBe(false);
    expect(isUsableTextLayer('\uFFFD\uFFFD\uFFFD成绩报告单\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD')).toBe(
      false,
    );
    expect(isUsableTextLayer('\uE001\uE002\uE003\uE004\uE005\uE006\uE007\uE008\uE009\uE00A\uE00B')).toBe(
      false,
    );
  });

  it('folds radical look-alikes into unified ideographs', () => {
    // ⻓⻔ (CJK Radicals Supplement) and ⼤⼈ (Kangxi Radicals) as some PDF producers emit them.
    expect(normaliseCjk('\u2ED3\u2ED4 \u2F24\u2F08 \u2EE9')).toBe('长门 大人 黄');
    expect(normaliseCjk('成绩 553')).toBe('成绩 553');
  });
});
