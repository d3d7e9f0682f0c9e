import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDate, isoMonth } from '../documents/field-formats.js';
import {
  isRealCalendarDate,
  parseIsoDate,
  parseNumeralSmallNumber,
  parseNumeralYear,
  parsePrintedDate,
  toIsoDate,
  toIsoMonth,
} from './dates.js';
import { normalizeDigitField, parseIntegerField } from './digits.js';
import {
  EDUCATION_CATEGORIES,
  EDUCATION_LEVELS,
  educationLevelOfCode,
  normalizeEducationCategory,
  normalizeEducationLevel,
  parseDegreeName,
  parseYearsCount,
} from './education.js';
import {
  idNumberFacts,
  isMaskedIdNumber,
  matchIdNumbers,
  normalizeIdNumber,
  normalizePrintedIdNumber,
  validateIdNumber,
} from './id-number.js';
import { matchNames, normalizeName } from './names.js';
import {
  foldRadicalsSupplement,
  normalizeText,
  removeWhitespace,
  toFullWidth,
  toHalfWidth,
} from './unicode.js';

/**
 * Arbitrary text never makes a normalizer or parser throw, and what they return has the
 * contract's shape. Two sources: any code points (lone surrogates included), and text from the
 * characters printed documents actually hold, so the parsing paths are reached.
 */
const DOCUMENT_CHARS = [
  ...'0123456789０１２３４５６７８９OoIlZSBX×xX*＊',
  ...'〇○零一二三四五六七八九十年月日号至起止—-–/.．、 \u3000\t\n',
  ...'男女本科专科硕士博士学位研究生学士工学理学文学普通全日制业余函授学历教育',
  ...'张王李司马欧阳·•姓名身份证号码证书编号出生',
  '\u200b',
  '\ufeff',
  '\u0301',
  '\u2F00',
  '\u2E80',
  '\ud800',
];
const documentText = fc
  .array(fc.constantFrom(...DOCUMENT_CHARS), { maxLength: 40 })
  .map((chars) => chars.join(''));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  documentText,
  // lookups in plain objects must not find inherited keys
  fc.constantFrom('toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'),
);
const today = new Date('2026-06-01T00:00:00Z');
const runs = { numRuns: 300 };

const ID_SHAPE = /^[0-9*]{17}[0-9X*]$/;

describe('text normalizers and parsers under arbitrary input', () => {
  it('unicode helpers return strings and never throw; normalizeText is idempotent', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        for (const fn of [
          normalizeText,
          toHalfWidth,
          toFullWidth,
          removeWhitespace,
          foldRadicalsSupplement,
        ]) {
          expect(typeof fn(raw)).toBe('string');
        }
        expect(normalizeText(normalizeText(raw))).toBe(normalizeText(raw));
        expect(removeWhitespace(raw)).not.toMatch(/\s/u);
      }),
      runs,
    );
  });

  it('dates are YYYY-MM-DD real calendar dates, months YYYY-MM, or null', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const iso = toIsoDate(raw);
        if (iso !== null) {
          expect(isoDate.safeParse(iso).success).toBe(true);
          const parsed = parseIsoDate(iso);
          expect(parsed?.day != null && isRealCalendarDate(parsed.year, parsed.month, parsed.day)).toBe(true);
        }
        const month = toIsoMonth(raw);
        if (month !== null) expect(isoMonth.safeParse(month).success).toBe(true);
        const printed = parsePrintedDate(raw);
        if (printed?.day != null)
          expect(isRealCalendarDate(printed.year, printed.month, printed.day)).toBe(true);
        else if (printed) expect(printed.month >= 1 && printed.month <= 12).toBe(true);
        const year = parseNumeralYear(raw);
        if (year !== null) expect(Number.isInteger(year)).toBe(true);
        const small = parseNumeralSmallNumber(raw);
        if (small !== null) expect(Number.isInteger(small)).toBe(true);
        parseIsoDate(raw);
      }),
      runs,
    );
  });

  it('digit fields are digit strings, integers safe integers, or null', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const digits = normalizeDigitField(raw);
        if (digits !== null) expect(digits).toMatch(/^\d+$/);
        const n = parseIntegerField(raw);
        if (n !== null) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        const years = parseYearsCount(raw);
        if (years !== null) expect(Number.isFinite(years)).toBe(true);
      }),
      runs,
    );
  });

  it('ID numbers normalise to the contract shape or null, and checks never throw', () => {
    fc.assert(
      fc.property(anyText, anyText, (raw, other) => {
        for (const id of [normalizeIdNumber(raw), normalizePrintedIdNumber(raw)]) {
          if (id === null) continue;
          expect(id).toMatch(ID_SHAPE);
          isMaskedIdNumber(id);
          idNumberFacts(id);
          expect(Array.isArray(validateIdNumber(id, today))).toBe(true);
        }
        validateIdNumber(raw, today);
        matchIdNumbers(raw, other);
      }),
      runs,
    );
  });

  it('ID numbers built from digits always normalise to themselves', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        expect(normalizeIdNumber(id)).toBe(id);
        expect(normalizeIdNumber(id.toLowerCase())).toBe(id);
      }),
      runs,
    );
  });

  it('names and education values keep to their closed sets', () => {
    fc.assert(
      fc.property(anyText, anyText, (raw, other) => {
        expect(typeof normalizeName(raw)).toBe('string');
        matchNames(raw, other);
        const level = normalizeEducationLevel(raw);
        if (level !== null) expect(EDUCATION_LEVELS).toContain(level);
        const category = normalizeEducationCategory(raw);
        if (category !== null) expect(EDUCATION_CATEGORIES).toContain(category);
        const coded = educationLevelOfCode(raw);
        if (coded !== null) expect(EDUCATION_LEVELS).toContain(coded);
        const degree = parseDegreeName(raw);
        if (degree) expect(['学士', '硕士', '博士']).toContain(degree.level);
      }),
      runs,
    );
  });
});
