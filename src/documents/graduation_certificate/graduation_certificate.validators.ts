import { monthsBetween, parseIsoDate } from '../../text/dates.js';
import {
  type EducationLevel,
  educationLevelOfCode,
  LEVEL_CODE_OF_EDUCATION_LEVEL,
} from '../../text/education.js';
import { type Reason, reason } from '../../verdicts/reasons.js';
import type { Extraction, ValidationContext } from '../document-types.js';
import {
  birthDatePlausibilityReasons,
  calendarDateReasons,
  notInFutureReasons,
  numberField,
  stringField,
  studyPeriodOrderReasons,
} from '../field-checks.js';
import { PRINTED_STUDY_TYPE } from './graduation_certificate.extractor.js';

/** Graduation certificate rules, docs/formats.md §2.4–§2.5 (G1–G9) and Z8. */

export interface GraduationCertificateNumber {
  school: string;
  typeDigit: string;
  year: number;
  levelCode: string;
  sequence: string;
}

const CURRENT_FORMAT = /^(?<school>\d{5})(?<type>\d)(?<year>\d{4})(?<level>\d{2})(?<seq>\d{6})$/;
const LEGACY_FORMAT = /^(?<school>\d{5})(?<type>\d)(?<year>\d{4})(?<level>\d{2})(?<seq>\d{5})$/;

export function parseGraduationCertificateNumber(value: string): GraduationCertificateNumber | null {
  const groups = (CURRENT_FORMAT.exec(value) ?? LEGACY_FORMAT.exec(value))?.groups;
  if (!groups) return null;
  return {
    school: groups.school as string,
    typeDigit: groups.type as string,
    year: Number(groups.year),
    levelCode: groups.level as string,
    sequence: groups.seq as string,
  };
}

/**
 * G1 (HARD): 18 digits, or 17 for graduation years up to 2002 (S36); year 19xx/20xx; level code one
 * of 01 02 04 05 06; type digit 1, 5 or 6 ([OFFICIAL]), 7 or 9 only as variants (SOFT).
 */
export function certificateNumberFormatReasons(extraction: Extraction): Reason[] {
  const value = stringField(extraction, 'certificateNumber');
  if (value === null) return [];
  const field = 'certificateNumber';
  const number = parseGraduationCertificateNumber(value);
  if (number === null) {
    return [
      reason('NUMBER_FORMAT_INVALID', 'hard', 'G1: a certificate number has 18 digits (17 before 2003)', {
        field,
      }),
    ];
  }
  const reasons: Reason[] = [];
  if (value.length === 17 && number.year > 2002) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', 'G1: 17-digit numbers exist only up to 2002', { field }),
    );
  }
  if (number.year < 1990 || number.year > 2099) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', `G1: ${number.year} is not a graduation year`, { field }),
    );
  }
  if (educationLevelOfCode(number.levelCode) === null) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', `G1: ${number.levelCode} is not a level code`, { field }),
    );
  }
  if (['7', '9'].includes(number.typeDigit)) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'soft', `G1: type digit ${number.typeDigit} is a variant`, { field }),
    );
  } else if (!['1', '5', '6'].includes(number.typeDigit)) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', `G1: ${number.typeDigit} is not a type digit`, { field }),
    );
  }
  return reasons;
}

/** G2 / H3 (HARD): level code (positions 11–12) ↔ the printed level. */
export function levelCodeReasons(extraction: Extraction): Reason[] {
  const number = parseGraduationCertificateNumber(stringField(extraction, 'certificateNumber') ?? '');
  const level = stringField(extraction, 'educationLevel') as EducationLevel | null;
  if (number === null || level === null) return [];
  if (LEVEL_CODE_OF_EDUCATION_LEVEL[level] === number.levelCode) return [];
  return [
    reason('LEVEL_CODE_MISMATCH', 'hard', `the number's level code ${number.levelCode} is not ${level}`, {
      field: 'educationLevel',
    }),
  ];
}

/**
 * G3: digit 6 is the reliable study-type discriminator (S30); online and adult certificates often
 * reuse the 普通 template, so only explicit other wording contradicts it. 成人/自学考试 wording vs
 * another digit is HARD ([OFFICIAL] codes 5, 6); 网络教育 vs not 7 is SOFT (code 7 is [SECONDARY]).
 */
export function studyTypeReasons(extraction: Extraction): Reason[] {
  const number = parseGraduationCertificateNumber(stringField(extraction, 'certificateNumber') ?? '');
  const printed = extraction.evidence[PRINTED_STUDY_TYPE]?.text;
  if (number === null || printed === undefined) return [];
  const expectedDigit: Record<string, { digit: string; severity: 'hard' | 'soft' }> = {
    成人高等教育: { digit: '5', severity: 'hard' },
    高等教育自学考试: { digit: '6', severity: 'hard' },
    网络教育: { digit: '7', severity: 'soft' },
  };
  const expected = Object.hasOwn(expectedDigit, printed) ? expectedDigit[printed] : undefined;
  if (expected === undefined || expected.digit === number.typeDigit) return [];
  return [
    reason(
      'CROSS_FIELD_MISMATCH',
      expected.severity,
      `G3: the face says ${printed} but type digit is ${number.typeDigit}`,
      {
        field: 'certificateNumber',
      },
    ),
  ];
}

/** G4: number year == graduation year (HARD); == issue year (SOFT, a single school's rule S29). */
export function certificateYearReasons(extraction: Extraction): Reason[] {
  const number = parseGraduationCertificateNumber(stringField(extraction, 'certificateNumber') ?? '');
  if (number === null) return [];
  const reasons: Reason[] = [];
  const graduation = parseIsoDate(stringField(extraction, 'graduationDate') ?? '');
  if (graduation !== null && graduation.year !== number.year) {
    reasons.push(
      reason(
        'CROSS_FIELD_MISMATCH',
        'hard',
        `G4: the number's year ${number.year} is not the graduation year`,
        {
          field: 'certificateNumber',
        },
      ),
    );
  }
  const issued = parseIsoDate(stringField(extraction, 'issueDate') ?? '');
  if (issued !== null && issued.year !== number.year) {
    reasons.push(
      reason('CROSS_FIELD_MISMATCH', 'soft', `G4: the number's year ${number.year} is not the issue year`, {
        field: 'issueDate',
      }),
    );
  }
  return reasons;
}

/** Usual study length per level (§2.5 G5), in years. */
const TYPICAL_YEARS: Readonly<Record<EducationLevel, [number, number]>> = {
  专科: [2, 3],
  本科: [2, 5],
  第二学士学位: [2, 2],
  硕士研究生: [2, 3],
  博士研究生: [3, 6],
};

/**
 * G5 (SOFT): the study period matches the printed 学制 within −1…+2 years (提前毕业, 延长学制), and
 * the 学制 fits the level (本科 4–5, 专升本 2; 专科 2–3; 硕士 2–3; 博士 3+).
 */
export function studyLengthReasons(extraction: Extraction): Reason[] {
  const start = parseIsoDate(stringField(extraction, 'enrollmentDate') ?? '');
  const end = parseIsoDate(stringField(extraction, 'graduationDate') ?? '');
  const duration = numberField(extraction, 'durationYears');
  const level = stringField(extraction, 'educationLevel');
  const reasons: Reason[] = [];
  const studiedYears = start !== null && end !== null ? monthsBetween(start, end) / 12 : null;
  if (
    studiedYears !== null &&
    duration !== null &&
    (studiedYears < duration - 1 || studiedYears > duration + 2)
  ) {
    reasons.push(
      reason(
        'STUDY_LENGTH_UNUSUAL',
        'soft',
        `G5: ${studiedYears.toFixed(1)} years of study for a ${duration}-year programme`,
        {
          field: 'durationYears',
        },
      ),
    );
  }
  const length = duration ?? (studiedYears === null ? null : Math.round(studiedYears));
  // A corrected or model-read level may be outside the closed set: no typical length then.
  const typical =
    level !== null && Object.hasOwn(TYPICAL_YEARS, level)
      ? TYPICAL_YEARS[level as EducationLevel]
      : undefined;
  if (typical && length !== null) {
    const [min, max] = typical;
    if (length < min - (duration === null ? 1 : 0) || length > max + (duration === null ? 2 : 0)) {
      reasons.push(
        reason('STUDY_LENGTH_UNUSUAL', 'soft', `G5: ${length} years is unusual for ${level}`, {
          field: 'durationYears',
        }),
      );
    }
  }
  return reasons;
}

/** G8 (INFO): spring cohorts graduate in June/July, autumn cohorts in December/January. */
export function graduationMonthReasons(extraction: Extraction): Reason[] {
  const graduation = parseIsoDate(stringField(extraction, 'graduationDate') ?? '');
  if (graduation === null || [1, 6, 7, 12].includes(graduation.month)) return [];
  return [
    reason('DATE_IMPLAUSIBLE', 'info', `G8: graduation in month ${graduation.month} is unusual`, {
      field: 'graduationDate',
    }),
  ];
}

/** G9 (online step): a certificate counts only if registered; the number must be found on CHSI. */
export function onlineRegistrationReason(): Reason {
  return reason('ONLINE_CHECK_REQUIRED', 'info', 'G9: confirm the certificate number on CHSI (学历查询)', {
    field: 'certificateNumber',
  });
}

export function validateGraduationCertificate(extraction: Extraction, context: ValidationContext): Reason[] {
  return [
    ...certificateNumberFormatReasons(extraction),
    ...levelCodeReasons(extraction),
    ...studyTypeReasons(extraction),
    ...certificateYearReasons(extraction),
    ...studyLengthReasons(extraction),
    ...graduationMonthReasons(extraction),
    ...studyPeriodOrderReasons(extraction),
    ...calendarDateReasons(extraction, ['birthDate', 'issueDate']),
    ...notInFutureReasons(extraction, ['enrollmentDate', 'graduationDate', 'issueDate'], context.now),
    ...birthDatePlausibilityReasons(extraction, 'graduationDate', context.now),
    onlineRegistrationReason(),
  ];
}
