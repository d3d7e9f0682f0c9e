import type { Box, OcrLine, OcrResult } from '../ocr/ocr.types.js';

/** One OCR box for a test: its text, position and (default 0.95) confidence. */
export interface TestBox {
  text: string;
  box: Box;
  confidence?: number;
}

/** An OcrResult from boxes, in the order given (as engines return them: reading order). */
export function ocrResult(boxes: readonly TestBox[], engine = 'test'): OcrResult {
  const lines: OcrLine[] = boxes.map(({ text, box, confidence = 0.95 }) => ({
    text,
    box,
    confidence,
    words: [{ text, box, confidence }],
  }));
  return {
    engine,
    engineVersion: '0',
    width: 2000,
    height: 2800,
    text: lines.map((l) => l.text).join('\n'),
    lines,
    meanConfidence: lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0,
  };
}

const widthUnits = (text: string) =>
  [...text].reduce((sum, ch) => sum + (/\s/.test(ch) ? 0.5 : ch.charCodeAt(0) > 0x2e80 ? 1 : 0.55), 0);

/** A PP-OCR-like line box: the whole text in one box starting at (x, y), 40 px per Han character. */
export function ppLine(text: string, x: number, y: number, confidence = 0.96, charWidth = 40): TestBox {
  return { text, box: [x, y, Math.round(widthUnits(text) * charWidth), charWidth], confidence };
}

/**
 * Tesseract PSM 11-like sparse boxes for a text at (x, y): every Han character its own box, runs of
 * other characters one box each, spaces kept as gaps.
 */
export function sparseBoxes(
  text: string,
  x: number,
  y: number,
  confidence = 0.82,
  charWidth = 40,
): TestBox[] {
  const boxes: TestBox[] = [];
  let cursor = x;
  for (const part of text.match(/\p{Script=Han}|[^\s\p{Script=Han}]+|\s+/gu) ?? []) {
    const width = Math.round(widthUnits(part) * charWidth);
    if (part.trim().length > 0)
      boxes.push({ text: part, box: [cursor, y + 2, width - 4, charWidth - 4], confidence });
    cursor += width;
  }
  return boxes;
}

/** Tesseract's chi_sim text for a line: spaces between CJK characters. */
export function spacedOut(text: string): string {
  return [...text].join(' ').replace(/ {2,}/g, ' ');
}

/** A table row of PP-OCR label boxes at y, each value in a box under its label (x given per cell). */
export function labelsOverValues(
  y: number,
  cells: readonly (readonly [string, string, number])[],
): TestBox[] {
  return [
    ...cells.map(([label, , x]) => ppLine(label, x, y)),
    ...cells.map(([, value, x]) => ppLine(value, x, y + 60)),
  ];
}
