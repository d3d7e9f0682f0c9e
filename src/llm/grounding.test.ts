import { describe, expect, it } from 'vitest';
import { cetScoreReportSchema } from '../documents/cet_score_report/cet_score_report.schema.js';
import { chsiRecordSchema } from '../documents/chsi_record/chsi_record.schema.js';
import { degreeCertificateSchema } from '../documents/degree_certificate/degree_certificate.schema.js';
import { ocrResult, ppLine, sparseBoxes } from '../documents/test-helpers.js';
import { fieldKindsOf, groundValue } from './grounding.js';

const degree = ocrResult([
  ppLine('学士学位证书', 700, 100),
  ppLine('魏洁萱，女，一九九九年十二月二十八日生。在华中科技大学给排水科', 100, 300, 0.93),
  ppLine('学与工程专业完成了本科学习计划，业已毕业，授予工学学士学位。', 100, 360, 0.91),
  ppLine('二〇二一年六月二十四日', 1200, 900),
  ppLine('证书编号：1048742021OO3958', 100, 1000, 0.9),
]);

describe('fieldKindsOf', () => {
  it('derives how each field is grounded from the zod schema', () => {
    expect(fieldKindsOf(cetScoreReportSchema)).toMatchObject({
      name: 'text',
      idNumber: 'id',
      level: 'enum',
      examSession: 'month',
      totalScore: 'digits',
      admissionTicketNumber: 'digits',
      oralTicketNumber: 'code',
      listeningExempt: 'ignored',
    });
    expect(fieldKindsOf(degreeCertificateSchema)).toMatchObject({
      birthDate: 'date',
      conferDate: 'month',
      certificateNumber: 'code',
      gender: 'enum',
    });
    expect(fieldKindsOf(chsiRecordSchema)).toMatchObject({
      verificationCode: 'code',
      certificateNumber: 'digits',
    });
  });
});

describe('groundValue', () => {
  it('finds text after NFKC and whitespace removal, with the line box and confidence', () => {
    expect(groundValue('华中科技大学', 'text', degree)).toEqual({
      text: '华中科技大学',
      box: degree.lines[1]?.box,
      confidence: 0.93,
      folded: false,
    });
    const spaced = ocrResult([...sparseBoxes('姓 名 : 阿卜杜•热合曼', 150, 250)]);
    expect(groundValue('阿卜杜·热合曼', 'text', spaced)?.text).toBe('阿卜杜•热合曼');
  });

  it('finds a value OCR split over two lines, with the union of their boxes', () => {
    const found = groundValue('给排水科学与工程', 'text', degree);
    const [a, b] = [degree.lines[1]?.box, degree.lines[2]?.box];
    expect(found?.text).toBe('给排水科学与工程');
    expect(found?.box).toEqual([100, 300, Math.max(a?.[2] ?? 0, b?.[2] ?? 0), 100]);
    expect(found?.confidence).toBe(0.91);
  });

  it('turns Chinese-numeral dates into the contract format', () => {
    expect(groundValue('1999-12-28', 'date', degree)?.text).toBe('一九九九年十二月二十八日');
    expect(groundValue('2021-06', 'month', degree)?.box).toEqual(degree.lines[3]?.box);
    expect(groundValue('2021-06-23', 'date', degree)).toBeNull();
  });

  it('folds digit look-alikes for numeric fields and says so', () => {
    expect(groundValue('1048742021003958', 'code', degree)).toBeNull();
    const digits = ocrResult([ppLine('准考证号：34O8O1252117128', 100, 100)]);
    expect(groundValue('340801252117128', 'digits', digits)).toMatchObject({ folded: true });
  });

  it('does not ground a number inside a longer number', () => {
    const ocr = ocrResult([ppLine('总分 570', 100, 100), ppLine('准考证号 340801252117128', 100, 200)]);
    expect(groundValue(570, 'digits', ocr)?.text).toBe('570');
    expect(groundValue(57, 'digits', ocr)).toBeNull();
    expect(groundValue(801, 'digits', ocr)).toBeNull();
    expect(groundValue('34080125211712', 'digits', ocr)).toBeNull();
  });

  it('grounds ID numbers with a lower-case x and masks', () => {
    const ocr = ocrResult([
      ppLine('证件号码：11010519491231002x', 100, 100),
      ppLine('650102＊＊＊＊＊＊＊＊0011', 100, 200),
    ]);
    expect(groundValue('11010519491231002X', 'id', ocr)).not.toBeNull();
    expect(groundValue('650102********0011', 'id', ocr)).not.toBeNull();
    expect(groundValue('110105194912310021', 'id', ocr)).toBeNull();
  });

  it('grounds enum values by their printed wording', () => {
    const ocr = ocrResult([ppLine('全国大学英语四级考试成绩报告单', 100, 100)]);
    expect(groundValue('CET4', 'enum', ocr)).not.toBeNull();
    expect(groundValue('CET6', 'enum', ocr)).toBeNull();
    expect(groundValue('本科', 'enum', degree)).not.toBeNull();
    expect(groundValue('硕士研究生', 'enum', degree)).toBeNull();
  });

  it('never grounds invented values, booleans or ignored fields', () => {
    expect(groundValue('张伟', 'text', degree)).toBeNull();
    expect(groundValue(710, 'digits', degree)).toBeNull();
    expect(groundValue(true, 'text', degree)).toBeNull();
    expect(groundValue('本科', 'ignored', degree)).toBeNull();
  });
});
