import { describe, expect, it } from 'vitest';
import type { OcrLine } from '../ocr/ocr.types.js';
import { applicantBindingReasons } from './applicant.js';
import type { Extraction, FieldValue } from './document-types.js';
import { evidenceOf } from './extraction-builder.js';
import { buildOcrPage } from './ocr-page.js';

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
    // a different given name under the applicant's surname: a person looks
    ['张玮', '张伟', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['李伟', '张伟', ['APPLICANT_NAME_MISMATCH:hard']],
  ])('name %s vs applicant %s → %j', (documentName, applicantName, expected) => {
    expect(
      codes(applicantBindingReasons(extraction({ name: documentName }), { name: applicantName }, now)),
    ).toEqual(expected);
  });

  it.each([
    // a different surname, or a different length, read clearly is another person
    ['李欣', 0.97, '雷哲', ['APPLICANT_NAME_MISMATCH:hard']],
    ['雷哲明华', 0.97, '雷哲', ['APPLICANT_NAME_MISMATCH:hard']],
    // another given name under the same surname is not what OCR can rule out
    ['雷哲', 0.97, '雷欣', ['APPLICANT_NAME_UNCERTAIN:soft']],
    // an OCR look-alike, or an unsure reading: a person looks
    ['雷皙', 0.98, '雷哲', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['雷欣', 0.8, '雷哲', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['李欣', 0.8, '雷哲', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['雷哲明华', 0.6, '雷哲', ['APPLICANT_NAME_UNCERTAIN:soft']],
    // the two genuine documents once rejected: a surname read as its look-alike, a name read
    // without its surname
    ['玉晓丽', 0.99, '王晓丽', ['APPLICANT_NAME_UNCERTAIN:soft']],
    ['晓丽', 0.99, '王晓丽', ['APPLICANT_NAME_UNCERTAIN:soft']],
    // and the exact name still binds with nothing to say
    ['王晓丽', 0.99, '王晓丽', []],
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

  it('names the likely misread for the reviewer', () => {
    const read: Extraction = {
      fields: { name: '玉晓丽' },
      evidence: { name: { text: '玉晓丽', box: null, confidence: 0.99, source: 'rules' } },
    };
    const [only] = applicantBindingReasons(read, { name: '王晓丽' }, now);
    expect(only?.message).toContain('玉 read for 王 (a look-alike)');
    expect(only?.messageZh).toContain('“王”可能被识别为“玉”');
  });

  it("reads the recogniser's runners-up from the evidence: the applicant's surname among them is a misread", () => {
    const evidence = (candidates: string[]) => ({
      text: '赫明',
      box: null,
      confidence: 0.93,
      source: 'rules' as const,
      characters: [
        { char: '赫', confidence: 0.93, candidates: candidates.map((char) => ({ char, confidence: 0.04 })) },
        { char: '明', confidence: 0.99, candidates: [] },
      ],
    });
    const withCandidate: Extraction = { fields: { name: '赫明' }, evidence: { name: evidence(['郝']) } };
    const without: Extraction = { fields: { name: '赫明' }, evidence: { name: evidence(['赤']) } };
    expect(codes(applicantBindingReasons(withCandidate, { name: '郝明' }, now))).toEqual([
      'APPLICANT_NAME_UNCERTAIN:soft',
    ]);
    expect(codes(applicantBindingReasons(without, { name: '郝明' }, now))).toEqual([
      'APPLICANT_NAME_MISMATCH:hard',
    ]);
  });

  it.each([
    ['one line', [{ text: '姓名：赫明', box: [0, 0, 100, 20], confidence: 0.95 }]],
    [
      'words split by a space',
      [
        { text: '姓名', box: [0, 0, 40, 20], confidence: 0.95 },
        { text: '赫明', box: [60, 0, 40, 20], confidence: 0.95 },
      ],
    ],
  ] as const)('carries the runners-up from the OCR line to the name evidence (%s)', (_, words) => {
    const text = words.map((w) => w.text).join(' ');
    const at = [...text].indexOf('赫');
    const line: OcrLine = {
      text,
      box: [0, 0, 100, 20],
      confidence: 0.95,
      words: words.map((w) => ({ ...w, box: [...w.box] })),
      alternatives: [{ index: at, confidence: 0.9, candidates: [{ char: '郝', confidence: 0.08 }] }],
    };
    const page = buildOcrPage({
      engine: 'ppocr',
      engineVersion: 'test',
      width: 100,
      height: 20,
      text,
      lines: [line],
      meanConfidence: 0.95,
    });
    const chars = page.rows.flatMap((row) => row.chars).filter((c) => c.ch === '赫' || c.ch === '明');
    const read: Extraction = { fields: { name: '赫明' }, evidence: { name: evidenceOf(chars) } };
    expect(read.evidence.name?.characters?.map((c) => c.candidates.map((k) => k.char))).toEqual([['郝'], []]);
    expect(codes(applicantBindingReasons(read, { name: '郝明' }, now))).toEqual([
      'APPLICANT_NAME_UNCERTAIN:soft',
    ]);
  });

  it.each([
    // one digit misread (9 → 8 in the birth year): the check digit fails, no one's number
    ['11010519481231002X', ['CHECKSUM_INVALID:soft', 'APPLICANT_ID_PARTIAL:soft']],
    // another person's number, read clearly, with a valid check digit
    ['110105194812310022', ['APPLICANT_ID_MISMATCH:hard']],
    ['110105195001010020', ['APPLICANT_ID_MISMATCH:hard']],
  ])('document ID %s vs the applicant’s 11010519491231002X → %j', (idNumber, expected) => {
    expect(codes(applicantBindingReasons(extraction({ idNumber }), { idNumber: ID }, now))).toEqual(expected);
  });

  it('takes a masked digit that is a look-alike for a misread, another digit for another person', () => {
    const applicant = { idNumber: '110105194912310089' };
    expect(
      codes(applicantBindingReasons(extraction({ idNumber: '110105********0039' }), applicant, now)),
    ).toEqual(['APPLICANT_ID_PARTIAL:soft']);
    expect(
      codes(applicantBindingReasons(extraction({ idNumber: '110105********0049' }), applicant, now)),
    ).toEqual(['APPLICANT_ID_MISMATCH:hard']);
  });

  it('asks a person when the differing digits of a valid number were doubted by the recogniser', () => {
    const idNumber = '110105194812310022';
    const characters = [...idNumber].map((char, i) => ({
      char,
      confidence: i === 17 ? 0.7 : 0.99,
      candidates: i === 17 ? [{ char: 'X', confidence: 0.25 }] : [],
    }));
    const read: Extraction = {
      fields: { idNumber },
      evidence: { idNumber: { text: idNumber, box: null, confidence: 0.7, source: 'rules', characters } },
    };
    expect(codes(applicantBindingReasons(read, { idNumber: ID }, now))).toEqual([
      'APPLICANT_ID_PARTIAL:soft',
    ]);
  });

  it("softens the document's own disagreement that a misread ID digit causes (I6), not another", () => {
    const misread = extraction({ idNumber: '11010519481231002X', birthDate: '1949-12-31' });
    expect(codes(applicantBindingReasons(misread, { idNumber: ID }, now))).toEqual([
      'CHECKSUM_INVALID:soft',
      'CROSS_FIELD_MISMATCH:soft',
      'APPLICANT_ID_PARTIAL:soft',
    ]);
    const otherBirthDate = extraction({ idNumber: '11010519481231002X', birthDate: '1948-12-31' });
    expect(codes(applicantBindingReasons(otherBirthDate, { idNumber: ID }, now))).toEqual([
      'CHECKSUM_INVALID:soft',
      'APPLICANT_ID_PARTIAL:soft',
      'APPLICANT_ID_PARTIAL:soft',
    ]);
  });

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
    // one look-alike digit of the printed birth date (9 read for 8): a person looks
    const bornIn1948 = { idNumber: '110105194812310022' };
    expect(codes(applicantBindingReasons(extraction({ birthDate: '1949-12-31' }), bornIn1948, now))).toEqual([
      'APPLICANT_ID_PARTIAL:soft',
    ]);
    expect(codes(applicantBindingReasons(extraction({ birthDate: '1947-12-31' }), bornIn1948, now))).toEqual([
      'APPLICANT_ID_MISMATCH:hard',
    ]);
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
