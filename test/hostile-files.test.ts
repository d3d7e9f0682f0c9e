import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CODES } from '../src/http/problems.js';
import { makeTextPng, pngHeaderClaiming, seededRandom } from './support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from './support/test-services.js';

/**
 * Hostile uploads, generated here (nothing large committed): each must end in a defined 4xx
 * problem or a finished verification (a verdict, or a recorded failure code). Never a 500, never
 * a crash, and the server still serves a normal upload afterwards.
 */

/** A PDF from object bodies (1-based) with a correct cross-reference table. */
function buildPdf(objects: string[], trailerExtra = ''): Buffer {
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** `pages` A4 pages each with one line of text; `declaredCount` may lie about how many there are. */
function textPdf(pages: number, options: { catalogExtra?: string; declaredCount?: number } = {}): Buffer {
  const content = 'BT /F1 18 Tf 72 760 Td (Receipt 2024-06-01 Total 38.00) Tj ET';
  const stream = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  const kids = Array.from({ length: pages }, (_, i) => `${5 + i} 0 R`).join(' ');
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R ${options.catalogExtra ?? ''}>>`,
    `<< /Type /Pages /Kids [${kids}] /Count ${options.declaredCount ?? pages} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    stream,
  ];
  for (let i = 0; i < pages; i++) {
    objects.push(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>',
    );
  }
  return buildPdf(objects);
}

const truncated = (bytes: Buffer, share = 0.6) => bytes.subarray(0, Math.floor(bytes.length * share));

/** Flips bits past the first 64 bytes (the signature survives, the data does not). */
function bitFlipped(bytes: Buffer, seed: number, flips = 24): Buffer {
  const out = Buffer.from(bytes);
  const random = seededRandom(seed);
  for (let i = 0; i < flips; i++) {
    const at = 64 + Math.floor(random() * (out.length - 64));
    out[at] = (out[at] ?? 0) ^ (1 << Math.floor(random() * 8));
  }
  return out;
}

/** Sets the EXIF orientation value (little-endian IFD entry 0x0112, SHORT) to an impossible one. */
function withOrientation(jpeg: Buffer, value: number): Buffer {
  const entry = jpeg.indexOf(Buffer.from([0x12, 0x01, 0x03, 0x00]));
  if (entry < 0) throw new Error('no orientation entry');
  const out = Buffer.from(jpeg);
  out.writeUInt16LE(value, entry + 8);
  return out;
}

async function corpus(): Promise<Array<[string, Buffer]>> {
  const page = await makeTextPng('Receipt 2024-06-01 Total 38.00', 480, 300);
  const jpeg = await sharp(page).jpeg({ quality: 85 }).toBuffer();
  const png = await sharp(page).png().toBuffer();
  const webp = await sharp(page).webp().toBuffer();
  const tiff = await sharp(page).tiff({ compression: 'lzw' }).toBuffer();
  const pdf = textPdf(1);
  const frames = Buffer.alloc(32 * 64 * 3, 200);
  frames.fill(20, 0, 32 * 32 * 3);
  const animated = sharp(frames, { raw: { width: 32, height: 64, channels: 3, pageHeight: 32 } });
  const gif = await animated
    .clone()
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
  const animatedWebp = await sharp(gif, { animated: true }).webp().toBuffer();
  const zip = Buffer.concat([
    Buffer.from('504b0304', 'hex'),
    Buffer.alloc(26),
    Buffer.from('payload.exe'),
    Buffer.alloc(64, 0x41),
  ]);
  const jpegWithPdf = Buffer.concat([
    jpeg.subarray(0, 2),
    // a COM segment carrying a whole PDF, then the real JPEG
    Buffer.from([0xff, 0xfe, (pdf.length + 2) >> 8, (pdf.length + 2) & 0xff]),
    pdf,
    jpeg.subarray(2),
  ]);
  const exifBase = await sharp(page).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  return [
    ['zero bytes', Buffer.alloc(0)],
    [
      'one pixel PNG',
      await sharp({ create: { width: 1, height: 1, channels: 3, background: 'white' } })
        .png()
        .toBuffer(),
    ],
    ['truncated JPEG', truncated(jpeg)],
    ['bit-flipped JPEG', bitFlipped(jpeg, 1)],
    ['truncated PNG', truncated(png)],
    ['bit-flipped PNG', bitFlipped(png, 2)],
    ['truncated WebP', truncated(webp)],
    ['bit-flipped WebP', bitFlipped(webp, 3)],
    ['truncated TIFF', truncated(tiff)],
    ['bit-flipped TIFF', bitFlipped(tiff, 4)],
    ['truncated PDF', truncated(pdf)],
    ['bit-flipped PDF', bitFlipped(pdf, 5, 8)],
    ['decompression bomb: PNG declaring 30000×30000', pngHeaderClaiming(30_000, 30_000)],
    ['PNG declaring 2^31×2^31', pngHeaderClaiming(0x7fffffff, 0x7fffffff)],
    [
      'huge but allowed: 6000×6000 white PNG',
      await sharp({ create: { width: 6000, height: 6000, channels: 3, background: 'white' } })
        .greyscale()
        .png()
        .toBuffer(),
    ],
    [
      'absurd aspect: 20000×2 PNG',
      await sharp({ create: { width: 20_000, height: 2, channels: 3, background: 'white' } })
        .png()
        .toBuffer(),
    ],
    ['polyglot: PDF inside a JPEG comment', jpegWithPdf],
    ['polyglot: zip appended to a PNG', Buffer.concat([png, zip])],
    ['animated GIF', gif],
    ['animated WebP', animatedWebp],
    ['CMYK JPEG', await sharp(page).toColourspace('cmyk').jpeg().toBuffer()],
    ['16-bit PNG', await sharp(page).toColourspace('rgb16').png().toBuffer()],
    ['EXIF orientation 99', withOrientation(exifBase, 99)],
    [
      '60 KB EXIF',
      await sharp(page)
        .jpeg()
        .withExif({ IFD0: { ImageDescription: 'x'.repeat(60_000) } })
        .toBuffer(),
    ],
    [
      'PDF with a JavaScript open action',
      textPdf(1, { catalogExtra: '/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ' }),
    ],
    ['PDF with 3000 pages', textPdf(3000)],
    ['PDF with 3000 pages declaring 1', textPdf(3000, { declaredCount: 1 })],
  ];
}

type Outcome = { http: number; code?: string; verdict?: string | null; failure?: { code: string } | null };

let t: TestApp;
let cases: Array<[string, Buffer]>;
beforeAll(async () => {
  // Intake's page count gives up after PDF_INSPECT_TIMEOUT_MS and lets the job decide; the outcomes
  // fixed below include intake's refusals, so it has all the time it needs here.
  t = await createTestApp({ env: { MAX_WAIT_SECONDS: '60', PDF_INSPECT_TIMEOUT_MS: '10000' } });
  cases = await corpus();
}, 120_000);
afterAll(() => t.close());

let uploads = 0;
async function upload(file: Buffer): Promise<Outcome> {
  uploads++;
  const res = await t.app.request('/v1/verifications', {
    method: 'POST',
    headers: { ...t.auth('client'), prefer: 'wait=60' },
    body: uploadForm({ file: fileBlob(file), subjectId: `hostile-${uploads}` }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 202) return { ...body, http: res.status };
  // Not finished within the wait: poll until it is (the runner must still finish it).
  const id = String(body.id);
  for (let i = 0; i < 240; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await t.app.request(`/v1/verifications/${id}`, { headers: t.auth('client') });
    const current = (await again.json()) as Outcome & { status: string };
    if (current.status === 'completed' || current.status === 'failed') return { ...current, http: 201 };
  }
  return { http: 202 };
}

describe('hostile files', () => {
  it('each ends in a defined 4xx problem or a finished verification; memory stays bounded; a normal upload still works', async () => {
    // Warm up first (OCR models load on first use), so the bound is about what the corpus leaves behind.
    expect((await upload(await makeTextPng())).http).toBe(201);
    const rssBefore = process.memoryUsage().rss;
    const results: Record<string, string> = {};
    for (const [name, bytes] of cases) {
      const outcome = await upload(bytes);
      if (outcome.http >= 400 && outcome.http < 500) {
        const code = outcome.code as keyof typeof PROBLEM_CODES | undefined;
        expect(code && PROBLEM_CODES[code]?.status, `${name}: ${JSON.stringify(outcome)}`).toBe(outcome.http);
        results[name] = `${outcome.http} ${code}`;
      } else {
        expect(outcome.http, `${name}: ${JSON.stringify(outcome)}`).toBe(201);
        const finished = Boolean(outcome.verdict) || Boolean(outcome.failure?.code);
        expect(finished, `${name}: ${JSON.stringify(outcome)}`).toBe(true);
        results[name] = outcome.verdict ? `verdict ${outcome.verdict}` : `failed ${outcome.failure?.code}`;
      }
    }
    // The outcomes the contract fixes, whatever the rest turns into.
    expect(results).toMatchObject({
      'zero bytes': '400 FILE_EMPTY',
      'decompression bomb: PNG declaring 30000×30000': '413 IMAGE_TOO_LARGE',
      'PNG declaring 2^31×2^31': expect.stringMatching(/^(413 IMAGE_TOO_LARGE|422 IMAGE_UNDECODABLE)$/),
      'animated GIF': '415 FILE_TYPE_UNSUPPORTED',
      'PDF with 3000 pages': '422 PDF_TOO_MANY_PAGES',
      'truncated JPEG': '422 IMAGE_UNDECODABLE',
    });

    const normal = await upload(await makeTextPng());
    expect(normal.http).toBe(201);
    expect(normal.verdict).toBeTruthy();

    const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(grownMb, JSON.stringify(results, null, 1)).toBeLessThan(600);
  }, 600_000);
});
