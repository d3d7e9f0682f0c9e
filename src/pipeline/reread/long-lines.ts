import type { Box, OcrLine } from '../../ocr/ocr.types.js';
import type { OcrPool } from '../../ocr/pool.js';
import {
  greyCrop,
  INK_LEVEL,
  keepFirstReadingOnBadCrop,
  type RereadablePage,
  rereadEachLine,
  runBox,
  sharedCharacters,
  tightenToInk,
  withText,
} from './line-reading.js';

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
export async function rereadLongLinesInParts<P extends RereadablePage>(page: P, ocr: OcrPool): Promise<P> {
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
