import { describe, expect, it } from 'vitest';
import type { Extraction, FieldValue } from '../document-types.js';
import { PRINTED_STUDY_TYPE } from './graduation_certificate.extractor.js';
import {
  certificateNumberFormatReasons,
  certificateYearReasons,
  graduationMonthReasons,
  levelCodeReasons,
  studyLengthReasons,
  studyTypeReasons,
  validateGraduationCertificate,
} from './graduation_certificate.validators.js';

const now = new Date('2026-11-15T00:00:00Z');
const valid = {
  name: '尹航',
  gender: '男',
  birthDate: '1994-07-30',
  school: '武汉大学',
  major: '给排水科学与工程',
  educationLevel: '本科',
  enrollmentDate: '2012-09',
  graduationDate: '2017-06',
  certificateNumber: '104861201705004788',
  durationYears: 4,
  issueDate: '2017-06-30',
  studyType: '普通高等教育',
};
const certificate = (overrides: Record<string, FieldValue> = {}, printedStudyType?: string): Extraction => ({
  fields: { ...valid, ...overrides },
  evidence: printedStudyType
    ? { [PRINTED_STUDY_TYPE]: { text: printedStudyType, box: null, confidence: 0.9, source: 'rules' } }
    : {},
});
const codes = (reasons: { code: string; severity: string }[]) =>
  reasons.map((r) => `${r.code}:${r.severity}`);

describe('validateGraduationCertificate', () => {
  it('passes the Wuhan University example with only the online-registration note (G9)', () => {
    expect(codes(validateGraduationCertificate(certificate(), { now, applicant: null }))).toEqual([
      'ONLINE_CHECK_REQUIRED:info',
    ]);
  });

  it('passes the Wuyi master example 113491200902000028', () => {
    const master = {
      educationLevel: '硕士研究生',
      certificateNumber: '113491200902000028',
      enrollmentDate: '2006-09',
      graduationDate: '2009-06',
      durationYears: 3,
      issueDate: '2009-06-15',
      birthDate: '1984-02-16',
    };
    expect(codes(validateGraduationCertificate(certificate(master), { now, applicant: null }))).toEqual([
      'ONLINE_CHECK_REQUIRED:info',
    ]);
  });

  /** The codes of validating the Wuhan example with some fields replaced. */
  const codesWith = (overrides: Record<string, FieldValue>) =>
    codes(validateGraduationCertificate(certificate(overrides), { now, applicant: null }));

  it('rejects dates in the future, a reversed study period and a holder younger than 16', () => {
    expect(codesWith({ issueDate: '2027-06-30' })).toContain('DATE_IMPLAUSIBLE:hard');
    expect(codesWith({ enrollmentDate: '2017-09' })).toContain('DATE_INVALID:hard');
    expect(codesWith({ birthDate: '2005-01-01' })).toContain('DATE_IMPLAUSIBLE:hard');
  });

  it('rejects a printed date that does not exist on the calendar, and a 17-digit number after 2002', () => {
    expect(codesWith({ birthDate: '1994-02-30' })).toContain('DATE_INVALID:hard');
    expect(codesWith({ birthDate: '1996-02-29' })).not.toContain('DATE_INVALID:hard');
    expect(codesWith({ certificateNumber: '10486120170500478' })).toContain('NUMBER_FORMAT_INVALID:hard');
  });
});

describe('G1 certificate number format', () => {
  it('accepts 18 digits and 17 digits up to 2002', () => {
    expect(certificateNumberFormatReasons(certificate())).toEqual([]);
    expect(certificateNumberFormatReasons(certificate({ certificateNumber: '10486120020500478' }))).toEqual(
      [],
    );
  });
  it.each([
    ['10486120030500478', 'NUMBER_FORMAT_INVALID:hard'],
    ['104863201705004788', 'NUMBER_FORMAT_INVALID:hard'],
    ['104861201703004788', 'NUMBER_FORMAT_INVALID:hard'],
    ['104861201705', 'NUMBER_FORMAT_INVALID:hard'],
    ['104867201705004788', 'NUMBER_FORMAT_INVALID:soft'],
    ['104869201705004788', 'NUMBER_FORMAT_INVALID:soft'],
  ])('%s → %s', (certificateNumber, expected) => {
    expect(codes(certificateNumberFormatReasons(certificate({ certificateNumber })))).toEqual([expected]);
  });
});

describe('G2 level code', () => {
  it('rejects 05 on a 专科 certificate and accepts 06', () => {
    expect(codes(levelCodeReasons(certificate({ educationLevel: '专科' })))).toEqual([
      'LEVEL_CODE_MISMATCH:hard',
    ]);
    expect(
      levelCodeReasons(certificate({ educationLevel: '专科', certificateNumber: '104861201706004788' })),
    ).toEqual([]);
  });
});

describe('G3 study type', () => {
  it('rejects adult wording on an ordinary number, flags online wording softly', () => {
    expect(codes(studyTypeReasons(certificate({}, '成人高等教育')))).toEqual(['CROSS_FIELD_MISMATCH:hard']);
    expect(codes(studyTypeReasons(certificate({}, '网络教育')))).toEqual(['CROSS_FIELD_MISMATCH:soft']);
  });
  it('accepts the 普通 template on an online-education number (S30) and matching wording', () => {
    expect(
      studyTypeReasons(certificate({ certificateNumber: '104867201705004788' }, '普通高等教育')),
    ).toEqual([]);
    expect(
      studyTypeReasons(certificate({ certificateNumber: '104865201705004788' }, '成人高等教育')),
    ).toEqual([]);
  });
});

describe('G4 certificate year', () => {
  it('graduation year hard, issue year soft', () => {
    expect(codes(certificateYearReasons(certificate({ graduationDate: '2016-06' })))).toEqual([
      'CROSS_FIELD_MISMATCH:hard',
    ]);
    expect(codes(certificateYearReasons(certificate({ issueDate: '2018-01-05' })))).toEqual([
      'CROSS_FIELD_MISMATCH:soft',
    ]);
  });
});

describe('G5 study length', () => {
  it('accepts −1…+2 years around 学制 and a 4-year 本科', () => {
    expect(studyLengthReasons(certificate())).toEqual([]);
    expect(studyLengthReasons(certificate({ graduationDate: '2018-06' }))).toEqual([]);
  });
  it('flags a period far from 学制 and a 学制 unusual for the level (soft)', () => {
    expect(codes(studyLengthReasons(certificate({ graduationDate: '2020-06' })))).toEqual([
      'STUDY_LENGTH_UNUSUAL:soft',
    ]);
    expect(
      codes(
        studyLengthReasons(
          certificate({ educationLevel: '专科', durationYears: 5, graduationDate: '2017-06' }),
        ),
      ),
    ).toEqual(['STUDY_LENGTH_UNUSUAL:soft']);
  });
});

describe('G8 graduation month', () => {
  it('notes an unusual month (info)', () => {
    expect(graduationMonthReasons(certificate())).toEqual([]);
    expect(codes(graduationMonthReasons(certificate({ graduationDate: '2017-03' })))).toEqual([
      'DATE_IMPLAUSIBLE:info',
    ]);
  });
});
