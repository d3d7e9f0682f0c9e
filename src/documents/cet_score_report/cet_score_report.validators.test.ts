import { describe, expect, it } from 'vitest';
import type { Extraction } from '../document-types.js';
import {
  examSessionReasons,
  numberFormatReasons,
  oralGradeReasons,
  oralTicketReasons,
  reportThresholdReasons,
  scoreRangeReasons,
  scoreSumReasons,
  ticketReportAgreementReasons,
  validateCetScoreReport,
} from './cet_score_report.validators.js';

const now = new Date('2026-11-15T00:00:00Z');
const valid = {
  name: '张伟',
  idNumber: '410326199507103197',
  school: '苏州科技大学',
  level: 'CET4',
  examSession: '2025-12',
  totalScore: 570,
  listeningScore: 166,
  readingScore: 211,
  writingTranslationScore: 193,
  admissionTicketNumber: '340801252117128',
  reportNumber: '252134080100123',
  oralTicketNumber: null,
  oralGrade: null,
  listeningExempt: false,
};
const report = (overrides: Record<string, string | number | boolean | null> = {}): Extraction => ({
  fields: { ...valid, ...overrides },
  evidence: {},
});
const codes = (reasons: { code: string; severity: string }[]) =>
  reasons.map((r) => `${r.code}:${r.severity}`);

describe('validateCetScoreReport', () => {
  it('passes the research example (166 + 211 + 193 = 570, ticket 340801252117128)', () => {
    expect(validateCetScoreReport(report(), { now, applicant: null })).toEqual([]);
  });

  it('passes the 2016 H2 ticket 370150162100108 with a matching report number', () => {
    const fields = {
      admissionTicketNumber: '370150162100108',
      reportNumber: '162137015000001',
      examSession: '2016-12',
    };
    expect(validateCetScoreReport(report(fields), { now, applicant: null })).toEqual([]);
  });

  it('rejects an exam session in the future', () => {
    const fields = {
      admissionTicketNumber: '340801272117128',
      reportNumber: '272134080100123',
      examSession: '2027-12',
    };
    expect(codes(validateCetScoreReport(report(fields), { now, applicant: null }))).toEqual([
      'DATE_IMPLAUSIBLE:hard',
    ]);
  });
});

describe('C1, C2 score maxima', () => {
  it('accepts the maxima and W&T 213', () => {
    expect(
      scoreRangeReasons(
        report({ totalScore: 710, listeningScore: 249, readingScore: 249, writingTranslationScore: 213 }),
      ),
    ).toEqual([]);
  });
  it.each([
    ['totalScore', 711],
    ['listeningScore', 250],
    ['readingScore', 250],
    ['writingTranslationScore', 214],
  ])('rejects %s = %d', (field, value) => {
    expect(scoreRangeReasons(report({ [field]: value }))).toMatchObject([
      { code: 'SCORE_OUT_OF_RANGE', severity: 'hard', field },
    ]);
  });
});

describe('C3 sum rule', () => {
  it('rejects a total that is not the sum', () => {
    expect(scoreSumReasons(report({ totalScore: 590 }))).toMatchObject([
      { code: 'SCORE_INCONSISTENT', severity: 'hard' },
    ]);
  });
  it('does not apply with the listening exemption', () => {
    expect(scoreSumReasons(report({ totalScore: 590, listeningExempt: true }))).toEqual([]);
  });
  it('does not apply while a section is unread', () => {
    expect(scoreSumReasons(report({ totalScore: 590, readingScore: null }))).toEqual([]);
  });
});

describe('C4, C5 thresholds', () => {
  it('C4: a total below 220 without an oral grade is suspicious (soft)', () => {
    const fields = { totalScore: 200, listeningScore: 70, readingScore: 70, writingTranslationScore: 60 };
    expect(codes(reportThresholdReasons(report(fields)))).toEqual([
      'SCORE_BELOW_REPORT_THRESHOLD:soft',
      'SCORE_BELOW_POLICY_THRESHOLD:info',
    ]);
    expect(codes(reportThresholdReasons(report({ ...fields, oralGrade: 'C' })))).toEqual([
      'SCORE_BELOW_POLICY_THRESHOLD:info',
    ]);
  });
  it('C5: CET-4 at 425 meets the convention, 424 is noted (info)', () => {
    expect(reportThresholdReasons(report({ totalScore: 425 }))).toEqual([]);
    expect(codes(reportThresholdReasons(report({ totalScore: 424 })))).toEqual([
      'SCORE_BELOW_POLICY_THRESHOLD:info',
    ]);
    expect(reportThresholdReasons(report({ totalScore: 424, level: 'CET6' }))).toEqual([]);
  });
});

describe('C6 oral grade D', () => {
  it('flags a printed D as tampering (soft) and accepts B+', () => {
    expect(codes(oralGradeReasons(report({ oralGrade: 'D' })))).toEqual(['TAMPER_SUSPECTED:soft']);
    expect(oralGradeReasons(report({ oralGrade: 'B+' }))).toEqual([]);
  });
});

describe('ticket and report number structure', () => {
  it('accepts 340801252117128, 370150162100108 and report 261132502002483', () => {
    expect(
      numberFormatReasons(
        report({ admissionTicketNumber: '370150162100108', reportNumber: '261132502002483' }),
      ),
    ).toEqual([]);
  });
  it.each([
    ['admissionTicketNumber', '340801253117128'],
    ['admissionTicketNumber', '340801252017128'],
    ['reportNumber', '263132502002483'],
    ['reportNumber', '26103250200248'],
  ])('rejects %s %s', (field, value) => {
    expect(numberFormatReasons(report({ [field]: value }))).toMatchObject([
      { code: 'NUMBER_FORMAT_INVALID', severity: 'hard', field },
    ]);
  });
});

describe('X1–X3 ticket and report agreement', () => {
  it('accepts the mock pair 325021261104819 / 261132502002483 (provinces agree)', () => {
    expect(
      ticketReportAgreementReasons(
        report({ admissionTicketNumber: '325021261104819', reportNumber: '261132502002483' }),
      ),
    ).toEqual([]);
  });
  it('X1: different years', () => {
    expect(codes(ticketReportAgreementReasons(report({ reportNumber: '242134080100123' })))).toEqual([
      'CROSS_FIELD_MISMATCH:hard',
    ]);
  });
  it('X2: different halves', () => {
    expect(codes(ticketReportAgreementReasons(report({ reportNumber: '251134080100123' })))).toEqual([
      'CROSS_FIELD_MISMATCH:hard',
    ]);
  });
  it('X3: level digits differ from each other and from the title', () => {
    expect(codes(ticketReportAgreementReasons(report({ reportNumber: '252234080100123' })))).toEqual([
      'LEVEL_CODE_MISMATCH:hard',
      'LEVEL_CODE_MISMATCH:hard',
    ]);
    expect(codes(ticketReportAgreementReasons(report({ level: 'CET6' })))).toEqual([
      'LEVEL_CODE_MISMATCH:hard',
      'LEVEL_CODE_MISMATCH:hard',
    ]);
  });
  it('report centre in another province is soft', () => {
    expect(codes(ticketReportAgreementReasons(report({ reportNumber: '252132080100123' })))).toEqual([
      'CROSS_FIELD_MISMATCH:soft',
    ]);
  });
});

describe('X4 exam session', () => {
  it('accepts June/December and the postponed months', () => {
    expect(examSessionReasons(report())).toEqual([]);
    const firstHalf = { admissionTicketNumber: '340801201117128', reportNumber: '201134080100123' };
    expect(examSessionReasons(report({ ...firstHalf, examSession: '2020-09' }))).toEqual([]);
    expect(examSessionReasons(report({ examSession: '2026-03' }))).toEqual([]);
  });
  it('rejects another year (hard) and flags an unusual month (soft)', () => {
    expect(codes(examSessionReasons(report({ examSession: '2024-12' })))).toEqual([
      'CROSS_FIELD_MISMATCH:hard',
    ]);
    expect(codes(examSessionReasons(report({ examSession: '2025-06' })))).toEqual(['DATE_IMPLAUSIBLE:soft']);
  });
});

describe('X5 oral ticket', () => {
  it('accepts F for CET4 and rejects S for CET4', () => {
    expect(oralTicketReasons(report({ oralTicketNumber: 'F34080252100101' }))).toEqual([]);
    expect(codes(oralTicketReasons(report({ oralTicketNumber: 'S34080252100101' })))).toEqual([
      'LEVEL_CODE_MISMATCH:hard',
    ]);
  });
  it('flags an unusual shape as soft only', () => {
    expect(codes(oralTicketReasons(report({ oralTicketNumber: 'F3408025210010' })))).toEqual([
      'NUMBER_FORMAT_INVALID:soft',
    ]);
  });
});
