import type { Box, OcrLine } from './ocr.types.js';

/**
 * Puts lines in reading order: clusters them into visual rows by vertical overlap, rows top to bottom, and
 * lines left to right within a row. Engines that return boxes rather than an order (PP-OCR) and engines whose
 * order follows layout blocks (tesseract PSM 11) both go through here, so every engine orders the same way.
 */
export function sortIntoReadingOrder<T extends { box: Box }>(items: readonly T[]): T[] {
  const byTop = [...items].sort((a, b) => centerY(a.box) - centerY(b.box));
  const rows: { items: T[]; top: number; bottom: number }[] = [];
  for (const item of byTop) {
    const [, y, , h] = item.box;
    const row = rows.find((r) => overlapRatio(r.top, r.bottom, y, y + h) >= 0.5);
    if (row) {
      row.items.push(item);
      row.top = Math.min(row.top, y);
      row.bottom = Math.max(row.bottom, y + h);
    } else {
      rows.push({ items: [item], top: y, bottom: y + h });
    }
  }
  rows.sort((a, b) => a.top + a.bottom - (b.top + b.bottom));
  return rows.flatMap((r) => r.items.sort((a, b) => a.box[0] - b.box[0]));
}

const centerY = (b: Box) => b[1] + b[3] / 2;

/** Overlap of two vertical spans relative to the shorter one. */
function overlapRatio(a0: number, a1: number, b0: number, b1: number): number {
  const overlap = Math.min(a1, b1) - Math.max(a0, b0);
  const shorter = Math.min(a1 - a0, b1 - b0);
  return shorter <= 0 ? 0 : overlap / shorter;
}

export function unionBox(boxes: readonly Box[]): Box {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [x, y, w, h] of boxes) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + w);
    y1 = Math.max(y1, y + h);
  }
  return boxes.length === 0 ? [0, 0, 0, 0] : [x0, y0, x1 - x0, y1 - y0];
}

const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu');

/** Tesseract separates every Chinese character with a space; Chinese text has none. */
export const removeSpacesBetweenCjk = (text: string): string => text.replace(SPACE_BETWEEN_CJK, '');

export const meanConfidence = (lines: readonly OcrLine[]): number =>
  lines.length === 0 ? 0 : lines.reduce((sum, l) => sum + l.confidence, 0) / lines.length;
