import { parseIsoDate } from '../../text/dates.js';
import { DEGREE_LEVEL_DIGITS, DISCIPLINE_CATEGORIES, parseDegreeName } from '../../text/education.js';
import { type Reason, reason } from '../../verdicts/reasons.js';
import type { Extraction, ValidationContext } from '../document-types.js';
import {
  birthDatePlausibilityReasons,
  calendarDateReasons,
  notInFutureReasons,
  stringField,
} from '../field-checks.js';

/** Degree certificate rules, docs/formats.md §3.4–§3.5 (D1, D2, D6, D8, number format) and Z8. */

export interface DegreeCertificateNumber {
  prefix: string;
  unit: string;
  levelDigit: string;
  year: number;
  /** True when a letter stands in the number (2006–2015 variants). */
  hasLetters: boolean;
}

export function parseDegreeCertificateNumberParts(value: string): DegreeCertificateNumber | null {
  const groups = /^(?<prefix>[CZTQ]?)(?<unit>\d{5})(?<level>\d)(?<year>\d{4})[0-9A-Z]\d{5}$/.exec(
    value,
  )?.groups;
  if (!groups) return null;
  return {
    prefix: groups.prefix as string,
    unit: groups.unit as string,
    levelDigit: groups.level as string,
    year: Number(groups.year),
    hasLetters: /[A-Z]/.test(value),
  };
}

/**
 * Number format: 16 digits, level digit 2/3/4 (HARD, 学位〔2015〕18号 S43). Letters (prefix C/Z/T/Q
 * or position 11) are 2006–2015 variants: SOFT when the year is ≤ 2015, HARD from 2016 on, when the
 * rule says "统一采取十六位阿拉伯数字".
 */
export function degreeNumberFormatReasons(extraction: Extraction): Reason[] {
  const value = stringField(extraction, 'certificateNumber');
  if (value === null) return [];
  const field = 'certificateNumber';
  const number = parseDegreeCertificateNumberParts(value);
  if (number === null) {
    return [reason('NUMBER_FORMAT_INVALID', 'hard', 'a degree certificate number has 16 digits', { field })];
  }
  const reasons: Reason[] = [];
  if (!Object.values(DEGREE_LEVEL_DIGITS).includes(number.levelDigit)) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', `${number.levelDigit} is not a degree level digit`, { field }),
    );
  }
  if (number.year < 2006 || number.year > 2099) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', `${number.year} is not a year of 16-digit numbering`, {
        field,
      }),
    );
  }
  if (number.hasLetters) {
    reasons.push(
      number.year <= 2015
        ? reason('NUMBER_FORMAT_INVALID', 'soft', 'a 2006–2015 number variant with letters', { field })
        : reason('NUMBER_FORMAT_INVALID', 'hard', 'numbers from 2016 on are 16 digits without letters', {
            field,
          }),
    );
  }
  return reasons;
}

/** D1 (HARD): digit 6 ↔ the degree level (2 博士, 3 硕士, 4 学士). */
export function degreeLevelDigitReasons(extraction: Extraction): Reason[] {
  const number = parseDegreeCertificateNumberParts(stringField(extraction, 'certificateNumber') ?? '');
  const degree = parseDegreeName(stringField(extraction, 'degree') ?? '');
  if (number === null || degree === null || DEGREE_LEVEL_DIGITS[degree.level] === number.levelDigit)
    return [];
  return [
    reason(
      'LEVEL_CODE_MISMATCH',
      'hard',
      `D1: level digit ${number.levelDigit} is not a ${degree.level} degree`,
      {
        field: 'degree',
      },
    ),
  ];
}

/** D2 (HARD): digits 7–10 == the year the degree was conferred. */
export function degreeYearReasons(extraction: Extraction): Reason[] {
  const number = parseDegreeCertificateNumberParts(stringField(extraction, 'certificateNumber') ?? '');
  const conferred = parseIsoDate(stringField(extraction, 'conferDate') ?? '');
  if (number === null || conferred === null || number.year === conferred.year) return [];
  return [
    reason('CROSS_FIELD_MISMATCH', 'hard', `D2: the number's year ${number.year} is not the conferral year`, {
      field: 'certificateNumber',
    }),
  ];
}

/**
 * D6 (SOFT): an academic degree is named <门类><level> with one of the 14 门类; professional degrees
 * (工商管理硕士, 法律硕士) exist only at master and doctor level. Whether the 门类 fits the major
 * needs a major → 门类 table, which the research does not provide.
 */
export function degreeNameReasons(extraction: Extraction): Reason[] {
  const printed = stringField(extraction, 'degree');
  if (printed === null) return [];
  const degree = parseDegreeName(printed);
  const isAcademic =
    degree !== null && (DISCIPLINE_CATEGORIES as readonly string[]).includes(degree.discipline);
  if (degree !== null && (isAcademic || degree.level !== '学士')) return [];
  return [
    reason('FIELD_FORMAT_INVALID', 'soft', `D6: ${printed} is not a known degree name`, { field: 'degree' }),
  ];
}

/** D8 (INFO): degrees conferred since 2008-09 can be confirmed online (CHSI 学位在线验证报告). */
export function degreeOnlineCheckReasons(extraction: Extraction): Reason[] {
  const conferred = parseIsoDate(stringField(extraction, 'conferDate') ?? '');
  const queryable =
    conferred !== null && (conferred.year > 2008 || (conferred.year === 2008 && conferred.month >= 9));
  return [
    reason(
      'ONLINE_CHECK_REQUIRED',
      'info',
      queryable
        ? 'D8: confirm the degree online (学位在线验证)'
        : 'D8: degrees before 2008-09 need manual certification',
      { field: 'certificateNumber' },
    ),
  ];
}

export function validateDegreeCertificate(extraction: Extraction, context: ValidationContext): Reason[] {
  return [
    ...degreeNumberFormatReasons(extraction),
    ...degreeLevelDigitReasons(extraction),
    ...degreeYearReasons(extraction),
    ...degreeNameReasons(extraction),
    ...calendarDateReasons(extraction, ['birthDate', 'issueDate']),
    ...notInFutureReasons(extraction, ['conferDate', 'issueDate'], context.now),
    ...birthDatePlausibilityReasons(extraction, 'conferDate', context.now),
    ...degreeOnlineCheckReasons(extraction),
  ];
}
