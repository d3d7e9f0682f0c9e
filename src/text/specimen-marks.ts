import type { Box, OcrResult } from '../ocr/ocr.types.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import { normalizeText } from './unicode.js';

/**
 * Marks that say a page is not a document in force: a specimen (样本, 样张, SPECIMEN), a sample for
 * reference only (仅供参考), or a void one (作废, VOID). Issuers print them as a watermark or a stamp
 * across the page; whatever else the page says, it proves nothing (docs/contract.md, "Verdicts").
 */
export interface SpecimenMark {
  /** The mark as matched (normalized: full-width folded, spacing removed, Latin upper-cased). */
  mark: string;
  /** The text it was read in: an OCR line, or a run of small boxes on one row (sparse OCR). */
  text: string;
  box: Box;
}

/**
 * The Chinese marks, matched on text with all whitespace removed. 作废 is also printed as a
 * condition on genuine documents ("涂改作废", "逾期作废", "否则作废"): a rule about voiding is not a
 * void mark, so 作废 right after such words is passed over.
 */
const HAN_MARKS =
  /样本|样张|仅供参考|(?<!(?:涂改|修改|复印|逾期|过期|遗失|否则|则|即|视为|自动)(?:后|或复印)?)作废/;

/** The Latin marks, as whole words (so a verification code like …AVOID… is not one). */
const LATIN_MARKS = /^(SPECIMEN|VOID)$/;

/** Text as marks are matched: NFKC (full-width → half-width), upper-case. */
function comparable(text: string): string {
  return normalizeText(text).toUpperCase();
}

/**
 * Latin words of a text, with letter-spaced words ("S P E C I M E N", a watermark's tracking)
 * joined back into one.
 */
function latinWords(text: string): string[] {
  const words: string[] = [];
  let spaced = '';
  for (const token of text.split(/[^A-Z]+/).filter(Boolean)) {
    if (token.length === 1) {
      spaced += token;
      continue;
    }
    if (spaced) words.push(spaced);
    spaced = '';
    words.push(token);
  }
  if (spaced) words.push(spaced);
  return words;
}

function markIn(text: string): string | null {
  const value = comparable(text);
  const han = HAN_MARKS.exec(value.replace(/\s+/g, ''));
  if (han) return han[0];
  return latinWords(value).find((word) => LATIN_MARKS.test(word)) ?? null;
}

interface Token {
  text: string;
  box: Box;
}

/**
 * Runs of boxes that stand side by side on one row, close together: a sparse engine (tesseract
 * PSM 11) reads a watermark "样 本" as one box per character. Only one-character boxes are joined,
 * so two words of ordinary text in separate boxes ("同样" + "本科") never make a mark.
 */
function smallBoxRuns(ocr: OcrResult): Token[] {
  const small = ocr.lines
    .flatMap((line) => line.words)
    .filter((word) => [...comparable(word.text).replace(/\s+/g, '')].length === 1)
    .sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
  const runs: Token[][] = [];
  for (const word of small) {
    const run = runs.find((r) => {
      const last = r[r.length - 1] as Token;
      const [x, y, w, h] = last.box;
      const centre = word.box[1] + word.box[3] / 2;
      const sameRow = centre > y && centre < y + h;
      const gap = word.box[0] - (x + w);
      return sameRow && gap >= -h / 2 && gap < 1.5 * Math.max(h, word.box[3]);
    });
    if (run) run.push(word);
    else runs.push([word]);
  }
  return runs
    .filter((run) => run.length > 1)
    .map((run) => ({ text: run.map((t) => t.text).join(' '), box: boxAround(run.map((t) => t.box)) }));
}

function boxAround(boxes: readonly Box[]): Box {
  const x0 = Math.min(...boxes.map((b) => b[0]));
  const y0 = Math.min(...boxes.map((b) => b[1]));
  const x1 = Math.max(...boxes.map((b) => b[0] + b[2]));
  const y1 = Math.max(...boxes.map((b) => b[1] + b[3]));
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Every specimen or void mark on the page (one per line or run). */
export function findSpecimenMarks(ocr: OcrResult): SpecimenMark[] {
  const marks: SpecimenMark[] = [];
  for (const token of [...ocr.lines, ...smallBoxRuns(ocr)]) {
    const mark = markIn(token.text);
    if (mark) marks.push({ mark, text: token.text, box: token.box });
  }
  return marks;
}

/**
 * SPECIMEN_OR_VOID (soft: the verdict step never verifies such a document, and a reviewer who
 * would verify it overrides a hard reason), once per page, naming the marks found.
 */
export function specimenReasons(marks: readonly SpecimenMark[]): Reason[] {
  if (marks.length === 0) return [];
  const found = [...new Set(marks.map((m) => m.mark))].join(', ');
  return [
    reason('SPECIMEN_OR_VOID', 'soft', `The document is marked as a specimen or void (${found}).`, {
      messageZh: `文件带有样本或作废标记（${found}），不能作为有效证明。`,
    }),
  ];
}
