import { describe, expect, it } from 'vitest';
import { applicantBindingReasons } from './applicant.js';
import type { Extraction, FieldValue } from './document-types.js';

const now = new Date('2026-11-15T00:00:00Z');
const extraction = (fields: Record<string, FieldValue>): Extraction => ({ fields, evidence: {} });
const codes = (reasons: { code: string; severity: string }[]) =>
  reasons.map((r) => `${r.code}:${r.severity}`);
const ID = '11010519491231002X';

describe('applicantBindingReasons', () => {
  it('binds an exact name and ID with no reasons', () => {
    expect(
      applicantBindingReasons(
        extraction({ name: '张伟', idNumber: ID }),
        { name: '张 伟', idNumber: ID.toLowerCase() },
        now,
      ),
    ).toEqual([]);
  });

  it.each([
    ['阿卜杜•热合曼', '阿卜杜热合曼', []],
    ['李_丽', '李晓丽', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['张玮', '张伟', ['APPLICANT_NAME_MISMATCH:hard']],
  ])('name %s vs applicant %s → %j', (documentName, applicantName, expected) => {
    expect(
      codes(applicantBindingReasons(extraction({ name: documentName }), { name: applicantName }, now)),
    ).toEqual(expected);
  });

  it.each([
    // a confident reading of another given name is another person
    ['雷哲', 0.97, '雷欣', ['APPLICANT_NAME_MISMATCH:hard']],
    // an OCR look-alike, or an unsure reading, of one character: a person looks
    ['雷皙', 0.98, '雷哲', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['雷欣', 0.8, '雷哲', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['李欣', 0.8, '雷哲', ['APPLICANT_NAME_MISMATCH:hard']],
  ])(
    'name %s read with confidence %d vs applicant %s → %j',
    (documentName, confidence, applicantName, expected) => {
      const read: Extraction = {
        fields: { name: documentName },
        evidence: { name: { text: documentName, box: null, confidence, source: 'rules' } },
      };
      expect(codes(applicantBindingReasons(read, { name: applicantName }, now))).toEqual(expected);
    },
  );

  it.each([
    ['110105********002X', ['APPLICANT_ID_PARTIAL:info']],
    ['**************002X', ['APPLICANT_ID_PARTIAL:info']],
    ['***************02*', ['APPLICANT_ID_PARTIAL:info']],
    ['110105********003X', ['APPLICANT_ID_MISMATCH:hard']],
    ['410326199507103197', ['APPLICANT_ID_MISMATCH:hard']],
  ])('document ID %s → %j', (idNumber, expected) => {
    expect(codes(applicantBindingReasons(extraction({ idNumber }), { idNumber: ID }, now))).toEqual(expected);
  });

  it('rejects a printed ID that fails its check digit, with or without an applicant', () => {
    expect(codes(applicantBindingReasons(extraction({ idNumber: '110105194912310021' }), null, now))).toEqual(
      ['CHECKSUM_INVALID:hard'],
    );
  });

  it('compares printed birth date and gender with the applicant ID (G7, I6)', () => {
    expect(
      codes(
        applicantBindingReasons(extraction({ birthDate: '1949-12-31', gender: '女' }), { idNumber: ID }, now),
      ),
    ).toEqual([]);
    expect(
      codes(
        applicantBindingReasons(extraction({ birthDate: '1949-12-30', gender: '男' }), { idNumber: ID }, now),
      ),
    ).toEqual(['APPLICANT_ID_MISMATCH:hard', 'APPLICANT_ID_MISMATCH:hard']);
  });

  it("checks a printed ID against the document's own birth date and gender (I4, I6)", () => {
    expect(
      codes(applicantBindingReasons(extraction({ idNumber: ID, birthDate: '1950-01-01' }), null, now)),
    ).toEqual(['CROSS_FIELD_MISMATCH:hard']);
  });

  it('does not bind with an invalid applicant ID', () => {
    expect(
      codes(applicantBindingReasons(extraction({ idNumber: ID }), { idNumber: '110105194912310021' }, now)),
    ).toEqual(['FIELD_FORMAT_INVALID:soft']);
  });

  it('makes no binding without an applicant', () => {
    expect(applicantBindingReasons(extraction({ name: '张伟', idNumber: ID }), null, now)).toEqual([]);
  });
});
