import sharp from 'sharp';
import { OcrError } from './ocr/ocr.errors.js';
import type { Box, OcrLine } from './ocr/ocr.types.js';
import type { OcrPool } from './ocr/pool.js';
import type { ReadPage } from './read-document.js';

/**
 * Lengths of the identifiers these documents print: 12 (old CHSI codes), 15 (CET tickets and
 * report numbers), 16 (degree numbers), 17 (legacy graduation numbers), 18 (ID and graduation
 * numbers). A digit run of another length next to them is most likely a misread one.
 */
const IDENTIFIER_LENGTHS = new Set([12, 15, 16, 17, 18]);
/** 17 digits is a legacy (pre-2003) graduation number but far more often an 18-digit one that lost a digit. */
const TRUSTED_LENGTHS = new Set([12, 15, 16, 18]);
/** A line read less surely than this has its long numbers read again even when their length is plausible. */
const UNSURE_LINE = 0.85;
/** A run of digits (and their look-alikes), with the X an ID number may end in. */
const DIGIT_RUN = /[0-9OoDQIlSBZ]{10,20}[Xx]?/g;
/** A re-read replaces the first reading only when the recogniser is this sure of it. */
const MIN_REREAD_CONFIDENCE = 0.9;
/** Ink darker than this (on the contrast-normalised OCR image) marks the text band of a crop. */
const INK_LEVEL = 110;

/** A line this much taller than the page's typical line is tilted (perspective the deskew could not undo). */
const TILTED_LINE_HEIGHT_RATIO = 1.5;
const MIN_TILTED_LINE_WIDTH = 300;
/** Lines read at least this confidently are left alone. */
const CONFIDENT_LINE = 0.97;
/** A re-read line must share this much of its characters with the first reading to stand for it. */
const MIN_SHARED_CHARACTERS = 0.35;

/**
 * Targeted OCR for a page: tilted long lines first (re-read straightened), then numbers of an
 * impossible length (re-read with digits only).
 */
export async function rereadPage(page: ReadPage, ocr: OcrPool): Promise<ReadPage> {
  return rereadSuspectNumbers(await rereadTiltedLines(page, ocr), ocr);
}

/**
 * A long line whose box is much taller than the page's typical line is tilted: the recogniser
 * reads it poorly (certificate bodies on photos taken at an angle). Each such line is cut out,
 * turned by the tilt its box implies (both ways: the box does not say which), and read again;
 * the reading that shares most characters with the first one and is more confident replaces it.
 * Measured on fixture 118-clean-grad: 学生类期额,性女,… (0.64) → 学生秦妍颖，性别女，一九九九年十月十九日生，… (1.00).
 */
export async function rereadTiltedLines(page: ReadPage, ocr: OcrPool): Promise<ReadPage> {
  if (!page.prepared) return page;
  const image = page.prepared.ocrImage;
  const heights = page.ocr.lines.map((l) => l.box[3]).sort((a, b) => a - b);
  const typical = heights[Math.floor(heights.length / 2)];
  if (!typical) return page;
  const meta = await sharp(image).metadata();
  let changed = false;
  const lines: OcrLine[] = [];
  for (const line of page.ocr.lines) {
    const [x, y, w, h] = line.box;
    if (
      w < MIN_TILTED_LINE_WIDTH ||
      h < typical * TILTED_LINE_HEIGHT_RATIO ||
      line.confidence >= CONFIDENT_LINE
    ) {
      lines.push(line);
      continue;
    }
    const degrees = (Math.atan((h - typical) / w) * 180) / Math.PI;
    const left = Math.max(0, Math.round(x - 10));
    const top = Math.max(0, Math.round(y - 10));
    const crop = await sharp(image)
      .extract({
        left,
        top,
        width: Math.min(meta.width - left, Math.round(w + 20)),
        height: Math.min(meta.height - top, Math.round(h + 20)),
      })
      .png()
      .toBuffer();
    let best: { text: string; confidence: number } = line;
    for (const sign of [1, -1]) {
      const turned = await sharp(crop)
        .rotate(sign * degrees, { background: '#ffffff' })
        .png()
        .toBuffer();
      const reread = await ocr.recognize(turned).catch(keepFirstReadingOnBadCrop);
      for (const candidate of reread?.lines ?? []) {
        if (sharedCharacters(line.text, candidate.text) < MIN_SHARED_CHARACTERS) continue;
        if (candidate.confidence > best.confidence) best = candidate;
      }
    }
    if (best === line) {
      lines.push(line);
    } else {
      changed = true;
      lines.push({
        ...line,
        text: best.text,
        confidence: best.confidence,
        words: [{ text: best.text, box: line.box, confidence: best.confidence }],
      });
    }
  }
  if (!changed) return page;
  return { ...page, ocr: { ...page.ocr, lines, text: lines.map((l) => l.text).join('\n') } };
}

/** Share of the first text's characters (as a multiset) found in the second. */
function sharedCharacters(first: string, second: string): number {
  const pool = new Map<string, number>();
  for (const c of second) pool.set(c, (pool.get(c) ?? 0) + 1);
  let shared = 0;
  let total = 0;
  for (const c of first) {
    if (/\s/.test(c)) continue;
    total += 1;
    const n = pool.get(c) ?? 0;
    if (n > 0) {
      shared += 1;
      pool.set(c, n - 1);
    }
  }
  return total ? shared / total : 0;
}

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
    let confidence = line.confidence;
    for (const run of [...line.text.matchAll(DIGIT_RUN)]) {
      const digits = run[0].replace(/\D/g, '');
      const trusted = TRUSTED_LENGTHS.has(run[0].length) && line.confidence >= UNSURE_LINE;
      if (digits.length < run[0].length * 0.8 || trusted) continue;
      const box = await tightenToInk(image, runBox(line, run.index, run[0].length));
      if (!box) continue;
      const reread = await ocr
        .recognizeRegion(image, box, { whitelist: '0123456789X' })
        .catch(keepFirstReadingOnBadCrop);
      const candidate = reread?.text.replace(/\s/g, '') ?? '';
      if (
        reread &&
        reread.confidence >= MIN_REREAD_CONFIDENCE &&
        acceptable(run[0].length, candidate.length)
      ) {
        text = text.replace(run[0], candidate);
        // When the number is most of the line, the line is as sure as the number's own reading.
        if (candidate.length * 2 >= text.length) confidence = Math.max(confidence, reread.confidence);
        changed = true;
      }
    }
    lines.push(
      text === line.text && confidence === line.confidence
        ? line
        : { ...line, text, confidence, words: [{ text, box: line.box, confidence }] },
    );
  }
  if (!changed) return page;
  return { ...page, ocr: { ...page.ocr, lines, text: lines.map((l) => l.text).join('\n') } };
}

/**
 * A number of a plausible length re-read (its line was unsure) must keep its length: the crop is
 * placed by estimate, and a crop that cut a digit off must not shorten a good number. A 17-digit
 * run may become 18; a run of an impossible length may become any identifier length.
 */
function acceptable(readLength: number, rereadLength: number): boolean {
  if (TRUSTED_LENGTHS.has(readLength)) return rereadLength === readLength;
  if (readLength === 17) return rereadLength === 17 || rereadLength === 18;
  return IDENTIFIER_LENGTHS.has(rereadLength);
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

/**
 * A crop the engine cannot read (outside the image, too small) leaves the first reading in place;
 * any other engine failure (timeout, overload, crash) fails the job like the first OCR would, so it
 * is retried rather than hidden.
 */
function keepFirstReadingOnBadCrop(error: unknown): null {
  if (error instanceof OcrError && error.code === 'OCR_BAD_IMAGE') return null;
  throw error;
}
