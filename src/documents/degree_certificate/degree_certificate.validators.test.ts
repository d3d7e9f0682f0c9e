import { describe, expect, it } from 'vitest';
import type { Extraction, FieldValue } from '../document-types.js';
import {
  degreeLevelDigitReasons,
  degreeNameReasons,
  degreeNumberFormatReasons,
  degreeOnlineCheckReasons,
  degreeYearReasons,
  validateDegreeCertificate,
} from './degree_certificate.validators.js';

const now = new Date('2026-11-15T00:00:00Z');
const valid = {
  name: '张伟',
  gender: '男',
  birthDate: '2000-01-15',
  school: '复旦大学',
  major: '计算机科学与技术',
  degree: '工学学士',
  conferDate: '2022-06',
  certificateNumber: '1024642022000123',
  issueDate: '2022-06-30',
};
const degree = (overrides: Record<string, FieldValue> = {}): Extraction => ({
  fields: { ...valid, ...overrides },
  evidence: {},
});
const codes = (reasons: { code: string; severity: string }[]) =>
  reasons.map((r) => `${r.code}:${r.severity}`);

describe('validateDegreeCertificate', () => {
  it('passes a consistent certificate with only the online-check note (D8)', () => {
    expect(codes(validateDegreeCertificate(degree(), { now, applicant: null }))).toEqual([
      'ONLINE_CHECK_REQUIRED:info',
    ]);
  });
  it('rejects a conferral date in the future', () => {
    const future = { conferDate: '2027-06', issueDate: '2027-06-30', certificateNumber: '1024642027000123' };
    expect(codes(validateDegreeCertificate(degree(future), { now, applicant: null }))).toContain(
      'DATE_IMPLAUSIBLE:hard',
    );
  });
});

describe('16-digit number format', () => {
  it.each([
    ['1024642022000123', []],
    ['1024632010S00123', ['NUMBER_FORMAT_INVALID:soft']],
    ['C1024642010000123', ['NUMBER_FORMAT_INVALID:soft']],
    ['1024632018S00123', ['NUMBER_FORMAT_INVALID:hard']],
    ['1024652022000123', ['NUMBER_FORMAT_INVALID:hard']],
    ['1024641999000123', ['NUMBER_FORMAT_INVALID:hard']],
    ['103314991197', ['NUMBER_FORMAT_INVALID:hard']],
  ])('%s → %j', (certificateNumber, expected) => {
    expect(codes(degreeNumberFormatReasons(degree({ certificateNumber })))).toEqual(expected);
  });
});

describe('D1 level digit', () => {
  it('accepts 4 for 学士 and rejects 3', () => {
    expect(degreeLevelDigitReasons(degree())).toEqual([]);
    expect(codes(degreeLevelDigitReasons(degree({ certificateNumber: '1024632022000123' })))).toEqual([
      'LEVEL_CODE_MISMATCH:hard',
    ]);
    expect(
      degreeLevelDigitReasons(degree({ degree: '工商管理硕士', certificateNumber: '1024632022000123' })),
    ).toEqual([]);
  });
});

describe('D2 year', () => {
  it('rejects a number year other than the conferral year', () => {
    expect(codes(degreeYearReasons(degree({ conferDate: '2021-06' })))).toEqual([
      'CROSS_FIELD_MISMATCH:hard',
    ]);
  });
});

describe('D6 degree name', () => {
  it('accepts academic and professional names, flags unknown bachelor names (soft)', () => {
    expect(degreeNameReasons(degree({ degree: '管理学学士' }))).toEqual([]);
    expect(degreeNameReasons(degree({ degree: '工商管理硕士' }))).toEqual([]);
    expect(codes(degreeNameReasons(degree({ degree: '计算机学士' })))).toEqual(['FIELD_FORMAT_INVALID:soft']);
  });
});

describe('D8 online check', () => {
  it('says whether the degree is queryable online', () => {
    expect(degreeOnlineCheckReasons(degree())[0]?.message).toMatch(/confirm the degree online/);
    expect(degreeOnlineCheckReasons(degree({ conferDate: '2008-06' }))[0]?.message).toMatch(
      /manual certification/,
    );
  });
});
