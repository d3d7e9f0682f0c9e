import sharp from 'sharp';
import { otsu } from '../imaging/raster.js';
import { OcrError } from '../ocr/ocr.errors.js';
import type { Box, OcrLine } from '../ocr/ocr.types.js';
import type { OcrPool } from '../ocr/pool.js';
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
/**
 * The confidence of a line whose two readings disagree on a number's length: below the 0.95 at which
 * a reading may break a HARD rule by itself (documents/field-reading SURE_READING), above the 0.75 of
 * LOW_CONFIDENCE.
 */
const DOUBTFUL_LINE = 0.9;
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
 * Targeted OCR for a page: tilted long lines first (re-read straightened), long lines of Han text
 * (re-read in parts, two readings outvoting the first), numbers of an impossible length (re-read with
 * digits only), then CHSI verification codes (cut short, or with an O or a 0 to tell apart).
 */
export async function rereadPage(page: ReadPage, ocr: OcrPool): Promise<ReadPage> {
  const straightened = await rereadTiltedLines(page, ocr);
  const inParts = await rereadLongLinesInParts(straightened, ocr);
  return rereadVerificationCodes(await rereadSuspectNumbers(inParts, ocr), ocr);
}

/** Lines of at least this many characters, mostly Han, are read again in parts. */
const MIN_LONG_LINE_CHARACTERS = 20;
/** About this many characters to a part: the recogniser reads short crops at a better scale. */
const PART_CHARACTERS = 12;
/** A part's reading counts only when the recogniser is this sure of it. */
const MIN_PART_CONFIDENCE = 0.9;
/** A parts reading must share this much of its characters with the first reading, both ways. */
const MIN_PARTS_AGREEMENT = 0.85;

/**
 * A long line of Han text (a certificate's body) is read as one crop squeezed to the recogniser's
 * height: on a photo taken at an angle its box is tall, the characters small, and one of them is
 * misread or dropped while the line's confidence stays high. Measured on the fixtures: 研究生雷哲 read
 * 雷皙 (0.98), 学生龚嘉婷 read 龚婷 (0.94). The line is read twice more in parts of about a dozen
 * characters, cut at blank columns, the second time with the cuts half a part further on; a character
 * of the first reading changes only where both parts readings, each sure and each agreeing with the
 * first on nearly all characters, read the same other character (or both add or both drop one). Two
 * readings outvote one: a part misread at its own cut does not change the line.
 */
export async function rereadLongLinesInParts(page: ReadPage, ocr: OcrPool): Promise<ReadPage> {
  return rereadEachLine(page, async (line, image) => {
    const first = line.text.replace(/\s/g, '');
    const characters = [...first];
    const han = characters.filter((c) => /\p{Script=Han}/u.test(c)).length;
    if (characters.length < MIN_LONG_LINE_CHARACTERS || han * 2 < characters.length) return line;
    const readings: string[] = [];
    for (const shift of [0, 0.5]) {
      const parts = await readInParts(image, { ...line, text: first }, ocr, shift);
      const text = parts?.map((p) => p.text).join('') ?? '';
      const sure =
        parts?.every((p) => p.confidence >= MIN_PART_CONFIDENCE) === true &&
        sharedCharacters(first, text) >= MIN_PARTS_AGREEMENT &&
        sharedCharacters(text, first) >= MIN_PARTS_AGREEMENT;
      if (!sure) return line;
      readings.push(text);
    }
    const [a, b] = readings;
    const text = a !== undefined && b !== undefined ? outvote(first, a, b) : first;
    return text === first ? line : withText(line, text, line.confidence);
  });
}

/**
 * Re-reads a page line by line with `reread`, which returns the line itself when it keeps the first
 * reading: then the page itself is returned.
 */
async function rereadEachLine(
  page: ReadPage,
  reread: (line: OcrLine, image: Buffer) => Promise<OcrLine>,
): Promise<ReadPage> {
  if (!page.prepared) return page;
  const image = page.prepared.ocrImage;
  const lines: OcrLine[] = [];
  for (const line of page.ocr.lines) lines.push(await reread(line, image));
  if (lines.every((line, i) => line === page.ocr.lines[i])) return page;
  return { ...page, ocr: { ...page.ocr, lines, text: lines.map((l) => l.text).join('\n') } };
}

/** A line read anew: one word, the whole box. */
function withText(line: OcrLine, text: string, confidence: number): OcrLine {
  return { ...line, text, confidence, words: [{ text, box: line.box, confidence }] };
}

/**
 * The first reading with the changes two other readings agree on: each is aligned to the first
 * (fewest edits), and a character is replaced, dropped, or one inserted, only where both make the
 * same edit at the same place, and not at either end of the line.
 */
export function outvote(first: string, a: string, b: string): string {
  const editsA = alignEdits(first, a);
  const editsB = alignEdits(first, b);
  const chars = [...first];
  let out = '';
  for (let i = 0; i <= chars.length; i++) {
    // Both parts readings read the line's first and last characters at the same edge of a crop: there
    // they are not independent, and the first reading stands.
    const inside = i > 0 && i < chars.length - 1;
    const insertA = editsA.inserted[i] ?? '';
    if (i > 0 && i < chars.length && insertA !== '' && insertA === (editsB.inserted[i] ?? '')) out += insertA;
    if (i === chars.length) break;
    const x = editsA.at[i];
    out += inside && x !== undefined && x === editsB.at[i] ? x : (chars[i] as string);
  }
  return out;
}

interface Alignment {
  /** For each character of the first reading: what the other reading has in its place ('' = dropped). */
  at: string[];
  /** Text the other reading has before character i of the first (i = length: at the end). */
  inserted: string[];
}

/** Levenshtein alignment of `other` to `first`, by code point. */
function alignEdits(first: string, other: string): Alignment {
  const x = [...first];
  const y = [...other];
  const cost: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const row = cost[i] as number[];
      const above = cost[i - 1] as number[];
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
  }
  const at: string[] = new Array(x.length).fill('');
  const inserted: string[] = new Array(x.length + 1).fill('');
  let i = x.length;
  let j = y.length;
  while (i > 0 || j > 0) {
    const here = cost[i]?.[j] as number;
    if (i > 0 && j > 0 && here === (cost[i - 1]?.[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1)) {
      at[i - 1] = y[j - 1] as string;
      i--;
      j--;
    } else if (i > 0 && here === (cost[i - 1]?.[j] as number) + 1) {
      at[i - 1] = '';
      i--;
    } else {
      inserted[i] = `${y[j - 1] as string}${inserted[i]}`;
      j--;
    }
  }
  return { at, inserted };
}

/**
 * Cuts a line's box into parts of about PART_CHARACTERS characters, each cut at the emptiest column
 * near where the first reading puts it (`shift` moves every cut by that share of a part), and reads
 * each part, tightened to its ink. Null when a part cannot be read.
 */
async function readInParts(
  image: Buffer,
  line: OcrLine,
  ocr: OcrPool,
  shift: number,
): Promise<OcrLine[] | null> {
  const [x, y, w, h] = line.box;
  const length = line.text.length;
  const count = Math.max(2, Math.round([...line.text].length / PART_CHARACTERS));
  const profile = await columnInk(image, line.box);
  if (profile === null) return null;
  const cuts: number[] = [x];
  for (let k = 1 - shift; k < count; k++) {
    const estimate = runBox(line, 0, Math.round((length * k) / count));
    const around = estimate[0] + estimate[2] - Math.min(h, 40) - x;
    const reach = Math.max(4, (w / [...line.text].length) * 0.5);
    let best = Math.round(around);
    for (
      let c = Math.max(0, Math.round(around - reach));
      c <= Math.min(profile.length - 1, around + reach);
      c++
    ) {
      if ((profile[c] ?? 0) < (profile[best] ?? Number.POSITIVE_INFINITY)) best = c;
    }
    cuts.push(x + best);
  }
  cuts.push(x + w);
  const parts: OcrLine[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const left = cuts[k] as number;
    const right = cuts[k + 1] as number;
    if (right - left < 4) continue;
    const box = await tightenToInk(image, [left, y, right - left, h]);
    if (!box) return null;
    const part = await ocr.recognizeRegion(image, box).catch(keepFirstReadingOnBadCrop);
    if (!part) return null;
    parts.push({ ...part, text: part.text.replace(/\s/g, '') });
  }
  return parts;
}

/** The pixels of a box of the OCR image, greyscale, clipped to the image; null when too small. */
async function greyCrop(
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

/** Ink per column of a box of the OCR image (the emptiest columns are the gaps between characters). */
async function columnInk(image: Buffer, box: Box): Promise<number[] | null> {
  const crop = await greyCrop(image, box);
  if (crop === null) return null;
  const { data, width, height } = crop;
  const ink: number[] = [];
  for (let c = 0; c < width; c++) {
    let n = 0;
    for (let r = 0; r < height; r++) if ((data[r * width + c] ?? 255) < INK_LEVEL) n++;
    ink.push(n);
  }
  return ink;
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
      // When the number is most of the line, the line is as sure as the number's own reading.
      const numberIsTheLine = Math.max(candidate.length, run[0].length) * 2 >= text.length;
      if (
        reread &&
        reread.confidence >= MIN_REREAD_CONFIDENCE &&
        acceptable(run[0].length, candidate.length)
      ) {
        text = text.replace(run[0], candidate);
        if (numberIsTheLine) confidence = Math.max(confidence, reread.confidence);
        changed = true;
      } else if (candidate.length > 0 && candidate.length !== run[0].length && numberIsTheLine) {
        // The second reading saw another length, but could not replace the first: the number's
        // length is in doubt (a 17-digit number read surely is judged by a HARD rule; a doubtful
        // one must stay unreadable).
        confidence = Math.min(confidence, DOUBTFUL_LINE);
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
function keepFirstReadingOnBadCrop(error: unknown): null {
  if (error instanceof OcrError && error.code === 'OCR_BAD_IMAGE') return null;
  throw error;
}

/** A CHSI 在线验证码 at the end of its label's line: 16 letters/digits (12 digits on old reports). */
const CODE_LINE = /验证码[:：]?\s*(?<code>[A-Z0-9]{4,24})$/;
const CODE_LENGTHS = new Set([12, 16]);
/** A line whose code's O and 0 could not be told apart is no surer than this: LOW_CONFIDENCE, review. */
const UNRESOLVED_CODE_LINE = 0.7;

/**
 * The CHSI verification code mixes letters and digits (formats-research §4.3), so its O and 0 cannot
 * be mapped either way, and the recogniser takes one for the other about half the time. Two fixes,
 * on the line that ends with the code:
 * - a code of a length no code has (the recogniser stopped early: "在线验证码：A6WTY0") is read again
 *   from the line's box, and the reading replaces it when it is sure, keeps what was read and has a
 *   code's length;
 * - each O or 0 is told by its shape on the page (`resolveRoundGlyphs`): the letter O is a wider ring
 *   than the digit 0 in the fonts codes are printed in. When the shapes do not tell, the line's
 *   confidence drops below LOW_CONFIDENCE: a person reads the code, nobody guesses it.
 */
export async function rereadVerificationCodes(page: ReadPage, ocr: OcrPool): Promise<ReadPage> {
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

/**
 * Widths of the runs of inked columns in the text band of a greyscale crop. Ink is at or below Otsu's
 * threshold, so the widths do not depend on the photo's exposure.
 */
function glyphSpans(data: Buffer, width: number, height: number): number[] {
  // A crop of one grey level has no split: everything at or below mid-grey counts as ink.
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
