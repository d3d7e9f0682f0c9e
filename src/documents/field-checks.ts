import { calendarDateOf, compareDates, monthsBetween, parseIsoDate } from '../text/dates.js';
import { idNumberFacts, normalizeIdNumber, validateIdNumber } from '../text/id-number.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import type { Extraction } from './document-types.js';

/**
 * Rules every document type applies to its fields: presence and confidence of the scored fields,
 * and date plausibility (docs/formats.md Z8).
 */

/**
 * Evidence below this confidence is LOW_CONFIDENCE (soft, sends to review). OCR engines report
 * 0.85–0.97 on clean printed text; below 0.75 a field is commonly misread (a wrong digit, a
 * dropped character), and for a credit decision a misread identifier costs more than a review.
 */
export const LOW_FIELD_CONFIDENCE = 0.75;

export function missingFieldReasons(extraction: Extraction, scoredFields: readonly string[]): Reason[] {
  return scoredFields
    .filter((field) => extraction.fields[field] === null || extraction.fields[field] === undefined)
    .map((field) =>
      reason('FIELD_MISSING', 'soft', `${field} could not be read`, { field, messageZh: '有字段无法识别' }),
    );
}

export function lowConfidenceReasons(extraction: Extraction, scoredFields: readonly string[]): Reason[] {
  const reasons: Reason[] = [];
  for (const field of scoredFields) {
    const evidence = extraction.evidence[field];
    if (extraction.fields[field] === null || evidence === undefined) continue;
    if (evidence.confidence < LOW_FIELD_CONFIDENCE) {
      reasons.push(
        reason(
          'LOW_CONFIDENCE',
          'soft',
          `${field} was read with confidence ${evidence.confidence.toFixed(2)}`,
          {
            field,
          },
        ),
      );
    }
  }
  return reasons;
}

/**
 * Official names of Chinese universities and colleges have at least four characters (a place or
 * name of two, then 大学 or 学院: 复旦大学, 南京大学). A shorter school is a reading that lost
 * characters, most often under the red seal (南京大学 read as 南大学, 四川大学 as 四学): SOFT, to
 * review, because no school table here can tell which school it was.
 */
export const MIN_SCHOOL_NAME_LENGTH = 4;

export function truncatedSchoolReasons(extraction: Extraction): Reason[] {
  const school = stringField(extraction, 'school');
  if (school === null || [...school].length >= MIN_SCHOOL_NAME_LENGTH) return [];
  return [
    reason(
      'FIELD_FORMAT_INVALID',
      'soft',
      `The school "${school}" is shorter than any official school name.`,
      {
        field: 'school',
        messageZh: '学校名称不完整',
      },
    ),
  ];
}

export function stringField(extraction: Extraction, field: string): string | null {
  const value = extraction.fields[field];
  return typeof value === 'string' ? value : null;
}

export function numberField(extraction: Extraction, field: string): number | null {
  const value = extraction.fields[field];
  return typeof value === 'number' ? value : null;
}

/**
 * I3/§6.4: a printed date must exist on the calendar (HARD). Extractors keep a date that does not
 * (二月三十日) only when they read it surely; an unsure one is null and reviewed as missing.
 */
export function calendarDateReasons(extraction: Extraction, fields: readonly string[]): Reason[] {
  const reasons: Reason[] = [];
  for (const field of fields) {
    const value = stringField(extraction, field);
    if (value === null || !/^\d{4}-\d{2}-\d{2}$/.test(value) || parseIsoDate(value) !== null) continue;
    reasons.push(
      reason('DATE_INVALID', 'hard', `${field} ${value} does not exist on the calendar`, {
        field,
        messageZh: '证件上的日期不存在',
      }),
    );
  }
  return reasons;
}

/** Z8: issue, award, exam and study dates cannot lie in the future (HARD). */
export function notInFutureReasons(extraction: Extraction, fields: readonly string[], now: Date): Reason[] {
  const today = calendarDateOf(now);
  const reasons: Reason[] = [];
  for (const field of fields) {
    const value = stringField(extraction, field);
    const date = value === null ? null : parseIsoDate(value);
    if (date === null) continue;
    const isFuture =
      date.day === null
        ? compareDates({ ...date, day: 1 }, { ...today, day: 1 }) > 0
        : compareDates(date, today) > 0;
    if (isFuture)
      reasons.push(reason('DATE_IMPLAUSIBLE', 'hard', `${field} ${value} is in the future`, { field }));
  }
  return reasons;
}

/** Enrolment must come before graduation: the reverse is a structural impossibility (HARD). */
export function studyPeriodOrderReasons(extraction: Extraction): Reason[] {
  const start = parseIsoDate(stringField(extraction, 'enrollmentDate') ?? '');
  const end = parseIsoDate(stringField(extraction, 'graduationDate') ?? '');
  if (start === null || end === null || monthsBetween(start, end) > 0) return [];
  return [
    reason('DATE_INVALID', 'hard', 'the enrolment date is not before the graduation date', {
      field: 'enrollmentDate',
    }),
  ];
}

/**
 * Birth date plausibility against a reference date (graduation, award, or today): Z8 says a
 * certificate is not issued before the holder is about 16 (HARD); a graduate older than 60 at
 * graduation is possible (adult education) but unusual (SOFT).
 */
export function birthDatePlausibilityReasons(
  extraction: Extraction,
  referenceField: string | null,
  now: Date,
): Reason[] {
  const birth = parseIsoDate(stringField(extraction, 'birthDate') ?? '');
  if (birth === null) return [];
  const today = calendarDateOf(now);
  if (compareDates(birth, today) > 0) {
    return [reason('DATE_IMPLAUSIBLE', 'hard', 'the birth date is in the future', { field: 'birthDate' })];
  }
  const reference =
    referenceField === null ? today : parseIsoDate(stringField(extraction, referenceField) ?? '');
  if (reference === null) return [];
  const ageInMonths = monthsBetween(birth, reference);
  if (ageInMonths < 16 * 12) {
    return [
      reason(
        'DATE_IMPLAUSIBLE',
        'hard',
        `the holder would be younger than 16 at ${referenceField ?? 'today'}`,
        {
          field: 'birthDate',
        },
      ),
    ];
  }
  if (ageInMonths > 60 * 12) {
    return [
      reason(
        'DATE_IMPLAUSIBLE',
        'soft',
        `the holder would be older than 60 at ${referenceField ?? 'today'}`,
        {
          field: 'birthDate',
        },
      ),
    ];
  }
  return [];
}

/**
 * A printed ID number's own structure (§5.3 I1–I5) when it is unmasked enough to check, and its
 * agreement with the birth date and gender printed on the same document (I4, I6).
 */
export function printedIdNumberReasons(extraction: Extraction, now: Date): Reason[] {
  const printed = stringField(extraction, 'idNumber');
  if (printed === null) return [];
  const idNumber = normalizeIdNumber(printed);
  if (idNumber === null) {
    return [
      reason('FIELD_FORMAT_INVALID', 'hard', 'the ID number is not 18 characters', { field: 'idNumber' }),
    ];
  }
  const reasons = validateIdNumber(idNumber, now).map((problem) =>
    reason(
      problem.rule === 'I2' ? 'CHECKSUM_INVALID' : 'FIELD_FORMAT_INVALID',
      problem.severity,
      `${problem.rule}: ${problem.message}`,
      {
        field: 'idNumber',
      },
    ),
  );
  const facts = idNumberFacts(idNumber);
  const birthDate = stringField(extraction, 'birthDate');
  if (facts.birthDate !== null && birthDate !== null && facts.birthDate !== birthDate) {
    reasons.push(
      reason('CROSS_FIELD_MISMATCH', 'hard', 'I6: the birth date differs from the one in the ID number', {
        field: 'birthDate',
      }),
    );
  }
  const gender = stringField(extraction, 'gender');
  if (facts.gender !== null && gender !== null && facts.gender !== gender) {
    reasons.push(
      reason('CROSS_FIELD_MISMATCH', 'hard', 'I4: the gender differs from the ID number parity', {
        field: 'gender',
      }),
    );
  }
  return reasons;
}
