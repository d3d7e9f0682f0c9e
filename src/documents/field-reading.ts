import type { Extraction, FieldEvidence, FieldValue } from './document-types.js';
import {
  boxAround,
  compactRow,
  type OcrPage,
  type PageChar,
  type PageRow,
  type TextWithPositions,
} from './ocr-page.js';

/** A value read from the page with the characters it came from. */
export interface FieldReading<T extends FieldValue> {
  value: T;
  evidence: FieldEvidence;
}

export function evidenceOf(chars: readonly PageChar[], text?: string): FieldEvidence {
  const readChars = chars.filter((c) => c.ch !== ' ');
  return {
    text: text ?? readChars.map((c) => c.ch).join(''),
    box: boxAround(readChars),
    confidence: readChars.length > 0 ? Math.min(...readChars.map((c) => c.confidence)) : 0,
    source: 'rules',
  };
}

export interface LabelledField<T extends FieldValue> {
  /** The printed label, matched on a row's text with whitespace removed. */
  label: RegExp;
  /** Every label of the document: a value ends where the next label starts. */
  stopLabels: RegExp;
  /** The value as printed (whitespace kept) → the contract value, or null when unreadable. */
  parse: (text: string) => T | null;
}

/** A value runs on until a gap this many line heights wide: beyond it starts another column. */
const MAX_GAP_IN_VALUE = 2.5;
/** Where to look for a value printed under its label, in line heights below the label. */
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
    for (const match of compact.text.matchAll(new RegExp(field.label.source, 'g'))) {
      const labelStart = match.index;
      const labelEnd = labelStart + match[0].length;
      const labelChars = compact.charAt.slice(labelStart, labelEnd).filter((c): c is PageChar => c !== null);
      const rightChars = valueToTheRight(page, compact, labelEnd, field.stopLabels);
      if (rightChars.length > 0) {
        const reading = parseChars(rightChars, row, field.parse);
        if (reading) return reading;
        continue;
      }
      const belowChars = valueBelow(page, rowIndex, labelChars, field.stopLabels);
      if (belowChars !== null) {
        const rowBelow = page.rows.find((r) => r.chars.includes(belowChars[0] as PageChar));
        const reading = rowBelow ? parseChars(belowChars, rowBelow, field.parse) : null;
        if (reading) return reading;
      }
    }
  }
  return null;
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
    for (const match of compact.text.matchAll(new RegExp(field.label.source, 'g'))) {
      const labelEnd = match.index + match[0].length;
      const labelChars = compact.charAt.slice(match.index, labelEnd).filter((c): c is PageChar => c !== null);
      const rightChars = valueToTheRight(page, compact, labelEnd, field.stopLabels);
      const chars =
        rightChars.length > 0 ? rightChars : valueBelow(page, rowIndex, labelChars, field.stopLabels);
      if (chars === null || chars.length === 0) continue;
      const valueRow = page.rows.find((r) => r.chars.includes(chars[0] as PageChar));
      const reading = valueRow ? parseChars(chars, valueRow, field.parse) : null;
      const key = reading ? JSON.stringify(reading.evidence.box) : '';
      if (reading && !seen.has(key)) {
        seen.add(key);
        readings.push(reading);
      }
    }
  }
  return readings;
}

function valueToTheRight(
  page: OcrPage,
  compact: TextWithPositions,
  from: number,
  stopLabels: RegExp,
): PageChar[] {
  const chars: PageChar[] = [];
  let index = from;
  while (index < compact.text.length && /[:：]/.test(compact.text[index] as string)) index++;
  const stop = new RegExp(stopLabels.source, 'y');
  for (; index < compact.text.length; index++) {
    stop.lastIndex = index;
    if (stop.test(compact.text)) break;
    const ch = compact.charAt[index];
    if (!ch) continue;
    const previous = chars[chars.length - 1];
    if (previous && previous !== ch && ch.x0 - previous.x1 > MAX_GAP_IN_VALUE * page.lineHeight) break;
    if (previous !== ch) chars.push(ch);
  }
  return chars;
}

function valueBelow(
  page: OcrPage,
  rowIndex: number,
  labelChars: PageChar[],
  stopLabels: RegExp,
): PageChar[] | null {
  if (labelChars.length === 0) return null;
  const labelX0 = Math.min(...labelChars.map((c) => c.x0));
  const labelX1 = Math.max(...labelChars.map((c) => c.x1));
  const labelBottom = Math.max(...labelChars.map((c) => c.y1));
  const labelHeight = labelBottom - Math.min(...labelChars.map((c) => c.y0));
  for (const row of page.rows.slice(rowIndex + 1, rowIndex + 3)) {
    if (row.top > labelBottom + MAX_DISTANCE_BELOW * labelHeight) break;
    let best: { chars: PageChar[]; overlap: number } | null = null;
    for (const segment of segmentsOf(row, stopLabels)) {
      const x0 = Math.min(...segment.map((c) => c.x0));
      const x1 = Math.max(...segment.map((c) => c.x1));
      const overlap = Math.min(x1, labelX1) - Math.max(x0, labelX0);
      const centreDistance = Math.abs((x0 + x1) / 2 - (labelX0 + labelX1) / 2);
      const isUnderLabel = overlap > 0 || centreDistance <= Math.max(labelX1 - labelX0, labelHeight);
      if (isUnderLabel && (best === null || overlap > best.overlap)) best = { chars: segment, overlap };
    }
    if (best) return best.chars;
  }
  return null;
}

/**
 * Splits a row into value segments: at a gap between two boxes or a space that does not stand
 * between two Han characters (tesseract spaces CJK text out), and before any label.
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
    if (!betweenHan || c.x1 - c.x0 > 0.8 * height) {
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

/** Collects field values and their evidence; every schema field starts as null. */
export class ExtractionBuilder {
  private readonly fields: Extraction['fields'];
  private readonly evidence: Extraction['evidence'] = {};

  constructor(fieldNames: readonly string[]) {
    this.fields = Object.fromEntries(fieldNames.map((name) => [name, null]));
  }

  /** Sets a field unless it already has a value (the first, most specific reading wins). */
  set<T extends FieldValue>(field: string, reading: FieldReading<T> | null): void {
    if (reading === null || reading.value === null || this.fields[field] !== null) return;
    if (!(field in this.fields)) throw new Error(`${field} is not a field of this document type`);
    this.fields[field] = reading.value;
    this.evidence[field] = reading.evidence;
  }

  has(field: string): boolean {
    return this.fields[field] !== null && this.fields[field] !== undefined;
  }

  get(field: string): FieldValue {
    return this.fields[field] ?? null;
  }

  /** Evidence that is not a contract field (e.g. the printed study-type wording for rule G3). */
  note(key: string, evidence: FieldEvidence): void {
    this.evidence[key] = evidence;
  }

  build(): Extraction {
    return { fields: { ...this.fields }, evidence: { ...this.evidence } };
  }
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
