import sharp from 'sharp';
import type { Box, OcrLine } from './ocr/ocr.types.js';
import type { OcrPool } from './ocr/pool.js';
import type { ReadPage } from './read-document.js';

/**
 * Lengths of the identifiers these documents print: 12 (old CHSI codes), 15 (CET tickets and
 * report numbers), 16 (degree numbers), 17 (legacy graduation numbers), 18 (ID and graduation
 * numbers). A digit run of another length next to them is most likely a misread one.
 */
const IDENTIFIER_LENGTHS = new Set([12, 15, 16, 17, 18]);
const DIGIT_RUN = /[0-9OoDQIlSBZ]{10,20}/g;
/** A re-read replaces the first reading only when the recogniser is this sure of it. */
const MIN_REREAD_CONFIDENCE = 0.9;
/** Ink darker than this (on the contrast-normalised OCR image) marks the text band of a crop. */
const INK_LEVEL = 110;

/**
 * Targeted OCR: a long number read with a length no identifier has (a dropped or doubled digit on
 * a tilted or loosely boxed line) is read again from a tight crop around just the number, with a
 * digits-only alphabet, and the better reading is kept. Measured on the CET sample photo: the
 * report number read as 13 digits in its line, 15 (correct, confidence 1.00) on re-read.
 */
export async function rereadSuspectNumbers(page: ReadPage, ocr: OcrPool): Promise<ReadPage> {
  if (!page.prepared) return page;
  const image = page.prepared.ocrImage;
  let changed = false;
  const lines: OcrLine[] = [];
  for (const line of page.ocr.lines) {
    let text = line.text;
    for (const run of [...line.text.matchAll(DIGIT_RUN)]) {
      const digits = run[0].replace(/\D/g, '');
      if (digits.length < run[0].length * 0.8 || IDENTIFIER_LENGTHS.has(run[0].length)) continue;
      const box = await tightenToInk(image, runBox(line, run.index, run[0].length));
      if (!box) continue;
      const reread = await ocr.recognizeRegion(image, box, { whitelist: '0123456789X' }).catch(() => null);
      const candidate = reread?.text.replace(/\s/g, '') ?? '';
      if (reread && reread.confidence >= MIN_REREAD_CONFIDENCE && IDENTIFIER_LENGTHS.has(candidate.length)) {
        text = text.replace(run[0], candidate);
        changed = true;
      }
    }
    lines.push(
      text === line.text
        ? line
        : { ...line, text, words: [{ text, box: line.box, confidence: line.confidence }] },
    );
  }
  if (!changed) return page;
  return { ...page, ocr: { ...page.ocr, lines, text: lines.map((l) => l.text).join('\n') } };
}

/** Where a run of characters sits in its line: CJK characters are about twice as wide as digits. */
function runBox(line: OcrLine, start: number, length: number): Box {
  const weight = (s: string) => [...s].reduce((n, c) => n + (c.charCodeAt(0) < 0x2e80 ? 1 : 1.9), 0);
  const total = weight(line.text) || 1;
  const [x, y, w, h] = line.box;
  const x0 = x + (w * weight(line.text.slice(0, start))) / total;
  const x1 = x + (w * weight(line.text.slice(0, start + length))) / total;
  const pad = Math.min(h, 40) * 0.5;
  return [x0 - 2 * pad, y - 0.3 * pad, x1 - x0 + 4 * pad, h + 0.6 * pad];
}

/** Shrinks a crop to the rows that hold ink: a tilted line's box is much taller than its text. */
async function tightenToInk(image: Buffer, box: Box): Promise<Box | null> {
  const meta = await sharp(image).metadata();
  const left = Math.max(0, Math.round(box[0]));
  const top = Math.max(0, Math.round(box[1]));
  const width = Math.min(meta.width - left, Math.round(box[2]));
  const height = Math.min(meta.height - top, Math.round(box[3]));
  if (width < 8 || height < 8) return null;
  const { data, info } = await sharp(image)
    .extract({ left, top, width, height })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const inkPerRow: number[] = [];
  for (let r = 0; r < info.height; r++) {
    let ink = 0;
    for (let c = 0; c < info.width; c++) if ((data[r * info.width + c] ?? 255) < INK_LEVEL) ink++;
    inkPerRow.push(ink);
  }
  const most = Math.max(...inkPerRow);
  const rows = inkPerRow.flatMap((ink, r) => (ink > most * 0.15 ? [r] : []));
  const first = rows[0];
  const last = rows.at(-1);
  if (first === undefined || last === undefined) return null;
  const margin = Math.round((last - first) * 0.25);
  const y0 = Math.max(0, first - margin);
  return [left, top + y0, width, Math.min(height - y0, last - first + 2 * margin)];
}
