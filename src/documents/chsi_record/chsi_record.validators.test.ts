import { describe, expect, it } from 'vitest';
import type { Extraction, FieldValue } from '../document-types.js';
import {
  educationCategoryReasons,
  graduationYearReasons,
  studentStatusReasons,
  validateChsiRecord,
  verificationCodeReasons,
} from './chsi_record.validators.js';
import { chsiRecordModule } from './index.js';

const now = new Date('2026-11-15T00:00:00Z');
const valid = {
  name: '张伟',
  gender: '男',
  birthDate: '2002-11-20',
  school: '苏州科技大学',
  major: '计算机科学与技术',
  educationLevel: '本科',
  enrollmentDate: '2020-09',
  graduationDate: '2024-06',
  certificateNumber: '103321202405001234',
  verificationCode: 'AQT52ZQTS2RJWC0Q',
  idNumber: null,
  studyForm: '普通全日制',
  educationCategory: '普通高等教育',
  updatedDate: '2024-07-01',
};
const record = (overrides: Record<string, FieldValue> = {}): Extraction => ({
  fields: { ...valid, ...overrides },
  evidence: {},
});
const codes = (reasons: { code: string; severity: string }[]) =>
  reasons.map((r) => `${r.code}:${r.severity}`);

describe('validateChsiRecord', () => {
  it('passes a consistent record with only the online-check note (H6)', () => {
    expect(codes(validateChsiRecord(record(), { now, applicant: null }))).toEqual([
      'ONLINE_CHECK_REQUIRED:info',
    ]);
  });
  it('applies G1/G2 to the certificate number (H3 level half)', () => {
    expect(codes(validateChsiRecord(record({ educationLevel: '专科' }), { now, applicant: null }))).toContain(
      'LEVEL_CODE_MISMATCH:hard',
    );
    expect(
      codes(validateChsiRecord(record({ certificateNumber: '1033212024050012' }), { now, applicant: null })),
    ).toContain('NUMBER_FORMAT_INVALID:hard');
  });
  it('rejects an update date in the future and a reversed study period', () => {
    expect(
      codes(validateChsiRecord(record({ updatedDate: '2027-01-01' }), { now, applicant: null })),
    ).toContain('DATE_IMPLAUSIBLE:hard');
    expect(
      codes(validateChsiRecord(record({ enrollmentDate: '2024-09' }), { now, applicant: null })),
    ).toContain('DATE_INVALID:hard');
  });
});

describe('verification code format (§4.3)', () => {
  it.each([
    ['AQT52ZQTS2RJWC0Q', []],
    ['XSLMN1RQZPRMHX05', []],
    ['361813514380', []],
    ['BQT52ZQTS2RJWC0Q', ['NUMBER_FORMAT_INVALID:soft']],
    ['AQT52ZQTS2RJWC0', ['NUMBER_FORMAT_INVALID:hard']],
    ['aqt52zqts2rjwc0q', ['NUMBER_FORMAT_INVALID:hard']],
    ['36181351438A', ['NUMBER_FORMAT_INVALID:hard']],
  ])('%s → %j', (verificationCode, expected) => {
    expect(codes(verificationCodeReasons(record({ verificationCode })))).toEqual(expected);
  });
});

describe('H3 category vs type digit', () => {
  it('rejects 成人高等教育 on a 1-number and flags 网络教育 softly', () => {
    expect(educationCategoryReasons(record())).toEqual([]);
    expect(codes(educationCategoryReasons(record({ educationCategory: '成人高等教育' })))).toEqual([
      'CROSS_FIELD_MISMATCH:hard',
    ]);
    expect(codes(educationCategoryReasons(record({ educationCategory: '网络教育' })))).toEqual([
      'CROSS_FIELD_MISMATCH:soft',
    ]);
    expect(
      educationCategoryReasons(
        record({ educationCategory: '网络教育', certificateNumber: '103327202405001234' }),
      ),
    ).toEqual([]);
  });
});

describe('H4 graduation year', () => {
  it('rejects a graduation year other than the number year', () => {
    expect(codes(graduationYearReasons(record({ graduationDate: '2023-06' })))).toEqual([
      'CROSS_FIELD_MISMATCH:hard',
    ]);
  });
});

describe('H5 student-status report', () => {
  const report = (studentStatus: string | null, confidence = 0.99): Extraction => ({
    fields: { ...valid, certificateNumber: null, reportKind: 'student_status', studentStatus },
    evidence:
      studentStatus === null
        ? {}
        : { studentStatus: { text: studentStatus, box: null, confidence, source: 'rules' } },
  });

  it('takes 毕业 as evidence of graduation, and asks nothing of a 备案表', () => {
    expect(studentStatusReasons(report('毕业'))).toEqual([]);
    expect(studentStatusReasons(record({ reportKind: 'record', studentStatus: null }))).toEqual([]);
  });

  it('rejects a surely read 在籍: an enrolled student has not graduated', () => {
    expect(codes(studentStatusReasons(report('在籍(注册学籍)')))).toEqual(['NOT_PROOF_OF_GRADUATION:hard']);
  });

  it.each([
    ['在籍 read unsurely', report('在籍', 0.8)],
    ['another status', report('休学')],
    ['an unread status', report(null)],
  ])('never verifies %s, and asks a person', (_, extraction) => {
    expect(codes(studentStatusReasons(extraction))).toEqual(['NOT_PROOF_OF_GRADUATION:soft']);
  });

  it('does not ask a 学籍 report for the certificate number it never prints, but asks a 备案表', () => {
    const missingFields = (extraction: Extraction) =>
      chsiRecordModule
        .validate(extraction, { now, applicant: null })
        .filter((r) => r.code === 'FIELD_MISSING')
        .map((r) => r.field);
    expect(missingFields(report('毕业'))).toEqual([]);
    expect(missingFields(record({ certificateNumber: null, reportKind: 'record' }))).toEqual([
      'certificateNumber',
    ]);
  });
});
