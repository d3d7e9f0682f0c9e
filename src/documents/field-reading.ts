import type { FieldValue } from './document-types.js';
import { evidenceOf, type FieldReading } from './extraction-builder.js';
import { compactRow, type OcrPage, type PageChar, type PageRow, type TextWithPositions } from './ocr-page.js';
import type { ValueRegion } from './value-regions.js';

export interface LabelledField<T extends FieldValue> {
  /** The printed label, matched on a row's text with whitespace removed. */
  label: RegExp;
  /** Every label of the document: a value ends where the next label starts. */
  stopLabels: RegExp;
  /** The value as printed (whitespace kept) → the contract value, or null when unreadable. */
  parse: (text: string) => T | null;
  /**
   * Text that is printed over or beside values but is never part of one (seal fragments such as
   * 教育部教育考试院 / 成绩专用章): a segment made only of it is passed over, never read as the value.
   */
  noise?: RegExp;
  /**
   * A label that counts only where it fills an OCR box of its own, as a table cell does ("专业"
   * beside a box "计算机科学与技术"), never inside running text ("…工程专业四年制…").
   */
  cellLabel?: RegExp;
  /**
   * The label counts only where it stands as a label, set off from running text: at the start of
   * its row or after a gap or a non-Han character, and followed by a colon, its gloss, a gap, a
   * non-Han character or the end of the row. "学生姓名为张伟" in a margin note holds no 姓名 label.
   */
  standalone?: boolean;
}

/** See LabelledField.standalone. */
function standsAsLabel(compact: TextWithPositions, start: number, end: number): boolean {
  const first = compact.charAt[start];
  const last = compact.charAt[end - 1];
  if (!first || !last) return false;
  const setOff = (a: PageChar | null | undefined, b: PageChar | null | undefined) =>
    !a || !b || !HAN.test(a.ch) || !HAN.test(b.ch) || b.x0 - a.x1 > 0.25 * (b.y1 - b.y0);
  const next = compact.charAt[end];
  return setOff(compact.charAt[start - 1], first) && (/[:：]/.test(next?.ch ?? '') || setOff(last, next));
}

const HAN = /\p{Script=Han}/u;

/** Where a field's label stands on a row: matches of `label`, and of `cellLabel` filling a box. */
function labelMatches(
  row: PageRow,
  compact: TextWithPositions,
  field: Pick<LabelledField<FieldValue>, 'label' | 'cellLabel' | 'standalone'>,
): { index: number; text: string }[] {
  const matches = [...compact.text.matchAll(new RegExp(field.label.source, 'g'))]
    .map((m) => ({ index: m.index, text: m[0] }))
    .filter((m) => !field.standalone || standsAsLabel(compact, m.index, m.index + m.text.length));
  if (field.cellLabel) {
    for (const m of compact.text.matchAll(new RegExp(field.cellLabel.source, 'g'))) {
      const chars = compact.charAt.slice(m.index, m.index + m[0].length);
      const box = chars[0]?.box;
      const boxChars = row.chars.filter((c) => c.box === box && c.ch !== ' ');
      const fillsBox = chars.every((c) => c?.box === box) && boxChars.length === new Set(chars).size;
      const overlaps = matches.some(
        (x) => m.index < x.index + x.text.length && x.index < m.index + m[0].length,
      );
      if (fillsBox && !overlaps) matches.push({ index: m.index, text: m[0] });
    }
    matches.sort((a, b) => a.index - b.index);
  }
  return matches;
}

/**
 * The English gloss printed after a bilingual label ("姓名 Name:", "证件号码 ID No.：",
 * "成绩报告单编号 Report No.："), matched on whitespace-free text right after the Chinese label:
 * a run of Latin letters ending in a colon, or one of the glosses the templates print without one.
 */
const LABEL_GLOSS =
  /^(?:[A-Za-z][A-Za-z.&'’]{0,30}[:：]|(?:Name|School|IDNo\.?|ReportNo\.?|AdmissionTicketNo\.?|TestDate|Total|Listening|Reading|Writing&Translation|Grade)(?![a-z]))/;

/** A segment of Latin letters only (a gloss such as "Admission Ticket No." or "Total"), never a value. */
const LATIN_ONLY = /^(?=.*[A-Za-z&])[A-Za-z.&'’ ]+$/;

/** A value runs on until a gap this many line heights wide: beyond it starts another column. */
const MAX_GAP_IN_VALUE = 2.5;
/**
 * Where to look for a value printed under its label, in label heights below the label (or below the
 * English gloss row under it, on bilingual tables).
 */
const MAX_DISTANCE_BELOW = 2.5;

/**
 * Reads a labelled value: first on the label's row to its right ("姓名：张伟", "姓名 张伟", or a
 * separate box further right), then, when nothing stands there, in the nearest row below, in the
 * segment under the label (score tables: 总分 听力 … with numbers underneath). When a value stands
 * to the right but cannot be parsed, the field is unreadable: nothing below is tried in its place.
 */
export function readLabelledField<T extends FieldValue>(
  page: OcrPage,
  field: LabelledField<T>,
): FieldReading<T> | null {
  for (const [rowIndex, row] of page.rows.entries()) {
    const compact = compactRow(row);
    for (const match of labelMatches(row, compact, field)) {
      const labelStart = match.index;
      const labelEnd = labelStart + match.text.length;
      const labelChars = compact.charAt.slice(labelStart, labelEnd).filter((c): c is PageChar => c !== null);
      const rightChars = valueToTheRight(page, compact, labelEnd, field);
      if (rightChars.length > 0 && !isGloss(rightChars, field)) {
        const reading =
          parseChars(rightChars, row, field.parse) ?? parseOnePart(rightChars, row, field.parse);
        if (reading) return reading;
        // Unreadable text in the label's own box is its value, unreadable. Text in a separate box
        // further right may be the next header of a table whose labels OCR garbled ("总分 力 同读"):
        // then the value under the label is still read.
        if (!inSeparateBox(labelChars, rightChars, page)) continue;
      }
      const below = valueBelow(page, rowIndex, labelChars, field);
      if (below) return below;
    }
  }
  return null;
}

/**
 * Where a labelled field's value is printed, whatever it reads as: the places readLabelledField
 * looks. For each occurrence of the label, the rest of its row up to the next label (past the
 * English gloss and the colons); and, when nothing but a gloss stands there or it stands in a box
 * of its own, the segment under the label in the nearest row below. A value read by anything other
 * than the rules (the model) is accepted only in such a place (src/llm/grounding.ts).
 */
export function labelledValueRegions(
  page: OcrPage,
  field: Omit<LabelledField<FieldValue>, 'parse'>,
): ValueRegion[] {
  const regions: ValueRegion[] = [];
  for (const [rowIndex, row] of page.rows.entries()) {
    const compact = compactRow(row);
    for (const match of labelMatches(row, compact, field)) {
      const labelEnd = match.index + match.text.length;
      const labelChars = compact.charAt.slice(match.index, labelEnd).filter((c): c is PageChar => c !== null);
      const right = restOfRow(compact, labelEnd, field.stopLabels);
      const gloss = right.length > 0 && LATIN_ONLY.test(right.map((c) => c.ch).join(''));
      if (right.length > 0 && !gloss) regions.push({ chars: withSpaces(right, row) });
      if (right.length === 0 || gloss || inSeparateBox(labelChars, right, page)) {
        const below = segmentBelow(page, rowIndex, labelChars, field);
        if (below) regions.push({ chars: below.chars });
      }
    }
  }
  return regions;
}

/** The row's characters from the first to the last of `chars`, the spaces between them included. */
function withSpaces(chars: PageChar[], row: PageRow): PageChar[] {
  const first = row.chars.indexOf(chars[0] as PageChar);
  const last = row.chars.indexOf(chars[chars.length - 1] as PageChar);
  return first >= 0 && last >= first ? row.chars.slice(first, last + 1) : chars;
}

/** The characters after a label (its gloss and colons skipped) up to the next label of the row. */
function restOfRow(compact: TextWithPositions, from: number, stopLabels: RegExp): PageChar[] {
  const chars: PageChar[] = [];
  const stop = new RegExp(stopLabels.source, 'y');
  for (let index = skipLabelTail(compact.text, from); index < compact.text.length; index++) {
    stop.lastIndex = index;
    if (stop.test(compact.text)) break;
    const ch = compact.charAt[index];
    const previous = chars[chars.length - 1];
    if (ch && previous && previous !== ch && startsUnknownLabel(compact, index, previous)) break;
    if (ch && previous !== ch) chars.push(ch);
  }
  return chars;
}

/** The value was read in another OCR box than the end of the label, after a real gap. */
function inSeparateBox(labelChars: PageChar[], valueChars: PageChar[], page: OcrPage): boolean {
  const labelLast = labelChars[labelChars.length - 1];
  const first = valueChars[0];
  if (labelLast === undefined || first === undefined || first.box === labelLast.box) return false;
  return first.x0 - labelLast.x1 >= 0.5 * page.lineHeight;
}

/** All readings of a label, in reading order (e.g. the two 准考证号 of a CET report). */
export function readAllLabelledFields<T extends FieldValue>(
  page: OcrPage,
  field: LabelledField<T>,
): FieldReading<T>[] {
  const readings: FieldReading<T>[] = [];
  const seen = new Set<string>();
  for (const [rowIndex, row] of page.rows.entries()) {
    const compact = compactRow(row);
    for (const match of labelMatches(row, compact, field)) {
      const labelEnd = match.index + match.text.length;
      const labelChars = compact.charAt.slice(match.index, labelEnd).filter((c): c is PageChar => c !== null);
      const rightChars = valueToTheRight(page, compact, labelEnd, field);
      const reading =
        rightChars.length > 0 && !isGloss(rightChars, field)
          ? (parseChars(rightChars, row, field.parse) ?? parseOnePart(rightChars, row, field.parse))
          : valueBelow(page, rowIndex, labelChars, field);
      const key = reading ? JSON.stringify(reading.evidence.box) : '';
      if (reading && !seen.has(key)) {
        seen.add(key);
        readings.push(reading);
      }
    }
  }
  return readings;
}

/**
 * Latin letters that do not parse as the field (the rest of a gloss a tilted photo put in the
 * label's row: "准考证号 Ticket No."): not a value, so the value is looked for below.
 */
function isGloss<T extends FieldValue>(chars: PageChar[], field: LabelledField<T>): boolean {
  const text = chars.map((c) => c.ch).join('');
  return LATIN_ONLY.test(text) && field.parse(text) === null;
}

/**
 * Index after the colons and the English gloss that follow a label ("Name:", "ID No.："). A gloss is
 * looked for only right after the Chinese label: after a colon comes the value, even one made of
 * Latin letters (a verification code, a romanised name).
 */
function skipLabelTail(text: string, from: number): number {
  let index = from;
  const gloss = LABEL_GLOSS.exec(text.slice(index));
  if (gloss) index += gloss[0].length;
  while (index < text.length && /[:：]/.test(text[index] as string)) index++;
  return index;
}

function valueToTheRight<T extends FieldValue>(
  page: OcrPage,
  compact: TextWithPositions,
  from: number,
  field: LabelledField<T>,
): PageChar[] {
  const chars: PageChar[] = [];
  let index = skipLabelTail(compact.text, from);
  const stop = new RegExp(field.stopLabels.source, 'y');
  for (; index < compact.text.length; index++) {
    stop.lastIndex = index;
    if (stop.test(compact.text)) break;
    const ch = compact.charAt[index];
    if (!ch) continue;
    const previous = chars[chars.length - 1];
    if (previous && previous !== ch && ch.x0 - previous.x1 > MAX_GAP_IN_VALUE * page.lineHeight) break;
    if (previous && previous !== ch && startsUnknownLabel(compact, index, previous)) break;
    if (previous !== ch) chars.push(ch);
  }
  return chars;
}

/** A label the lexicon does not know: a few Han characters ending in a colon ("打印日期：", "院校代码:"). */
const COLON_LABEL = /^\p{Script=Han}[\p{Script=Han}()、]{1,9}[:：]/u;

/**
 * Another label of the same row starts at `index` ("报告单编号：… 打印日期：2024-02-26"): a run of Han
 * characters ending in a colon, set off from the value before it by a gap or a box boundary. Text
 * running straight on is not split (the 月 of "2023年12月打印日期：" or the end of a school name would
 * be taken for the label's start); the known labels end a value there.
 */
function startsUnknownLabel(compact: TextWithPositions, index: number, previous: PageChar): boolean {
  const ch = compact.charAt[index];
  if (!ch || !COLON_LABEL.test(compact.text.slice(index))) return false;
  return ch.box !== previous.box || ch.x0 - previous.x1 > 0.25 * (ch.y1 - ch.y0);
}

/**
 * The value printed under a label: the segment of a following row that stands under the label
 * (overlapping it, or centred near it) and parses. Rows of English glosses ("Admission Ticket No.",
 * "Total") and seal fragments between the label and its value are passed over, and the search
 * window moves down past them. The nearest segment under the label decides: when it is there but
 * cannot be parsed, the field is unreadable (null), not read from a row further down.
 */
function valueBelow<T extends FieldValue>(
  page: OcrPage,
  rowIndex: number,
  labelChars: PageChar[],
  field: LabelledField<T>,
): FieldReading<T> | null {
  const below = segmentBelow(page, rowIndex, labelChars, field);
  return below ? parseChars(below.chars, below.row, field.parse) : null;
}

/** The segment standing under a label in the nearest row that has one (see valueBelow). */
function segmentBelow<T extends FieldValue>(
  page: OcrPage,
  rowIndex: number,
  labelChars: PageChar[],
  field: Omit<LabelledField<T>, 'parse'> & { parse?: LabelledField<T>['parse'] },
): { chars: PageChar[]; row: PageRow } | null {
  if (labelChars.length === 0) return null;
  const labelX0 = Math.min(...labelChars.map((c) => c.x0));
  const labelX1 = Math.max(...labelChars.map((c) => c.x1));
  let reachBottom = Math.max(...labelChars.map((c) => c.y1));
  const labelHeight = reachBottom - Math.min(...labelChars.map((c) => c.y0));
  for (const row of page.rows.slice(rowIndex + 1)) {
    if (row.top > reachBottom + MAX_DISTANCE_BELOW * labelHeight) break;
    let best: { chars: PageChar[]; overlap: number } | null = null;
    let passedOver = false;
    for (const segment of segmentsOf(row, field.stopLabels)) {
      const x0 = Math.min(...segment.map((c) => c.x0));
      const x1 = Math.max(...segment.map((c) => c.x1));
      const overlap = Math.min(x1, labelX1) - Math.max(x0, labelX0);
      const centreDistance = Math.abs((x0 + x1) / 2 - (labelX0 + labelX1) / 2);
      const isUnderLabel = overlap > 0 || centreDistance <= Math.max(labelX1 - labelX0, labelHeight);
      if (!isUnderLabel) continue;
      const text = segment.map((c) => c.ch).join('');
      if (LATIN_ONLY.test(text) && (field.parse?.(text) ?? null) === null) {
        passedOver = true;
        continue;
      }
      if (field.noise && new RegExp(`^(?:${field.noise.source})$`).test(text)) {
        passedOver = true;
        continue;
      }
      if (best === null || overlap > best.overlap) best = { chars: segment, overlap };
    }
    if (best) return { chars: best.chars, row };
    if (passedOver) reachBottom = Math.max(reachBottom, row.bottom);
  }
  return null;
}

/**
 * Splits a row into value segments: at a gap between two boxes or a space that does not stand
 * between two Han characters (tesseract spaces CJK text out), and before any label. Boxes that
 * touch are not split.
 */
function segmentsOf(row: PageRow, stopLabels: RegExp): PageChar[][] {
  const segments: PageChar[][] = [];
  let current: PageChar[] = [];
  const height = row.bottom - row.top;
  row.chars.forEach((c, i) => {
    if (c.ch !== ' ') {
      current.push(c);
      return;
    }
    const before = row.chars[i - 1]?.ch ?? '';
    const after = row.chars[i + 1]?.ch ?? '';
    const betweenHan = /\p{Script=Han}/u.test(before) && /\p{Script=Han}/u.test(after);
    // Boxes that touch (a PDF text layer's words: "2021" "年" "6" "月") are one value.
    const touching = c.x1 - c.x0 < 0.25 * height;
    if ((!betweenHan && !touching) || c.x1 - c.x0 > 0.8 * height) {
      if (current.length > 0) segments.push(current);
      current = [];
    }
  });
  if (current.length > 0) segments.push(current);
  return segments
    .map((segment) => {
      const text = segment.map((c) => c.ch).join('');
      const labelAt = text.search(new RegExp(stopLabels.source));
      return labelAt === -1 ? segment : segment.slice(0, labelAt);
    })
    .filter((segment) => segment.length > 0);
}

function parseChars<T extends FieldValue>(
  chars: PageChar[],
  row: PageRow,
  parse: (text: string) => T | null,
): FieldReading<T> | null {
  const first = row.chars.indexOf(chars[0] as PageChar);
  const last = row.chars.indexOf(chars[chars.length - 1] as PageChar);
  const printed = (first >= 0 && last >= first ? row.chars.slice(first, last + 1) : chars)
    .map((c) => c.ch)
    .join('')
    .trim();
  const value = parse(printed);
  if (value === null) return null;
  return { value, evidence: evidenceOf(chars, printed) };
}

/**
 * When the text to the right of a label does not parse as a whole, a stray box may stand in it (a
 * value of the row above or below that a tilted photo pulled into this row: "毕(结)业日期 2
 * 2021年06月28日"). The parts between box gaps are tried one by one; the value is read only when
 * exactly one part parses, so two plausible candidates leave the field unreadable.
 */
function parseOnePart<T extends FieldValue>(
  chars: PageChar[],
  row: PageRow,
  parse: (text: string) => T | null,
): FieldReading<T> | null {
  const first = row.chars.indexOf(chars[0] as PageChar);
  const last = row.chars.indexOf(chars[chars.length - 1] as PageChar);
  if (first < 0 || last < first) return null;
  const parts: PageChar[][] = [[]];
  const span = row.chars.slice(first, last + 1);
  span.forEach((c, i) => {
    if (c.ch !== ' ') {
      (parts[parts.length - 1] as PageChar[]).push(c);
      return;
    }
    const betweenHan =
      /\p{Script=Han}/u.test(span[i - 1]?.ch ?? '') && /\p{Script=Han}/u.test(span[i + 1]?.ch ?? '');
    if (!betweenHan) parts.push([]);
  });
  const readings = parts
    .filter((part) => part.length > 0)
    .map((part) => parseChars(part, row, parse))
    .filter((r): r is FieldReading<T> => r !== null);
  return readings.length === 1 ? (readings[0] as FieldReading<T>) : null;
}

export interface TextMatch {
  text: string;
  chars: PageChar[];
  groups: Record<string, { text: string; chars: PageChar[] } | undefined>;
}

/** Matches a pattern on page text and maps the match and its named groups back to characters. */
export function searchPage(text: TextWithPositions, pattern: RegExp): TextMatch[] {
  const flags = `${pattern.flags.replace(/[gdy]/g, '')}gd`;
  const matches: TextMatch[] = [];
  for (const match of text.text.matchAll(new RegExp(pattern.source, flags))) {
    const charsIn = (start: number, end: number) =>
      uniqueChars(text.charAt.slice(start, end).filter((c): c is PageChar => c !== null));
    const groups: TextMatch['groups'] = {};
    for (const [name, span] of Object.entries(match.indices?.groups ?? {})) {
      if (span)
        groups[name] = {
          text: text.text.slice(span[0], span[1]).replaceAll('\n', ''),
          chars: charsIn(span[0], span[1]),
        };
    }
    matches.push({ text: match[0], chars: charsIn(match.index, match.index + match[0].length), groups });
  }
  return matches;
}

function uniqueChars(chars: PageChar[]): PageChar[] {
  return chars.filter((c, i) => chars[i - 1] !== c);
}

/** A reading made from a template match group parsed by `parse`. */
export function readGroup<T extends FieldValue>(
  match: TextMatch | undefined,
  group: string,
  parse: (text: string) => T | null,
): FieldReading<T> | null {
  const part = match?.groups[group];
  if (!part) return null;
  const value = parse(part.text);
  return value === null ? null : { value, evidence: evidenceOf(part.chars, part.text) };
}
