import { CHINESE_DIGITS, chineseDigitValue } from './numerals.js';
import { normalizeText, removeWhitespace } from './unicode.js';

/**
 * Dates as printed on the documents (docs/formats.md §6.4): Chinese numerals on diplomas
 * (二〇一七年六月三十日, OCR variants of 〇: O, 0, ○, ◯, and of 二: =), Arabic with 年月日 on CHSI and CET reports
 * (2024年6月30日, 2024年09月07日), and ISO-like (2025-12-13, 2024-06).
 */

export interface CalendarDate {
  year: number;
  month: number;
  /** null when only a month was printed. */
  day: number | null;
}

const ZERO_LOOK_ALIKES = '〇零OoQD0○◯';

/** A character class matching any character a printed date number may consist of. */
export const DATE_NUMERAL_CLASS = `[${ZERO_LOOK_ALIKES}${CHINESE_DIGITS}十1-9=]`;

function digitValue(ch: string): number | null {
  if (ZERO_LOOK_ALIKES.includes(ch)) return 0;
  // 二 read as "=" (two strokes), seen in photographed diploma dates.
  if (ch === '=') return 2;
  if (ch >= '1' && ch <= '9') return Number(ch);
  return chineseDigitValue(ch);
}

/** A year written digit by digit (二〇〇一, 二O一七, 2017). */
export function parseNumeralYear(text: string): number | null {
  const chars = [...text];
  if (chars.length !== 4) return null;
  let year = 0;
  for (const ch of chars) {
    const value = digitValue(ch);
    if (value === null) return null;
    year = year * 10 + value;
  }
  return year;
}

/**
 * A month or day number: Arabic (6, 06, 30), Chinese with 十-composition (十=10, 十一=11, 二十=20,
 * 二十三=23, 三十一=31), or a zero-padded Chinese form (〇六). Anything else (such as "三七", an OCR
 * merge of 二十七) is unreadable: null, never guessed.
 */
export function parseNumeralSmallNumber(text: string): number | null {
  const chars = [...text];
  if (chars.length === 0 || chars.length > 3) return null;
  const tenIndex = chars.indexOf('十');
  if (tenIndex === -1) {
    if (chars.length > 2) return null;
    // Two characters without 十 are a zero-padded number (06, 〇六); "三七" is an OCR merge.
    if (chars.length === 2 && digitValue(chars[0] as string) !== 0 && !/^\d\d$/.test(text)) return null;
    let value = 0;
    for (const ch of chars) {
      const digit = digitValue(ch);
      if (digit === null) return null;
      value = value * 10 + digit;
    }
    return value;
  }
  if (chars.lastIndexOf('十') !== tenIndex || tenIndex > 1) return null;
  const tensChar = tenIndex === 1 ? chars[0] : undefined;
  const unitsChar = chars[tenIndex + 1];
  const tens = tensChar === undefined ? 1 : chineseDigitValue(tensChar);
  const units = unitsChar === undefined ? 0 : chineseDigitValue(unitsChar);
  if (tens === null || units === null) return null;
  return tens * 10 + units;
}

export function isRealCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const NUMERAL = `${DATE_NUMERAL_CLASS}`;
const CHINESE_STYLE = new RegExp(`^(${NUMERAL}{4})年(${NUMERAL}{1,3})月(?:(${NUMERAL}{1,3})[日号]?)?$`);
const SEPARATED_STYLE = /^(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?$/;
const COMPACT_STYLE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Parses one printed date (the whole string, spaces ignored). Returns null unless the text is a
 * date and the date exists on the calendar.
 */
export function parsePrintedDate(raw: string): CalendarDate | null {
  const parts = printedDateParts(raw);
  if (parts === null) return null;
  const { year, month, day } = parts;
  if (day === undefined) {
    return isRealCalendarDate(year, month, 1) ? { year, month, day: null } : null;
  }
  return isRealCalendarDate(year, month, day) ? { year, month, day } : null;
}

/** Year, month and (when printed) day of a printed date, as numbers, before any calendar check. */
function printedDateParts(raw: string): { year: number; month: number; day: number | undefined } | null {
  const text = removeWhitespace(normalizeText(raw)).replace(/[。.,，]$/, '');
  const chinese = CHINESE_STYLE.exec(text);
  const parts = chinese
    ? {
        year: parseNumeralYear(chinese[1] ?? ''),
        month: parseNumeralSmallNumber(chinese[2] ?? ''),
        day: chinese[3] === undefined ? undefined : parseNumeralSmallNumber(chinese[3]),
      }
    : arabicParts(text);
  if (parts === null) return null;
  const { year, month, day } = parts;
  if (year === null || month === null || day === null) return null;
  return { year, month, day };
}

/**
 * `YYYY-MM-DD` of a printed full date that is well formed (a year 1900–2199, a month 1–12, a day
 * 1–31) but does not exist on the calendar: 二月三十日, 4月31日, 2月29日 of a common year. Such a date
 * is a tampering when it was read surely, a misreading otherwise; a day of 32 or more, or a month
 * of 13, is only ever a misreading (null). Null too for a real date (`toIsoDate` reads it).
 */
export function toImpossibleIsoDate(raw: string): string | null {
  const parts = printedDateParts(raw);
  if (parts === null || parts.day === undefined) return null;
  const { year, month, day } = parts;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (isRealCalendarDate(year, month, day)) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function arabicParts(
  text: string,
): { year: number | null; month: number | null; day: number | null | undefined } | null {
  const match = SEPARATED_STYLE.exec(text) ?? COMPACT_STYLE.exec(text);
  if (!match) return null;
  return {
    year: Number(match[1]),
    month: Number(match[2]),
    day: match[3] === undefined ? undefined : Number(match[3]),
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD`, or null when the text is not a full real date. */
export function toIsoDate(raw: string): string | null {
  const date = parsePrintedDate(raw);
  if (date === null || date.day === null) return null;
  return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** `YYYY-MM` from a printed month or full date (the day, when printed, must be real too). */
export function toIsoMonth(raw: string): string | null {
  const date = parsePrintedDate(raw);
  if (date === null) return null;
  return `${date.year}-${pad2(date.month)}`;
}

/** Splits `YYYY-MM` or `YYYY-MM-DD` (contract formats) into numbers. */
export function parseIsoDate(iso: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = match[3] === undefined ? null : Number(match[3]);
  if (!isRealCalendarDate(year, month, day ?? 1)) return null;
  return { year, month, day };
}

/** Whole months from `from` to `to` (both `YYYY-MM` or `YYYY-MM-DD`; days ignored). */
export function monthsBetween(from: CalendarDate, to: CalendarDate): number {
  return (to.year - from.year) * 12 + (to.month - from.month);
}

/** Compares as calendar positions; a month-only date counts as its first day. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || (a.day ?? 1) - (b.day ?? 1);
}

export function calendarDateOf(instant: Date): CalendarDate {
  return { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() };
}
