import sharp from 'sharp';
import { OcrError } from '../../ocr/ocr.errors.js';
import type { Box, OcrLine, OcrResult } from '../../ocr/ocr.types.js';

/**
 * What every re-read strategy uses: crops of the OCR image, a line read anew, two readings compared.
 */

/** A page as the re-read sees it: its OCR, and the image OCR read (null for a PDF text layer). */
export interface RereadablePage {
  ocr: OcrResult;
  prepared: { ocrImage: Buffer } | null;
}

/** A re-read replaces the first reading only when the recogniser is this sure of it. */
export const MIN_REREAD_CONFIDENCE = 0.9;
/** Ink darker than this (on the contrast-normalised OCR image) marks the text band of a crop. */
export const INK_LEVEL = 110;

/**
 * Re-reads a page line by line with `reread`, which returns the line itself when it keeps the first
 * reading: then the page itself is returned.
 */
export async function rereadEachLine<P extends RereadablePage>(
  page: P,
  reread: (line: OcrLine, image: Buffer) => Promise<OcrLine>,
): Promise<P> {
  if (!page.prepared) return page;
  const image = page.prepared.ocrImage;
  const lines: OcrLine[] = [];
  for (const line of page.ocr.lines) lines.push(await reread(line, image));
  if (lines.every((line, i) => line === page.ocr.lines[i])) return page;
  return { ...page, ocr: { ...page.ocr, lines, text: lines.map((l) => l.text).join('\n') } };
}

/** A line read anew: one word, the whole box. */
export function withText(line: OcrLine, text: string, confidence: number): OcrLine {
  return { ...line, text, confidence, words: [{ text, box: line.box, confidence }] };
}

/** The pixels of a box of the OCR image, greyscale, clipped to the image; null when too small. */
export async function greyCrop(
  image: Buffer,
  box: Box,
): Promise<{ data: Buffer; width: number; height: number; left: number; top: number } | null> {
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
  return { data, width: info.width, height: info.height, left, top };
}

/** Share of the first text's characters (as a multiset) found in the second. */
export function sharedCharacters(first: string, second: string): number {
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

/** Where a run of characters sits in its line: CJK characters are about twice as wide as digits. */
export function runBox(line: OcrLine, start: number, length: number): Box {
  const weight = (s: string) => [...s].reduce((n, c) => n + (c.charCodeAt(0) < 0x2e80 ? 1 : 1.9), 0);
  const total = weight(line.text) || 1;
  const [x, y, w, h] = line.box;
  const x0 = x + (w * weight(line.text.slice(0, start))) / total;
  const x1 = x + (w * weight(line.text.slice(0, start + length))) / total;
  const pad = Math.min(h, 40) * 0.5;
  return [x0 - 2 * pad, y - 0.3 * pad, x1 - x0 + 4 * pad, h + 0.6 * pad];
}

/** Shrinks a crop to the rows that hold ink: a tilted line's box is much taller than its text. */
export async function tightenToInk(image: Buffer, box: Box): Promise<Box | null> {
  const crop = await greyCrop(image, box);
  if (crop === null) return null;
  const { data, left, top, width, height } = crop;
  const info = { width, height };
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
export function keepFirstReadingOnBadCrop(error: unknown): null {
  if (error instanceof OcrError && error.code === 'OCR_BAD_IMAGE') return null;
  throw error;
}
