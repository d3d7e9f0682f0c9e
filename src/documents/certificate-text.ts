import { DATE_NUMERAL_CLASS, toImpossibleIsoDate, toIsoDate } from '../text/dates.js';
import { normalizeDigitField } from '../text/digits.js';
import { STUDY_TYPE_OF_CERTIFICATE_DIGIT } from '../text/education.js';
import { normalizeText, removeWhitespace } from '../text/unicode.js';
import { evidenceOf, type FieldReading, surely } from './extraction-builder.js';
import { readGroup, searchPage } from './field-reading.js';
import type { OcrPage } from './ocr-page.js';
import { slotRegions, type ValueRegion } from './value-regions.js';

/** Patterns shared by the diploma and degree templates (docs/formats.md §2.2, §3.3, §6.4). */
const D = DATE_NUMERAL_CLASS;
export const FULL_DATE = `${D}{4}年${D}{1,3}月${D}{1,3}[日号]`;
export const YEAR_MONTH = `${D}{4}年${D}{1,3}月`;
export const BIRTH_DATE_PATTERN = new RegExp(`(?<birth>${FULL_DATE})生`);
/** 于 is read as 千 or 干 on photos (a look-alike, §6.3); the date after it decides. */
export const STUDY_PERIOD_PATTERN = new RegExp(
  `[于自千干](?<start>${YEAR_MONTH})份?(?:起)?至(?<end>${YEAR_MONTH})份?`,
);
/**
 * The two ends of the study period on their own, for a body where OCR garbled the other end
 * ("于二〇二年九月至二〇二六年六月": the start lost a digit, the end is still readable).
 */
export const STUDY_START_PATTERN = new RegExp(`[于自千干](?<start>${YEAR_MONTH})份?(?:起)?至`);
export const STUDY_END_PATTERN = new RegExp(
  `年${DATE_NUMERAL_CLASS}{1,3}月份?(?:起)?至(?<end>${YEAR_MONTH})份?`,
);
/** 性别男 / 性别：女; 别 is often misread (性例男) or lost (性女) on photos: 性 + 男/女 decides. */
export const GENDER_PATTERN = /性(?:别|例|剐|刖|列)?[:：]?(?<gender>[男女])/;

/**
 * Slots of the body sentence shared by the diploma and degree templates, for placing a value the
 * rules could not parse (src/documents/value-regions.ts): what stands before 生, between 于 and 至,
 * after 至, and after 性别.
 */
export const BIRTH_DATE_SLOT = /(?<value>[^，,。.\n]{4,24}?)生/;
export const STUDY_START_SLOT = /[于自千干](?<value>[^，,。至]{4,16}?)份?(?:起)?至/;
export const STUDY_END_SLOT = /至(?<value>[^，,。至在]{4,16})/;
export const GENDER_SLOT = /性(?:别|例|剐|刖|列)?[:：]?(?<value>[男女])/;
/** A full date's shape, whatever its numerals read as, not followed by 生 (a birth date). */
const ISSUE_DATE_SLOT = /(?<value>[^，,。.\n]{2,6}年[^，,。.\n]{1,4}月[^，,。.\n]{1,5}?[日号])(?!生)/;

/** Where the issue date is printed: the last full date of the page (as readIssueDate reads it). */
export function issueDateRegions(page: OcrPage): ValueRegion[] {
  return slotRegions(page.joined, ISSUE_DATE_SLOT).slice(-1);
}

/**
 * The birth date of the body ("…一九九七年二月三十日生"): a real date, or, read surely, a date that
 * does not exist on the calendar, kept as printed for the calendar rule (a tampered date). An unsure
 * reading of an impossible date is unreadable (null).
 */
export function readBirthDate(page: OcrPage): FieldReading<string> | null {
  const match = searchPage(page.flat, BIRTH_DATE_PATTERN)[0];
  return readGroup(match, 'birth', toIsoDate) ?? surely(readGroup(match, 'birth', toImpossibleIsoDate));
}

/** The issue date: the last full date on the page that is not a birth date (…日生). */
export function readIssueDate(page: OcrPage): FieldReading<string> | null {
  const dates = searchPage(page.flat, new RegExp(`${FULL_DATE}(?!生)`));
  for (const match of dates.reverse()) {
    const iso = toIsoDate(match.text);
    if (iso !== null) return { value: iso, evidence: evidenceOf(match.chars, match.text) };
  }
  return null;
}

/** Majors and schools: NFKC, no whitespace, a trailing "(网络教育)" or similar note removed. */
export function cleanMajor(text: string): string | null {
  const value = removeWhitespace(normalizeText(text))
    .replace(/\((?:网络教育|函授|业余|脱产|成人教育|自学考试)\)/g, '')
    .replace(/^[,，:：]+|[,，。]+$/g, '');
  return value.length >= 2 && value.length <= 40 && /\p{Script=Han}/u.test(value) ? value : null;
}

/**
 * A graduation certificate (= CHSI registration) number (§2.4): 18 digits, or 17 for graduation
 * years up to 2002. A 17-digit reading is accepted only with the full structure of such a number
 * (type digit, a year up to 2002, a level code): otherwise it is an 18-digit number with a digit
 * lost by OCR, not the printed value, and it is unreadable (null), not rejected as malformed.
 */
export function parseDiplomaNumber(text: string): string | null {
  const digits = normalizeDigitField(text);
  if (digits === null) return null;
  if (digits.length === 18) return digits;
  if (/^\d{5}[15679](?:19\d{2}|200[0-2])0[12456]\d{5}$/.test(digits)) return digits;
  return null;
}

/**
 * A 17-digit graduation certificate number as printed, whatever its year: for a reading sure enough
 * (`surely`) to be judged by rule G1 (17 digits only up to 2002). The targeted re-read has already
 * tried every 17-digit run again and lowered the line's confidence when it saw another length.
 */
export function parseSeventeenDigitNumber(text: string): string | null {
  const digits = normalizeDigitField(text);
  return digits !== null && digits.length === 17 ? digits : null;
}

/** Study type from certificate-number digit 6 (§2.4), or null for an unknown digit. */
export function studyTypeOfCertificateNumber(certificateNumber: string): string | null {
  return STUDY_TYPE_OF_CERTIFICATE_DIGIT[certificateNumber[5] ?? ''] ?? null;
}

/** The study-type wording printed on the face, most specific first (G3). */
export function readPrintedStudyType(page: OcrPage): FieldReading<string> | null {
  const wordings: [RegExp, string][] = [
    [/网络教育/, '网络教育'],
    [/成人高等教育|成人教育/, '成人高等教育'],
    [/自学考试/, '高等教育自学考试'],
    [/普通高等学校|普通高等教育/, '普通高等教育'],
  ];
  for (const [pattern, studyType] of wordings) {
    const match = searchPage(page.flat, pattern)[0];
    if (match) return { value: studyType, evidence: evidenceOf(match.chars, match.text) };
  }
  return null;
}
