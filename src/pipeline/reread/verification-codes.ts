import { otsu } from '../../imaging/raster.js';
import type { Box, OcrLine } from '../../ocr/ocr.types.js';
import type { OcrPool } from '../../ocr/pool.js';
import {
  greyCrop,
  keepFirstReadingOnBadCrop,
  MIN_REREAD_CONFIDENCE,
  type RereadablePage,
  rereadEachLine,
  withText,
} from './line-reading.js';

/** A CHSI 在线验证码 at the end of its label's line: 16 letters/digits (12 digits on old reports). */
const CODE_LINE = /验证码[:：]?\s*(?<code>[A-Z0-9]{4,24})$/;
const CODE_LENGTHS = new Set([12, 16]);
/** A line whose code's O and 0 could not be told apart is no surer than this: LOW_CONFIDENCE, review. */
const UNRESOLVED_CODE_LINE = 0.7;

/**
 * The CHSI verification code mixes letters and digits (docs/formats.md §4.3), so its O and 0 cannot
 * be mapped either way, and the recogniser takes one for the other about half the time. Two fixes,
 * on the line that ends with the code:
 * - a code of a length no code has (the recogniser stopped early: "在线验证码：A6WTY0") is read again
 *   from the line's box, and the reading replaces it when it is sure, keeps what was read and has a
 *   code's length;
 * - each O or 0 is told by its shape on the page (`resolveRoundGlyphs`): the letter O is a wider ring
 *   than the digit 0 in the fonts codes are printed in. When the shapes do not tell, the line's
 *   confidence drops below LOW_CONFIDENCE: a person reads the code, nobody guesses it.
 */
export async function rereadVerificationCodes<P extends RereadablePage>(page: P, ocr: OcrPool): Promise<P> {
  return rereadEachLine(page, async (line, image) => {
    let text = line.text.trim();
    let confidence = line.confidence;
    let code = CODE_LINE.exec(text)?.groups?.code ?? codeBesideItsLabel(line, page.ocr.lines);
    if (code === undefined) return line;
    if (!CODE_LENGTHS.has(code.length)) {
      const [x, y, w, h] = line.box;
      const reread = await ocr
        .recognizeRegion(image, [x - 0.3 * h, y - 0.1 * h, w + 0.8 * h, 1.2 * h])
        .catch(keepFirstReadingOnBadCrop);
      const rereadCode = reread ? CODE_LINE.exec(reread.text.replace(/\s/g, ''))?.groups?.code : undefined;
      if (
        reread &&
        rereadCode &&
        reread.confidence >= MIN_REREAD_CONFIDENCE &&
        CODE_LENGTHS.has(rereadCode.length) &&
        foldRound(rereadCode).startsWith(foldRound(code))
      ) {
        text = `${text.slice(0, text.length - code.length)}${rereadCode}`;
        confidence = Math.max(confidence, reread.confidence);
        code = rereadCode;
      }
    }
    if (code.length === 16 && /[O0]/.test(code)) {
      const resolved = await resolveRoundGlyphs(image, line.box, code);
      if (resolved !== null && !resolved.includes('?')) {
        text = `${text.slice(0, text.length - code.length)}${resolved}`;
      } else {
        confidence = Math.min(confidence, UNRESOLVED_CODE_LINE);
      }
    }
    return text === line.text && confidence === line.confidence ? line : withText(line, text, confidence);
  });
}

/** O and 0 as one character, to compare two readings of a code whose round glyphs are not told yet. */
const foldRound = (code: string) => code.replaceAll('O', '0');

/**
 * A line that is only a code, read in its own box to the right of a box ending with its label
 * ("在线验证码" | "AGSQXF000TJ44V7H"): the code, or undefined.
 */
function codeBesideItsLabel(line: OcrLine, lines: readonly OcrLine[]): string | undefined {
  const text = line.text.trim();
  if (!/^[A-Z0-9]{12,24}$/.test(text)) return undefined;
  const [x, y, , h] = line.box;
  const label = lines.find((other) => {
    const [ox, oy, ow, oh] = other.box;
    const centre = oy + oh / 2;
    return /验证码[:：]?$/.test(other.text.trim()) && ox + ow <= x + 0.5 * h && centre > y && centre < y + h;
  });
  return label ? text : undefined;
}

/** Glyph widths, relative to the code's other glyphs, that tell the digit 0 from the letter O. */
const ZERO_MAX_WIDTH = 1.12;
const LETTER_O_MIN_WIDTH = 1.2;

/**
 * Tells each O and 0 of `code` (printed at the right end of the line in `box`) by its ink width: the
 * ink of the line's text band is cut into glyphs at blank columns, the glyphs are matched to the
 * code's characters from the right (two characters a kerned pair such as AT printed as one blob), and
 * an O/0 glyph as wide as the code's digits is 0, one clearly wider is O. Returns the code with each
 * O/0 decided, '?' where the width does not tell, or null when the glyphs cannot be matched to the
 * characters (then nothing can be told).
 */
export async function resolveRoundGlyphs(image: Buffer, box: Box, code: string): Promise<string | null> {
  const [x, y, w, h] = box;
  const crop = await greyCrop(image, [x - 4, y - 2, w + 12, h + 4]);
  if (crop === null) return null;
  const glyphs = glyphSpans(crop.data, crop.width, crop.height);
  const assigned = matchGlyphs(glyphs, code);
  if (assigned === null) return null;
  const single = (pattern: RegExp) =>
    assigned.flatMap((g, i) => (g !== 'merged' && pattern.test(code[i] as string) ? [g] : []));
  const digits = single(/[2-9]/);
  const reference = median(digits.length >= 2 ? digits : single(/[^I1MWO0]/));
  if (reference === null) return null;
  const fits = [...code].every((ch, i) => {
    const g = assigned[i];
    if (g === undefined || g === 'merged') return true;
    const ratio = g / reference;
    if (/[I1]/.test(ch)) return ratio < 1.1;
    if (/[MW]/.test(ch)) return ratio > 0.9 && ratio < 1.9;
    return ratio > 0.55 && ratio < 1.5;
  });
  if (!fits) return null;
  return [...code]
    .map((ch, i) => {
      if (ch !== 'O' && ch !== '0') return ch;
      const g = assigned[i];
      if (g === undefined || g === 'merged') return '?';
      const ratio = g / reference;
      return ratio <= ZERO_MAX_WIDTH ? '0' : ratio >= LETTER_O_MIN_WIDTH ? 'O' : '?';
    })
    .join('');
}

/** Widths of the runs of inked columns in the text band of a greyscale crop (Otsu threshold). */
function glyphSpans(data: Buffer, width: number, height: number): number[] {
  const threshold = otsu(data)?.threshold ?? 128;
  const inkPerRow: number[] = [];
  for (let r = 0; r < height; r++) {
    let ink = 0;
    for (let c = 0; c < width; c++) if ((data[r * width + c] ?? 255) <= threshold) ink++;
    inkPerRow.push(ink);
  }
  const most = Math.max(...inkPerRow);
  const band = inkPerRow.flatMap((ink, r) => (ink > most * 0.1 ? [r] : []));
  const top = band[0] ?? 0;
  const bottom = band.at(-1) ?? height - 1;
  const minWidth = Math.max(1, (bottom - top + 1) * 0.05);
  const spans: number[] = [];
  let start = -1;
  for (let c = 0; c <= width; c++) {
    let inked = false;
    for (let r = top; c < width && r <= bottom && !inked; r++)
      inked = (data[r * width + c] ?? 255) <= threshold;
    if (inked && start < 0) start = c;
    if (!inked && start >= 0) {
      if (c - start >= minWidth) spans.push(c - start);
      start = -1;
    }
  }
  return spans;
}

/**
 * Matches glyph widths to the code's characters from the right end. A glyph much wider than the
 * typical one stands for two characters (a kerned pair) unless its character is M or W. Null when the
 * glyphs run out before the characters.
 */
function matchGlyphs(glyphs: number[], code: string): (number | 'merged')[] | null {
  const typical = median(glyphs.slice(-code.length));
  if (typical === null) return null;
  const assigned: (number | 'merged')[] = new Array(code.length);
  let g = glyphs.length - 1;
  for (let i = code.length - 1; i >= 0; i--, g--) {
    const glyph = glyphs[g];
    if (glyph === undefined) return null;
    if (glyph > 1.7 * typical && !/[MW]/.test(code[i] as string) && i > 0) {
      assigned[i] = 'merged';
      assigned[i - 1] = 'merged';
      i--;
    } else {
      assigned[i] = glyph;
    }
  }
  return assigned;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}
