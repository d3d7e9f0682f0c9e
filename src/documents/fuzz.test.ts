import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../verdicts/reasons.js';
import type { Extraction, FieldValue } from './document-types.js';
import { personName } from './field-formats.js';
import {
  digitsParser,
  parseGender,
  parseInstitutionText,
  parsePersonName,
  parseScore,
} from './field-parsers.js';
import { buildOcrPage } from './ocr-page.js';
import { documentModules } from './registry.js';
import { ocrResult, ppLine } from './synthetic-ocr.test-support.js';

/**
 * Extractors, validators and field parsers under arbitrary input: they never throw, extracted
 * fields always pass the type's contract schema, and every reason has a known code.
 */
const LABELS = [
  '姓名',
  '性别',
  '身份证号',
  '证件号码',
  '出生日期',
  '学校',
  '学校名称',
  '专业',
  '学历',
  '层次',
  '学制',
  '入学日期',
  '毕业日期',
  '证书编号',
  '学位',
  '准考证号',
  '成绩报告单编号',
  '总分',
  '听力',
  '阅读',
  '写作和翻译',
  '考试时间',
  '全国大学英语四级考试成绩报告单',
  '毕业证书',
  '学士学位证书',
  '教育部学历证书电子注册备案表',
  '在线验证码',
  '：',
  ':',
];
const CHARS = [
  ...'0123456789０１２３４５６７８９OoIlSBX年月日〇一二三四五六七八九十 ·*男女本科硕士工学张伟浙江大学司马',
];
const fragment = fc.oneof(
  fc.constantFrom(...LABELS),
  fc.constantFrom('toString', '__proto__', 'constructor'),
  fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 20 }).map((c) => c.join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
);
const line = fc.tuple(fc.array(fragment, { minLength: 1, maxLength: 3 }), fc.nat(1800), fc.nat(2700));
const page = fc
  .array(line, { maxLength: 25 })
  .map((lines) => ocrResult(lines.map(([parts, x, y]) => ppLine(parts.join(''), x, y))));

const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(fc.constantFrom(...CHARS), { maxLength: 20 }).map((c) => c.join('')),
  fc.constantFrom(
    '2019-06-30',
    '2019-02-30',
    '11010519491231002X',
    '110105194912310021',
    'CET4',
    '本科',
    '男',
  ),
  fc.constantFrom('toString', '__proto__', 'constructor', 'valueOf'),
);
const applicant = fc.option(
  fc.record({
    name: fc.option(fc.string({ maxLength: 10 })),
    idNumber: fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^\d{17}[\dX]$/))),
  }),
);
const now = new Date('2026-06-01T00:00:00Z');
const runs = { numRuns: 150 };

describe.each(Object.values(documentModules))('$type module under arbitrary input', (module) => {
  const fieldNames = Object.keys(module.schema.shape);

  it('classifies into 0..1, and every extracted value outside the contract is named by a validator', () => {
    // The extractor reports what is printed, an impossible score included (a tampered report prints
    // reading 261 > 249): the validators must name it, and the pipeline's contract stage then
    // reports it as null (src/pipeline/contract.ts).
    fc.assert(
      fc.property(page, (ocr) => {
        const score = module.classify(buildOcrPage(ocr));
        expect(score >= 0 && score <= 1).toBe(true);
        const extraction = module.extract(buildOcrPage(ocr));
        const reasons = module.validate(extraction, { now, applicant: null });
        for (const reason of reasons) expect(REASON_CODES).toContain(reason.code);
        const shape = module.schema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
        for (const [field, value] of Object.entries(extraction.fields)) {
          if (value === null || shape[field]?.safeParse(value).success) continue;
          expect(
            reasons.some((r) => r.field === field && r.severity !== 'info'),
            JSON.stringify({ field, value, reasons: reasons.map((r) => `${r.code}:${r.field}`) }),
          ).toBe(true);
        }
      }),
      runs,
    );
  });

  it('validates any field values without throwing, with known reason codes', () => {
    const fields = fc.record(Object.fromEntries(fieldNames.map((name) => [name, fieldValue])));
    fc.assert(
      fc.property(fields, applicant, (values, who) => {
        const extraction: Extraction = { fields: values, evidence: {} };
        const reasons = module.validate(extraction, { now, applicant: who });
        for (const reason of reasons) {
          expect(REASON_CODES).toContain(reason.code);
          expect(['hard', 'soft', 'info', 'retake']).toContain(reason.severity);
        }
      }),
      runs,
    );
  });
});

describe('field parsers under arbitrary input', () => {
  const text = fc.oneof(fragment, fc.string({ unit: 'grapheme', maxLength: 40 }));
  it('return a contract value or null', () => {
    const ticket = digitsParser(15);
    const certificate = digitsParser(17, 18);
    fc.assert(
      fc.property(text, (raw) => {
        const name = parsePersonName(raw);
        if (name !== null) expect(personName.safeParse(name).success).toBe(true);
        expect([null, '男', '女']).toContain(parseGender(raw));
        const institution = parseInstitutionText(raw);
        if (institution !== null) expect(institution.length >= 2 && institution.length <= 40).toBe(true);
        const score = parseScore(raw);
        if (score !== null) expect(Number.isInteger(score) && score >= 0 && score <= 999).toBe(true);
        const t = ticket(raw);
        if (t !== null) expect(t).toMatch(/^\d{15}$/);
        const c = certificate(raw);
        if (c !== null) expect(c).toMatch(/^\d{17,18}$/);
      }),
      { numRuns: 500 },
    );
  });
});
