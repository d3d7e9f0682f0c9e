import { parseIsoDate } from '../../text/dates.js';
import { type Reason, reason } from '../../verdicts/reasons.js';
import type { Extraction, ValidationContext } from '../document-types.js';
import { SURE_READING } from '../extraction-builder.js';
import {
  birthDatePlausibilityReasons,
  calendarDateReasons,
  notInFutureReasons,
  stringField,
  studyPeriodOrderReasons,
} from '../field-checks.js';
import {
  certificateNumberFormatReasons,
  levelCodeReasons,
  parseGraduationCertificateNumber,
} from '../graduation_certificate/graduation_certificate.validators.js';
import { GRADUATED_STATUS } from './chsi_record.extractor.js';

/** CHSI report rules, docs/formats.md §4.3–§4.6 (code format, H3, H4, H5, H6) and Z8. */

/** §4.3: 12 digits (old reports) or 16 upper-case letters/digits: HARD. */
export const VERIFICATION_CODE_FORMAT = /^(\d{12}|[A-Z0-9]{16})$/;

export function verificationCodeReasons(extraction: Extraction): Reason[] {
  const code = stringField(extraction, 'verificationCode');
  if (code === null) return [];
  const field = 'verificationCode';
  if (!VERIFICATION_CODE_FORMAT.test(code)) {
    return [
      reason('NUMBER_FORMAT_INVALID', 'hard', 'a verification code is 16 letters/digits or 12 digits', {
        field,
      }),
    ];
  }
  // Only a third-party client claims the A/X first letter (S59): SOFT.
  if (code.length === 16 && !/^[AX]/.test(code)) {
    return [
      reason('NUMBER_FORMAT_INVALID', 'soft', 'verification codes usually start with A or X', { field }),
    ];
  }
  return [];
}

const CATEGORY_DIGIT: Readonly<Record<string, { digit: string; severity: 'hard' | 'soft' }>> = {
  普通高等教育: { digit: '1', severity: 'hard' },
  成人高等教育: { digit: '5', severity: 'hard' },
  高等教育自学考试: { digit: '6', severity: 'hard' },
  // Code 7 for 网络教育 is [SECONDARY] (§2.4): a disagreement is SOFT.
  网络教育: { digit: '7', severity: 'soft' },
};

/** H3: 学历类别 ↔ certificate digit 6 (the level ↔ digits 11–12 half is G2's `levelCodeReasons`). */
export function educationCategoryReasons(extraction: Extraction): Reason[] {
  const number = parseGraduationCertificateNumber(stringField(extraction, 'certificateNumber') ?? '');
  const category = stringField(extraction, 'educationCategory');
  const expected =
    category !== null && Object.hasOwn(CATEGORY_DIGIT, category) ? CATEGORY_DIGIT[category] : undefined;
  if (number === null || expected === undefined || expected.digit === number.typeDigit) return [];
  return [
    reason(
      'CROSS_FIELD_MISMATCH',
      expected.severity,
      `H3: ${category} does not fit type digit ${number.typeDigit}`,
      {
        field: 'educationCategory',
      },
    ),
  ];
}

/** H4 (HARD): graduation year == certificate-number year. */
export function graduationYearReasons(extraction: Extraction): Reason[] {
  const number = parseGraduationCertificateNumber(stringField(extraction, 'certificateNumber') ?? '');
  const graduation = parseIsoDate(stringField(extraction, 'graduationDate') ?? '');
  if (number === null || graduation === null || number.year === graduation.year) return [];
  return [
    reason(
      'CROSS_FIELD_MISMATCH',
      'hard',
      `H4: graduation year ${graduation.year} is not the number's ${number.year}`,
      {
        field: 'graduationDate',
      },
    ),
  ];
}

/**
 * H5: a 学籍在线验证报告 shows a student's status; it is evidence of graduation only when that status
 * is 毕业. 在籍 read surely is HARD (an enrolled student has not graduated); any other status, or one
 * that could not be read, is SOFT: a person looks, and the report is never verified on it.
 */
export function studentStatusReasons(extraction: Extraction): Reason[] {
  if (extraction.fields.reportKind !== 'student_status') return [];
  const status = stringField(extraction, 'studentStatus');
  if (status === GRADUATED_STATUS) return [];
  const field = 'studentStatus';
  const messageZh = '学籍在线验证报告的学籍状态不是"毕业"，不能证明已毕业。';
  if (status?.startsWith('在籍') && (extraction.evidence.studentStatus?.confidence ?? 0) >= SURE_READING) {
    return [
      reason(
        'NOT_PROOF_OF_GRADUATION',
        'hard',
        `H5: a student-status report with 学籍状态 ${status} shows enrolment, not graduation`,
        {
          field,
          messageZh,
        },
      ),
    ];
  }
  const shown = status === null ? 'could not be read' : `is ${status}`;
  return [
    reason(
      'NOT_PROOF_OF_GRADUATION',
      'soft',
      `H5: the report's 学籍状态 ${shown}: only 毕业 shows graduation`,
      {
        field,
        messageZh,
      },
    ),
  ];
}

/** H6: a PDF or screenshot proves nothing by itself; only the online result counts (§4.4, §4.6). */
export function chsiOnlineCheckReason(): Reason {
  return reason(
    'ONLINE_CHECK_REQUIRED',
    'info',
    'H6: confirm the verification code on chsi.com.cn within its validity',
    {
      field: 'verificationCode',
    },
  );
}

export function validateChsiRecord(extraction: Extraction, context: ValidationContext): Reason[] {
  return [
    ...verificationCodeReasons(extraction),
    ...certificateNumberFormatReasons(extraction),
    ...levelCodeReasons(extraction),
    ...educationCategoryReasons(extraction),
    ...graduationYearReasons(extraction),
    ...studentStatusReasons(extraction),
    ...studyPeriodOrderReasons(extraction),
    ...calendarDateReasons(extraction, ['birthDate', 'updatedDate']),
    ...notInFutureReasons(extraction, ['enrollmentDate', 'graduationDate', 'updatedDate'], context.now),
    ...birthDatePlausibilityReasons(extraction, 'graduationDate', context.now),
    chsiOnlineCheckReason(),
  ];
}
