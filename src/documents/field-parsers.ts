import { normalizeDigitField } from '../text/digits.js';
import { normalizeName } from '../text/names.js';
import { normalizeText, removeWhitespace } from '../text/unicode.js';

/**
 * Parsers from printed text to contract values, shared by the extractors. Each returns null for
 * text that is not a plausible value of its kind: an unreadable field stays null.
 */

const NAME_SHAPE = /^[\p{Script=Han}·_?□*]{2,25}$|^[A-Za-z][A-Za-z·.' -]{1,48}[A-Za-z]$/u;

export function parsePersonName(text: string): string | null {
  const name = normalizeName(text.replace(/[，,。;；]+$/, ''));
  return NAME_SHAPE.test(name) ? name : null;
}

export function parseGender(text: string): '男' | '女' | null {
  const compact = removeWhitespace(normalizeText(text));
  return compact === '男' || compact === '女' ? compact : null;
}

/**
 * 大 read as a look-alike (docs/formats.md §6.3: 大/太/犬; 天 and 关 seen in real photos, often under
 * a seal) in the 大学 that ends an institution name ("浙江关学", "南京天学"): no institution name ends
 * in 天学, 关学, 太学 or 犬学, so only that ending is mapped, before an optional campus in brackets.
 */
const DAXUE_LOOK_ALIKE = /(?<=\p{Script=Han})[天关太犬]学(?=$|\()/u;

/** Institutions and majors: NFKC, no whitespace, full-width brackets folded by NFKC. */
export function parseInstitutionText(text: string): string | null {
  const value = removeWhitespace(normalizeText(text))
    .replace(/^[:：,，+*·•\-_]+|[,，。;；+*·•\-_]+$/g, '')
    .replace(DAXUE_LOOK_ALIKE, '大学');
  if (value.length < 2 || value.length > 40 || !/\p{Script=Han}/u.test(value) || /[:：]/.test(value))
    return null;
  return value;
}

/** A purely numeric identifier of one of the given lengths (look-alike letters mapped). */
export function digitsParser(...lengths: number[]): (text: string) => string | null {
  return (text) => {
    const digits = normalizeDigitField(text);
    return digits !== null && lengths.includes(digits.length) ? digits : null;
  };
}

/** An integer score of at most 3 digits. */
export function parseScore(text: string): number | null {
  const digits = normalizeDigitField(text);
  if (digits === null || digits.length === 0 || digits.length > 3) return null;
  return Number(digits);
}
