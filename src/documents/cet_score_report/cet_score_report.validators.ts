import { parseIsoDate } from '../../text/dates.js';
import { type Reason, reason } from '../../verdicts/reasons.js';
import type { Extraction, ValidationContext } from '../document-types.js';
import { notInFutureReasons, numberField, stringField } from '../field-checks.js';

/**
 * CET score report rules, docs/formats.md §1.3–§1.6. Severities follow the research tags: HARD for
 * structural impossibilities, SOFT where legitimate variants exist or the source is UNCONFIRMED.
 */

export const WRITTEN_TICKET_PATTERN =
  /^(?<centre>\d{6})(?<yy>\d{2})(?<half>[12])(?<level>[1-9])(?<room>\d{3})(?<seat>\d{2})$/;
export const REPORT_NUMBER_PATTERN =
  /^(?<yy>\d{2})(?<half>[12])(?<level>[1-9])(?<centre>\d{6})(?<seq>\d{5})$/;
export const ORAL_TICKET_PATTERN = /^[FS][0-9A-Z]{14}$/;

const LEVEL_DIGIT = { CET4: '1', CET6: '2' } as const;
const ORAL_PREFIX = { CET4: 'F', CET6: 'S' } as const;
/** C4: a report is issued only for a written total of at least 220 or an oral grade of C or better. */
export const REPORT_ISSUE_MIN_TOTAL = 220;
/** C5: the CET-4 score that allows registering for CET-6; a business convention, not a pass mark. */
export const CET4_POLICY_THRESHOLD = 425;

export function validateCetScoreReport(extraction: Extraction, context: ValidationContext): Reason[] {
  return [
    ...scoreRangeReasons(extraction),
    ...scoreSumReasons(extraction),
    ...reportThresholdReasons(extraction),
    ...oralGradeReasons(extraction),
    ...numberFormatReasons(extraction),
    ...ticketReportAgreementReasons(extraction),
    ...examSessionReasons(extraction),
    ...oralTicketReasons(extraction),
    ...notInFutureReasons(extraction, ['examSession'], context.now),
    ...remarkReasons(extraction),
  ];
}

/**
 * The only remark NEEA prints on a report is the listening-exemption note (§1.2, S12). Any other
 * text after 备注 was added to the report (or is an exemption note too garbled to read): SOFT, a
 * person reads it. The remark is evidence key `remark`, written by the extractor.
 */
export function remarkReasons(extraction: Extraction): Reason[] {
  const remark = extraction.evidence.remark;
  const text = remark?.text.replace(/[\s:：。.,，;；"'“”]/g, '') ?? '';
  if (text.length === 0 || /听力残疾|听力部分免考|免考|折算计入/.test(text)) return [];
  return [
    reason(
      'TAMPER_SUSPECTED',
      'soft',
      'the report carries a remark that is not the listening-exemption note',
      {
        field: 'remark',
        messageZh: '成绩报告单的备注不是官方的听力免考说明',
      },
    ),
  ];
}

/** C1, C2: score maxima (HARD); W&T up to 213 because the unrounded weight gives 213 (S16). */
export function scoreRangeReasons(extraction: Extraction): Reason[] {
  const maxima = { totalScore: 710, listeningScore: 249, readingScore: 249, writingTranslationScore: 213 };
  const reasons: Reason[] = [];
  for (const [field, max] of Object.entries(maxima)) {
    const value = numberField(extraction, field);
    if (value !== null && value > max) {
      reasons.push(
        reason('SCORE_OUT_OF_RANGE', 'hard', `${field} ${value} is above the maximum ${max}`, { field }),
      );
    }
  }
  return reasons;
}

/** C3: the total is the sum of the sections (HARD), unless listening was exempted (S12). */
export function scoreSumReasons(extraction: Extraction): Reason[] {
  if (extraction.fields.listeningExempt === true) return [];
  const total = numberField(extraction, 'totalScore');
  const sections = ['listeningScore', 'readingScore', 'writingTranslationScore'].map((f) =>
    numberField(extraction, f),
  );
  if (total === null || sections.some((s) => s === null)) return [];
  const sum = (sections as number[]).reduce((a, b) => a + b, 0);
  if (sum === total) return [];
  return [
    reason('SCORE_INCONSISTENT', 'hard', `the total ${total} is not the sum of the sections (${sum})`, {
      field: 'totalScore',
      messageZh: '总分与各部分分数之和不一致',
    }),
  ];
}

/** C4 (SOFT) and C5 (INFO). */
export function reportThresholdReasons(extraction: Extraction): Reason[] {
  const total = numberField(extraction, 'totalScore');
  if (total === null) return [];
  const reasons: Reason[] = [];
  const oralGrade = stringField(extraction, 'oralGrade');
  const hasOralGradeCOrBetter = oralGrade !== null && /^[ABC]\+?$/.test(oralGrade);
  if (total < REPORT_ISSUE_MIN_TOTAL && !hasOralGradeCOrBetter) {
    reasons.push(
      reason(
        'SCORE_BELOW_REPORT_THRESHOLD',
        'soft',
        `no report is issued for a written total below ${REPORT_ISSUE_MIN_TOTAL} without an oral grade`,
        {
          field: 'totalScore',
        },
      ),
    );
  }
  if (stringField(extraction, 'level') === 'CET4' && total < CET4_POLICY_THRESHOLD) {
    reasons.push(
      reason(
        'SCORE_BELOW_POLICY_THRESHOLD',
        'info',
        `CET-4 total below ${CET4_POLICY_THRESHOLD} (the usual "passed" convention)`,
        {
          field: 'totalScore',
        },
      ),
    );
  }
  return reasons;
}

/** C6: grade D is never printed on a report; a printed D means the document was edited (SOFT). */
export function oralGradeReasons(extraction: Extraction): Reason[] {
  if (stringField(extraction, 'oralGrade') !== 'D') return [];
  return [
    reason('TAMPER_SUSPECTED', 'soft', 'oral grade D is never printed on a score report', {
      field: 'oralGrade',
    }),
  ];
}

/** §1.4 and §1.5 structure regexes (HARD). */
export function numberFormatReasons(extraction: Extraction): Reason[] {
  const reasons: Reason[] = [];
  const ticket = stringField(extraction, 'admissionTicketNumber');
  if (ticket !== null && !WRITTEN_TICKET_PATTERN.test(ticket)) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', 'the admission ticket number does not have the CET structure', {
        field: 'admissionTicketNumber',
      }),
    );
  }
  const report = stringField(extraction, 'reportNumber');
  if (report !== null && !REPORT_NUMBER_PATTERN.test(report)) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'hard', 'the report number does not have the CET structure', {
        field: 'reportNumber',
      }),
    );
  }
  return reasons;
}

/**
 * X1 year, X2 half, X3 level digit between ticket and report and against the title (HARD); the
 * report's centre province (digits 5–6) against the ticket's (digits 1–2) is SOFT (§1.5: UNCONFIRMED
 * that the whole centre codes agree).
 */
export function ticketReportAgreementReasons(extraction: Extraction): Reason[] {
  const ticket = WRITTEN_TICKET_PATTERN.exec(stringField(extraction, 'admissionTicketNumber') ?? '')?.groups;
  const report = REPORT_NUMBER_PATTERN.exec(stringField(extraction, 'reportNumber') ?? '')?.groups;
  const level = stringField(extraction, 'level') as 'CET4' | 'CET6' | null;
  const reasons: Reason[] = [];
  if (ticket && report) {
    if (ticket.yy !== report.yy) {
      reasons.push(
        reason('CROSS_FIELD_MISMATCH', 'hard', 'X1: ticket and report number years differ', {
          field: 'reportNumber',
        }),
      );
    }
    if (ticket.half !== report.half) {
      reasons.push(
        reason('CROSS_FIELD_MISMATCH', 'hard', 'X2: ticket and report number sittings differ', {
          field: 'reportNumber',
        }),
      );
    }
    if (ticket.level !== report.level) {
      reasons.push(
        reason('LEVEL_CODE_MISMATCH', 'hard', 'X3: ticket and report number levels differ', {
          field: 'reportNumber',
        }),
      );
    }
    if (ticket.centre?.slice(0, 2) !== report.centre?.slice(0, 2)) {
      reasons.push(
        reason('CROSS_FIELD_MISMATCH', 'soft', 'the report number and ticket name different provinces', {
          field: 'reportNumber',
        }),
      );
    }
  }
  if (level !== null) {
    for (const [field, groups] of [
      ['admissionTicketNumber', ticket],
      ['reportNumber', report],
    ] as const) {
      if (groups && groups.level !== LEVEL_DIGIT[level]) {
        reasons.push(
          reason('LEVEL_CODE_MISMATCH', 'hard', `X3: the ${field} level digit does not match ${level}`, {
            field,
          }),
        );
      }
    }
  }
  return reasons;
}

/**
 * X4: the exam year equals 2000+YY of the ticket (HARD); the month is 6 for the first half and 12
 * for the second, with postponed sittings in 7 or 9, and March of the next year (SOFT). A March
 * session of the next year is therefore not a year contradiction.
 */
export function examSessionReasons(extraction: Extraction): Reason[] {
  const session = parseIsoDate(stringField(extraction, 'examSession') ?? '');
  const ticket = WRITTEN_TICKET_PATTERN.exec(stringField(extraction, 'admissionTicketNumber') ?? '')?.groups;
  const report = REPORT_NUMBER_PATTERN.exec(stringField(extraction, 'reportNumber') ?? '')?.groups;
  const digits = ticket ?? report;
  if (session === null || digits === undefined) return [];
  const ticketYear = 2000 + Number(digits.yy);
  const isNextYearMarch = session.year === ticketYear + 1 && session.month === 3;
  if (session.year !== ticketYear && !isNextYearMarch) {
    return [
      reason(
        'CROSS_FIELD_MISMATCH',
        'hard',
        `X4: the exam year ${session.year} differs from the number's ${ticketYear}`,
        {
          field: 'examSession',
        },
      ),
    ];
  }
  const expectedMonths = digits.half === '1' ? [6, 7, 9] : [12];
  if (!isNextYearMarch && !expectedMonths.includes(session.month)) {
    return [
      reason('DATE_IMPLAUSIBLE', 'soft', `X4: month ${session.month} is unusual for sitting ${digits.half}`, {
        field: 'examSession',
      }),
    ];
  }
  return [];
}

/** X5: oral ticket prefix F ⇔ CET4, S ⇔ CET6 (HARD); the rest of its layout is UNCONFIRMED (SOFT). */
export function oralTicketReasons(extraction: Extraction): Reason[] {
  const oralTicket = stringField(extraction, 'oralTicketNumber');
  const level = stringField(extraction, 'level') as 'CET4' | 'CET6' | null;
  if (oralTicket === null) return [];
  const reasons: Reason[] = [];
  if (!ORAL_TICKET_PATTERN.test(oralTicket)) {
    reasons.push(
      reason('NUMBER_FORMAT_INVALID', 'soft', 'the oral ticket number has an unusual shape', {
        field: 'oralTicketNumber',
      }),
    );
  }
  if (level !== null && /^[FS]/.test(oralTicket) && oralTicket[0] !== ORAL_PREFIX[level]) {
    reasons.push(
      reason(
        'LEVEL_CODE_MISMATCH',
        'hard',
        `X5: an oral ticket starting with ${oralTicket[0]} is not ${level}`,
        {
          field: 'oralTicketNumber',
        },
      ),
    );
  }
  return reasons;
}
