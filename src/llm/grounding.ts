import { z } from 'zod';
import type { FieldValue } from '../documents/document-types.js';
import { isoDate, isoMonth } from '../documents/field-formats.js';
import { boxAround, type PageChar } from '../documents/ocr-page.js';
import type { ValueRegion } from '../documents/value-regions.js';
import type { Box } from '../ocr/ocr.types.js';
import { DATE_NUMERAL_CLASS, toIsoDate, toIsoMonth } from '../text/dates.js';
import { normalizeDigitField } from '../text/digits.js';
import { NAME_DOT } from '../text/names.js';
import { isHan, normalizeText } from '../text/unicode.js';

/**
 * How a model value is looked for at its field's place:
 * digits (identifiers and scores: digit look-alikes folded), id (ID numbers: look-alikes, mask
 * characters, X), code (letters and digits as printed), text (NFKC, no spaces, name dots),
 * date / month (any printed form, Chinese numerals included, parsed to the contract format),
 * enum (the value or its printed wording), ignored (never taken from the model: booleans and
 * values derived rather than printed).
 */
export type FieldKind = 'digits' | 'id' | 'code' | 'text' | 'date' | 'month' | 'enum' | 'ignored';

/** Fields the model may not fill: not printed as such (derived) or not a reading (a flag). */
const IGNORED_FIELDS = new Set(['listeningExempt', 'studyType', 'durationYears', 'reportKind']);
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

/** Where a model value was found: the characters of its field's place that carry it. */
export interface Grounding {
  /** The characters that carry the value, as read (NFKC). */
  text: string;
  /** Their own box (not the whole OCR line's). */
  box: Box;
  confidence: number;
  /** True when digit look-alikes had to be folded to match. */
  folded: boolean;
}

interface HayChar {
  ch: string;
  source: PageChar;
  folded: boolean;
}

/**
 * Finds `value` at its field's place: in one of the regions where the document prints that field
 * (the document module's `valueRegions`), never elsewhere on the page, after the normalisation its
 * kind calls for. Text must be a whole part of a region (the region, or a piece of it standing
 * apart): a name inside a longer text (姓名为周明轩) is not that text's value. Identifiers and scores
 * must be a whole number of a part (so `57` is not inside `570`). Enums are their printed wording
 * inside the region (硕士 in a major is not the level), dates a printed date inside the region that
 * converts to the value. Returns null when the value is not printed there: it is not grounded.
 */
export function groundValue(
  value: FieldValue,
  kind: FieldKind,
  regions: readonly ValueRegion[],
): Grounding | null {
  if (value === null || typeof value === 'boolean' || kind === 'ignored') return null;
  const wanted = String(value);
  for (const region of regions) {
    const found = groundInRegion(wanted, kind, region.chars);
    if (found) return found;
  }
  return null;
}

function groundInRegion(wanted: string, kind: FieldKind, chars: PageChar[]): Grounding | null {
  if (chars.length === 0) return null;
  if (kind === 'date' || kind === 'month') {
    const convert = kind === 'date' ? toIsoDate : toIsoMonth;
    const hay = haystack(chars, 'text');
    for (const pattern of DATE_PATTERNS) {
      for (const found of matchesIn(hay, pattern)) {
        if (convert(found.map((c) => c.ch).join('')) === wanted) return groundingOf(found);
      }
    }
    return null;
  }
  if (kind === 'enum') {
    const hay = haystack(chars, 'text');
    for (const pattern of enumWordings(wanted)) {
      const [found] = matchesIn(hay, pattern);
      if (found) return groundingOf(found);
    }
    return null;
  }
  const needle = [...normalizeText(wanted).replace(/\s+/g, '')].map((ch) => fold(ch, kind).ch).join('');
  if (!needle) return null;
  const token = new RegExp(`(?<![0-9A-Z])${escapeRegExp(needle)}(?![0-9A-Z])`, 'gu');
  for (const part of [chars, ...partsOf(chars)]) {
    const hay = haystack(part, kind);
    if (kind === 'text') {
      const trimmed = trimSeparators(hay);
      if (trimmed.length > 0 && trimmed.map((c) => c.ch).join('') === needle) return groundingOf(trimmed);
      continue;
    }
    const [found] = matchesIn(hay, token);
    if (found) return groundingOf(found);
  }
  return null;
}

function haystack(chars: readonly PageChar[], kind: FieldKind): HayChar[] {
  const hay: HayChar[] = [];
  for (const source of chars) {
    for (const ch of normalizeText(source.ch)) {
      if (/\s/u.test(ch)) continue;
      const folded = fold(ch, kind);
      hay.push({ ch: folded.ch, source, folded: folded.folded });
    }
  }
  return hay;
}

/** Every match of a pattern on the haystack's text, as the haystack characters it covers. */
function matchesIn(hay: HayChar[], pattern: RegExp): HayChar[][] {
  const text = hay.map((c) => c.ch).join('');
  const units = unitsToChars(hay);
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  const found: HayChar[][] = [];
  for (const match of text.matchAll(new RegExp(pattern.source, flags))) {
    const first = units[match.index];
    const last = units[match.index + match[0].length - 1];
    if (first !== undefined && last !== undefined) found.push(hay.slice(first, last + 1));
  }
  return found;
}

/**
 * The pieces of a region that stand apart, as the rules split a value (field-reading.ts): at a space
 * that does not stand between two Han characters (another word or box: a stray value pulled into
 * the row by a tilted photo, a second column), and where the next character starts a new row.
 */
function partsOf(chars: readonly PageChar[]): PageChar[][] {
  const parts: PageChar[][] = [[]];
  chars.forEach((c, i) => {
    const current = parts[parts.length - 1] as PageChar[];
    if (c.ch === ' ') {
      const betweenHan = isHan(chars[i - 1]?.ch ?? '') && isHan(chars[i + 1]?.ch ?? '');
      if (!betweenHan) parts.push([]);
      return;
    }
    const previous = current[current.length - 1];
    if (previous && c.x0 < previous.x1 - 0.5 * (previous.y1 - previous.y0)) parts.push([c]);
    else current.push(c);
  });
  const pieces = parts.filter((part) => part.length > 0);
  // A region of one piece is already tried whole.
  return pieces.length > 1 ? pieces : [];
}

/** Punctuation around a value in its place ("：张伟，"), never part of a name, school or major. */
const SEPARATOR = /[:：,，。.;；、|/\\_\-—()[\]【】「」"'“”‘’]/u;

function trimSeparators(hay: HayChar[]): HayChar[] {
  let start = 0;
  let end = hay.length;
  while (start < end && SEPARATOR.test(hay[start]?.ch ?? '')) start++;
  while (end > start && SEPARATOR.test(hay[end - 1]?.ch ?? '')) end--;
  return hay.slice(start, end);
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

/** Maps UTF-16 offsets of the joined text to indexes in `chars` (astral characters are 2 units). */
function unitsToChars(chars: HayChar[]): number[] {
  const map: number[] = [];
  chars.forEach((c, index) => {
    for (let i = 0; i < c.ch.length; i++) map.push(index);
  });
  return map;
}

function groundingOf(span: HayChar[]): Grounding | null {
  const sources = span.map((c) => c.source).filter((c, i, all) => all.indexOf(c) === i);
  const box = boxAround(sources);
  if (!box) return null;
  return {
    text: sources.map((c) => c.ch).join(''),
    box,
    confidence: Math.min(...sources.map((c) => c.confidence)),
    folded: span.some((c) => c.folded),
  };
}

/**
 * Printed wordings of enum values (CET level from the title, education levels, gender). The 六级 of
 * the generic title 四、六级 names no level.
 */
function enumWordings(value: string): RegExp[] {
  const wordings: Record<string, RegExp[]> = {
    CET4: [/(?<!六[、,，]?)四级|CET-?4/i],
    CET6: [/(?<!四[、,，]?)六级|CET-?6/i],
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
