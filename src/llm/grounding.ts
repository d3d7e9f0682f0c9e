import { z } from 'zod';
import type { FieldValue } from '../documents/document-types.js';
import { isoDate, isoMonth } from '../documents/field-formats.js';
import type { Box, OcrResult } from '../pipeline/ocr/ocr.types.js';
import { DATE_NUMERAL_CLASS, toIsoDate, toIsoMonth } from '../text/dates.js';
import { normalizeDigitField } from '../text/digits.js';
import { NAME_DOT } from '../text/names.js';
import { normalizeText } from '../text/unicode.js';

/**
 * How a model value is looked for in the OCR text:
 * digits (identifiers and scores: digit look-alikes folded), id (ID numbers: look-alikes, mask
 * characters, X), code (letters and digits as printed), text (NFKC, no spaces, name dots),
 * date / month (any printed form, Chinese numerals included, parsed to the contract format),
 * enum (the value or its printed wording), ignored (never taken from the model: booleans and
 * values derived rather than printed).
 */
export type FieldKind = 'digits' | 'id' | 'code' | 'text' | 'date' | 'month' | 'enum' | 'ignored';

/** Fields the model may not fill: not printed as such (derived) or not a reading (a flag). */
const IGNORED_FIELDS = new Set(['listeningExempt', 'studyType', 'durationYears']);
const ID_FIELDS = new Set(['idNumber']);
const CODE_FIELDS = new Set(['verificationCode', 'oralTicketNumber', 'oralGrade', 'certificateNumber']);

/** Field kinds from the type's zod schema (its JSON schema types and patterns). */
export function fieldKindsOf(schema: z.ZodObject): Record<string, FieldKind> {
  const json = z.toJSONSchema(schema, { io: 'output' }) as {
    properties?: Record<string, { anyOf?: Record<string, unknown>[] } & Record<string, unknown>>;
  };
  const isoDatePattern = (z.toJSONSchema(isoDate) as { pattern?: string }).pattern;
  const isoMonthPattern = (z.toJSONSchema(isoMonth) as { pattern?: string }).pattern;
  const kinds: Record<string, FieldKind> = {};
  for (const [name, property] of Object.entries(json.properties ?? {})) {
    const node = property.anyOf?.find((item) => item.type !== 'null') ?? property;
    const pattern = typeof node.pattern === 'string' ? node.pattern : '';
    if (IGNORED_FIELDS.has(name) || node.type === 'boolean') kinds[name] = 'ignored';
    else if (ID_FIELDS.has(name)) kinds[name] = 'id';
    else if (node.type === 'integer' || node.type === 'number') kinds[name] = 'digits';
    else if (Array.isArray(node.enum)) kinds[name] = 'enum';
    else if (pattern === isoDatePattern) kinds[name] = 'date';
    else if (pattern === isoMonthPattern) kinds[name] = 'month';
    else if (/^\^\\d\{[\d,]+\}\$$/.test(pattern)) kinds[name] = 'digits';
    else if (CODE_FIELDS.has(name)) kinds[name] = 'code';
    else kinds[name] = 'text';
  }
  return kinds;
}

/** Where a model value was found: the OCR lines' text and box, and their confidence. */
export interface Grounding {
  /** The OCR text that carries the value, as read. */
  text: string;
  box: Box;
  confidence: number;
  /** True when digit look-alikes had to be folded to match. */
  folded: boolean;
}

interface HayChar {
  ch: string;
  line: number;
  /** Index of the source character in its line's text. */
  at: number;
  folded: boolean;
}

/**
 * Finds `value` in the OCR text after the normalisation its kind calls for, first within one
 * line, then across neighbouring lines (a value OCR split into several boxes). Returns null when
 * it is not there: the value is then not grounded and must be discarded.
 */
export function groundValue(value: FieldValue, kind: FieldKind, ocr: OcrResult): Grounding | null {
  if (value === null || typeof value === 'boolean' || kind === 'ignored') return null;
  const wanted = String(value);
  if (kind === 'date' || kind === 'month') return groundDate(wanted, kind, ocr);
  const hay = haystack(ocr, kind);
  const patterns: RegExp[] = [];
  if (kind === 'enum') {
    patterns.push(...enumWordings(wanted));
  } else {
    const needle = [...normalizeText(wanted).replace(/\s+/g, '')].map((ch) => fold(ch, kind).ch).join('');
    if (!needle) return null;
    const bounded = kind === 'digits' || kind === 'id' || kind === 'code';
    const escaped = escapeRegExp(needle);
    patterns.push(new RegExp(bounded ? `(?<![0-9A-Z])${escaped}(?![0-9A-Z])` : escaped, 'u'));
  }
  for (const pattern of patterns) {
    const found = search(hay, pattern, ocr);
    if (found) return found;
  }
  return null;
}

function haystack(ocr: OcrResult, kind: FieldKind): HayChar[] {
  const chars: HayChar[] = [];
  ocr.lines.forEach((line, lineIndex) => {
    if (lineIndex > 0) chars.push({ ch: '\n', line: lineIndex, at: -1, folded: false });
    [...line.text].forEach((raw, at) => {
      const normalized = normalizeText(raw);
      for (const ch of normalized) {
        if (/\s/u.test(ch)) continue;
        const folded = fold(ch, kind);
        chars.push({ ch: folded.ch, line: lineIndex, at, folded: folded.folded });
      }
    });
  });
  return chars;
}

const MASK_LOOK_ALIKES = /[*＊×✱※]/;
const NAME_DOT_LOOK_ALIKES = /[•・･‧∙⋅．.·]/;

function fold(ch: string, kind: FieldKind): { ch: string; folded: boolean } {
  if (kind === 'digits' || kind === 'id') {
    if (kind === 'id' && /[xX]/.test(ch)) return { ch: 'X', folded: false };
    if (kind === 'id' && MASK_LOOK_ALIKES.test(ch)) return { ch: '*', folded: false };
    if (/[0-9]/.test(ch)) return { ch, folded: false };
    const digit = normalizeDigitField(ch);
    return digit !== null && digit.length === 1 ? { ch: digit, folded: true } : { ch, folded: false };
  }
  if (kind === 'code') return { ch: ch.toUpperCase(), folded: false };
  if (NAME_DOT_LOOK_ALIKES.test(ch)) return { ch: NAME_DOT, folded: false };
  return { ch, folded: false };
}

/** Searches one line at a time (separators kept), then the text with line breaks removed. */
function search(hay: HayChar[], pattern: RegExp, ocr: OcrResult): Grounding | null {
  const withBreaks = hay;
  const withoutBreaks = hay.filter((c) => c.ch !== '\n');
  for (const chars of [withBreaks, withoutBreaks]) {
    const text = chars.map((c) => c.ch).join('');
    const match = pattern.exec(text);
    if (!match) continue;
    const units = unitsToChars(chars);
    const first = units[match.index];
    const last = units[match.index + match[0].length - 1];
    if (first === undefined || last === undefined) continue;
    return groundingOf(chars.slice(first, last + 1), ocr);
  }
  return null;
}

/** Maps UTF-16 offsets of the joined text to indexes in `chars` (astral characters are 2 units). */
function unitsToChars(chars: HayChar[]): number[] {
  const map: number[] = [];
  chars.forEach((c, index) => {
    for (let i = 0; i < c.ch.length; i++) map.push(index);
  });
  return map;
}

function groundingOf(span: HayChar[], ocr: OcrResult): Grounding | null {
  const lines = [...new Set(span.filter((c) => c.at >= 0).map((c) => c.line))].sort((a, b) => a - b);
  const boxes: Box[] = [];
  const texts: string[] = [];
  let confidence = 1;
  for (const index of lines) {
    const line = ocr.lines[index];
    if (!line) continue;
    const ats = span.filter((c) => c.line === index && c.at >= 0).map((c) => c.at);
    const sourceChars = [...line.text];
    texts.push(sourceChars.slice(Math.min(...ats), Math.max(...ats) + 1).join(''));
    boxes.push(line.box);
    confidence = Math.min(confidence, line.confidence);
  }
  const box = unionBox(boxes);
  if (!box) return null;
  return { text: texts.join(''), box, confidence, folded: span.some((c) => c.folded) };
}

function unionBox(boxes: Box[]): Box | null {
  if (boxes.length === 0) return null;
  const x0 = Math.min(...boxes.map((b) => b[0]));
  const y0 = Math.min(...boxes.map((b) => b[1]));
  const x1 = Math.max(...boxes.map((b) => b[0] + b[2]));
  const y1 = Math.max(...boxes.map((b) => b[1] + b[3]));
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Printed wordings of enum values (CET level from the title, education levels, gender). */
function enumWordings(value: string): RegExp[] {
  const wordings: Record<string, RegExp[]> = {
    CET4: [/四级|CET-?4/i],
    CET6: [/六级|CET-?6/i],
    本科: [/本科|专升本/],
    专科: [/专科|大专|高职/],
    硕士研究生: [/硕士/],
    博士研究生: [/博士/],
    第二学士学位: [/第二学士/],
  };
  return wordings[value] ?? [new RegExp(escapeRegExp(value), 'u')];
}

const DATE_PATTERNS = [
  new RegExp(`${DATE_NUMERAL_CLASS}{4}年${DATE_NUMERAL_CLASS}{1,3}月(?:${DATE_NUMERAL_CLASS}{1,3}日)?`, 'gu'),
  /\d{4}[年./-]\d{1,2}(?:[月./-]\d{1,2}日?|月)?/gu,
];

/** A date is grounded when a printed date in the text converts to exactly the model's value. */
function groundDate(value: string, kind: 'date' | 'month', ocr: OcrResult): Grounding | null {
  const hay = haystack(ocr, 'text');
  const convert = kind === 'date' ? toIsoDate : toIsoMonth;
  for (const chars of [hay, hay.filter((c) => c.ch !== '\n')]) {
    const text = chars.map((c) => c.ch).join('');
    const units = unitsToChars(chars);
    for (const pattern of DATE_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        if (convert(match[0]) !== value) continue;
        const first = units[match.index];
        const last = units[match.index + match[0].length - 1];
        if (first === undefined || last === undefined) continue;
        const grounding = groundingOf(chars.slice(first, last + 1), ocr);
        if (grounding) return grounding;
      }
    }
  }
  return null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
