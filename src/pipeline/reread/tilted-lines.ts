import sharp from 'sharp';
import type { OcrLine } from '../../ocr/ocr.types.js';
import type { OcrPool } from '../../ocr/pool.js';
import { keepFirstReadingOnBadCrop, type RereadablePage, sharedCharacters } from './line-reading.js';

/** A line this much taller than the page's typical line is tilted (perspective the deskew could not undo). */
const TILTED_LINE_HEIGHT_RATIO = 1.5;
const MIN_TILTED_LINE_WIDTH = 300;
/** Lines read at least this confidently are left alone. */
const CONFIDENT_LINE = 0.97;
/** A re-read line must share this much of its characters with the first reading to stand for it. */
const MIN_SHARED_CHARACTERS = 0.35;

/**
 * A long line whose box is much taller than the page's typical line is tilted: the recogniser
 * reads it poorly (certificate bodies on photos taken at an angle). Each such line is cut out,
 * turned by the tilt its box implies (both ways: the box does not say which), and read again;
 * the reading that shares most characters with the first one and is more confident replaces it.
 * Measured on fixture 118-clean-grad: 学生类期额,性女,… (0.64) → 学生秦妍颖，性别女，一九九九年十月十九日生，… (1.00).
 */
export async function rereadTiltedLines<P extends RereadablePage>(page: P, ocr: OcrPool): Promise<P> {
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
