import type { Box, OcrCharAlternatives, OcrLine, OcrResult } from '../ocr/ocr.types.js';
import { isHan, normalizeText } from '../text/unicode.js';

/**
 * A page of OCR text rebuilt as visual rows of positioned characters, so extractors can work the
 * same way on PP-OCR lines (one box per line, label and value often together) and on tesseract
 * PSM 11 sparse text (many small boxes, spaces between CJK characters, labels split across boxes).
 *
 * Character positions inside a box are estimated from the box width (Han characters are about
 * twice as wide as digits and Latin letters); that is precise enough to tell which header a value
 * stands under.
 */
export interface PageChar {
  /** NFKC-normalized character (a space for whitespace and for the gap between two boxes). */
  ch: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  confidence: number;
  /** Index of the OCR box the character was read in, in its row (-1 for the gap between two boxes). */
  box: number;
  /** The recogniser's own probability and runners-up, when it doubted this character (ocr.types.ts). */
  doubt?: CharacterDoubt;
}

export type CharacterDoubt = Omit<OcrCharAlternatives, 'index'>;

export interface PageRow {
  /** Characters in reading order, whitespace included. */
  chars: PageChar[];
  top: number;
  bottom: number;
}

export interface OcrPage {
  /** The engine that read the page (`pdf-text` for a PDF's text layer, whose characters are exact). */
  engine: string;
  rows: PageRow[];
  /** Median box height: the unit for "near" and "far". */
  lineHeight: number;
  /** All non-whitespace characters in reading order (rows concatenated). */
  flat: TextWithPositions;
  /** Like `flat`, with "\n" between rows, for templates whose parts must not cross a row. */
  joined: TextWithPositions;
}

export interface TextWithPositions {
  text: string;
  /** For each UTF-16 unit of `text`: its character, or null for a row separator. */
  charAt: (PageChar | null)[];
}

interface Token {
  text: string;
  box: Box;
  confidence: number;
  /** Doubted characters by position in `text`. */
  doubts?: ReadonlyMap<number, CharacterDoubt>;
}

/**
 * The page built once from an engine's result; classification, extraction and value regions all
 * read this one structure.
 */
export function buildOcrPage(ocr: OcrResult): OcrPage {
  const tokens = tokensOf(ocr);
  const heights = tokens.map((t) => t.box[3]).sort((a, b) => a - b);
  const lineHeight = heights.length > 0 ? (heights[Math.floor(heights.length / 2)] as number) : 1;
  const rows = groupIntoRows(tokens).map(rowOf);
  return { engine: ocr.engine, rows, lineHeight, flat: textOf(rows, false), joined: textOf(rows, true) };
}

/** Word boxes when the engine gave them (tesseract), else line boxes (PP-OCR). */
function tokensOf(ocr: OcrResult): Token[] {
  const tokens: Token[] = [];
  for (const line of ocr.lines) {
    const wordsText = line.words.map((w) => w.text).join('');
    const useWords = line.words.length > 1 && wordsText.replace(/\s/g, '') === line.text.replace(/\s/g, '');
    const parts = useWords ? line.words : [line];
    let searchFrom = 0;
    for (const part of parts) {
      const text = normalizeText(part.text);
      // Where the part starts in the line, for the recogniser's doubts (indexed on the line's text).
      const start = line.text.indexOf(part.text, searchFrom);
      if (start >= 0) searchFrom = start + part.text.length;
      if (text.trim().length > 0 && part.box[2] > 0 && part.box[3] > 0) {
        const doubts = line.alternatives && start >= 0 ? doubtsOf(line, start, part.text, text) : undefined;
        tokens.push({ text, box: part.box, confidence: part.confidence, ...(doubts ? { doubts } : {}) });
      }
    }
  }
  return tokens;
}

/**
 * The line's doubted characters that fall in one of its parts (a word starting at `start`, in
 * UTF-16 units of the line's text), by position in the part; none when normalizing changed the
 * part's length and positions no longer line up.
 */
function doubtsOf(
  line: OcrLine,
  start: number,
  raw: string,
  normalized: string,
): ReadonlyMap<number, CharacterDoubt> | undefined {
  const length = [...raw].length;
  if ([...normalized].length !== length) return undefined;
  const offset = [...line.text.slice(0, start)].length;
  const doubts = new Map<number, CharacterDoubt>();
  for (const { index, confidence, candidates } of line.alternatives ?? []) {
    if (index >= offset && index < offset + length) doubts.set(index - offset, { confidence, candidates });
  }
  return doubts.size > 0 ? doubts : undefined;
}

/**
 * Tokens whose vertical centres fall inside each other's band, or that lie mostly inside a row's
 * band (a value box a little lower than its label: "性别" / "男"), form one visual row. Tokens of one
 * row stand side by side: a token that overlaps a row's token horizontally is stacked above or
 * below it (the two lines of a tilted certificate body, whose tall boxes overlap vertically) and
 * starts or joins another row.
 */
function groupIntoRows(tokens: Token[]): Token[][] {
  const sorted = [...tokens].sort((a, b) => a.box[1] + a.box[3] / 2 - (b.box[1] + b.box[3] / 2));
  const rows: { tokens: Token[]; top: number; bottom: number }[] = [];
  for (const token of sorted) {
    const [, y, , h] = token.box;
    const centre = y + h / 2;
    const row = rows.find((r) => {
      if (r.tokens.some((other) => stacked(other, token))) return false;
      const rowCentre = (r.top + r.bottom) / 2;
      const halfBand = Math.min(r.bottom - r.top, h) / 2;
      const inBand = Math.min(r.bottom, y + h) - Math.max(r.top, y);
      return Math.abs(centre - rowCentre) <= halfBand || inBand >= 0.75 * h;
    });
    if (row) {
      row.tokens.push(token);
      row.top = Math.min(row.top, y);
      row.bottom = Math.max(row.bottom, y + h);
    } else {
      rows.push({ tokens: [token], top: y, bottom: y + h });
    }
  }
  return rows.sort((a, b) => a.top - b.top).map((r) => r.tokens.sort((a, b) => a.box[0] - b.box[0]));
}

/**
 * Two boxes that share more than a third of the narrower one's width without one lying inside the
 * other's band: one is above the other. (A small box inside a bigger one's band, such as a stray
 * mark read inside a value, is in the same row.)
 */
function stacked(a: Token, b: Token): boolean {
  const overlapX = Math.min(a.box[0] + a.box[2], b.box[0] + b.box[2]) - Math.max(a.box[0], b.box[0]);
  const overlapY = Math.min(a.box[1] + a.box[3], b.box[1] + b.box[3]) - Math.max(a.box[1], b.box[1]);
  return overlapX > Math.min(a.box[2], b.box[2]) / 3 && overlapY < 0.8 * Math.min(a.box[3], b.box[3]);
}

function characterWidthWeight(ch: string): number {
  if (/\s/.test(ch)) return 0.5;
  if (isHan(ch) || ch.charCodeAt(0) > 0x2e80) return 1;
  return 0.55;
}

function rowOf(tokens: Token[]): PageRow {
  const chars: PageChar[] = [];
  for (const [tokenIndex, token] of tokens.entries()) {
    const [x, y, w, h] = token.box;
    const previous = chars[chars.length - 1];
    if (previous !== undefined) {
      // The gap between two boxes reads as a space, like the space tesseract puts between words.
      chars.push({
        ch: ' ',
        x0: previous.x1,
        x1: Math.max(previous.x1, x),
        y0: y,
        y1: y + h,
        confidence: 1,
        box: -1,
      });
    }
    const characters = [...token.text];
    const totalWeight = characters.reduce((sum, ch) => sum + characterWidthWeight(ch), 0);
    let cursor = x;
    for (const [position, ch] of characters.entries()) {
      const width = (w * characterWidthWeight(ch)) / totalWeight;
      const doubt = token.doubts?.get(position);
      chars.push({
        ch: /\s/.test(ch) ? ' ' : ch,
        x0: cursor,
        x1: cursor + width,
        y0: y,
        y1: y + h,
        confidence: token.confidence,
        box: tokenIndex,
        ...(doubt ? { doubt } : {}),
      });
      cursor += width;
    }
  }
  const top = Math.min(...tokens.map((t) => t.box[1]));
  const bottom = Math.max(...tokens.map((t) => t.box[1] + t.box[3]));
  return { chars, top, bottom };
}

function textOf(rows: PageRow[], separateRows: boolean): TextWithPositions {
  let text = '';
  const charAt: (PageChar | null)[] = [];
  rows.forEach((row, index) => {
    if (separateRows && index > 0) {
      text += '\n';
      charAt.push(null);
    }
    for (const c of row.chars) {
      if (c.ch === ' ') continue;
      text += c.ch;
      // A character outside the BMP takes two UTF-16 units; both point at it.
      for (let unit = 0; unit < c.ch.length; unit++) charAt.push(c);
    }
  });
  return { text, charAt };
}

/** The smallest box around the characters (null when there are none). */
export function boxAround(chars: readonly PageChar[]): Box | null {
  if (chars.length === 0) return null;
  const x0 = Math.min(...chars.map((c) => c.x0));
  const y0 = Math.min(...chars.map((c) => c.y0));
  const x1 = Math.max(...chars.map((c) => c.x1));
  const y1 = Math.max(...chars.map((c) => c.y1));
  return [Math.round(x0), Math.round(y0), Math.round(x1 - x0), Math.round(y1 - y0)];
}

/** The non-whitespace text of a row with each UTF-16 unit's character. */
export function compactRow(row: PageRow): TextWithPositions {
  return textOf([row], false);
}
