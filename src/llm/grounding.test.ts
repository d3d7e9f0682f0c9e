import { describe, expect, it } from 'vitest';
import { cetScoreReportSchema } from '../documents/cet_score_report/cet_score_report.schema.js';
import {
  cetReportPpOcr,
  cetReportTesseract,
} from '../documents/cet_score_report/cet_score_report.test-support.js';
import { cetScoreReportModule } from '../documents/cet_score_report/index.js';
import { chsiRecordSchema } from '../documents/chsi_record/chsi_record.schema.js';
import { chsiRecordPpOcr, chsiRecordTesseract } from '../documents/chsi_record/chsi_record.test-support.js';
import { chsiRecordModule } from '../documents/chsi_record/index.js';
import { classifyDocument } from '../documents/classify.js';
import { degreeCertificateSchema } from '../documents/degree_certificate/degree_certificate.schema.js';
import {
  bachelorDegreePpOcr,
  classicDegreeTesseract,
} from '../documents/degree_certificate/degree_certificate.test-support.js';
import { degreeCertificateModule } from '../documents/degree_certificate/index.js';
import type { DocumentModule } from '../documents/document-module.js';
import {
  bachelorCertificatePpOcr,
  masterCertificateTesseract,
} from '../documents/graduation_certificate/graduation_certificate.test-support.js';
import { graduationCertificateModule } from '../documents/graduation_certificate/index.js';
import { buildOcrPage } from '../documents/ocr-page.js';
import { allRealOcr } from '../documents/real-ocr.test-support.js';
import { documentModules } from '../documents/registry.js';
import { ocrResult, ppLine } from '../documents/synthetic-ocr.test-support.js';
import type { OcrResult } from '../ocr/ocr.types.js';
import { type FieldKind, fieldKindsOf, groundValue } from './grounding.js';

const degree = ocrResult([
  ppLine('学士学位证书', 700, 100),
  ppLine('魏洁萱，女，一九九九年十二月二十八日生。在华中科技大学给排水科', 100, 300, 0.93),
  ppLine('学与工程专业完成了本科学习计划，业已毕业，授予工学学士学位。', 100, 360, 0.91),
  ppLine('二〇二一年六月二十四日', 1200, 900),
  ppLine('证书编号：1048742021OO3958', 100, 1000, 0.9),
]);

/** Grounds a value of a field at that field's places on a page of the given type. */
function groundOn(
  module: DocumentModule,
  ocr: OcrResult,
  field: string,
  value: string | number | boolean,
  kind: FieldKind,
) {
  return groundValue(value, kind, module.valueRegions(buildOcrPage(ocr))[field] ?? []);
}
const onDegree = (field: string, value: string | number | boolean, kind: FieldKind) =>
  groundOn(degreeCertificateModule, degree, field, value, kind);

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
  it('finds text in its field place, with the box and confidence of its own characters', () => {
    const found = onDegree('name', '魏洁萱', 'text');
    expect(found).toMatchObject({ text: '魏洁萱', confidence: 0.93, folded: false });
    // The three characters at the start of the body line (about 40 px each), not the whole line's box.
    const [x, y, width, height] = found?.box ?? [];
    expect([x, y, height]).toEqual([100, 300, 40]);
    expect(width).toBeGreaterThan(100);
    expect(width).toBeLessThan(140);
    const tesseract = cetReportTesseract();
    expect(groundOn(cetScoreReportModule, tesseract, 'name', '阿卜杜·热合曼', 'text')?.text).toBe(
      '阿卜杜•热合曼',
    );
  });

  it('finds a value OCR split over two lines, with the box around its characters on both', () => {
    const found = onDegree('major', '给排水科学与工程', 'text');
    expect(found?.text).toBe('给排水科学与工程');
    expect(found?.box?.[1]).toBe(300);
    expect(found?.box?.[3]).toBe(100);
    expect(found?.confidence).toBe(0.91);
    expect(onDegree('school', '华中科技大学', 'text')?.text).toBe('华中科技大学');
  });

  it('grounds a value only at its own field, never at another field or a part of a longer text', () => {
    expect(onDegree('major', '华中科技大学', 'text')).toBeNull();
    expect(onDegree('school', '给排水科学与工程', 'text')).toBeNull();
    expect(onDegree('name', '洁萱', 'text')).toBeNull();
    expect(onDegree('school', '华中科技', 'text')).toBeNull();
    const cet = cetReportPpOcr();
    expect(groundOn(cetScoreReportModule, cet, 'school', '苏州科技大学', 'text')).not.toBeNull();
    expect(groundOn(cetScoreReportModule, cet, 'name', '苏州科技大学', 'text')).toBeNull();
    expect(groundOn(cetScoreReportModule, cet, 'listeningScore', 211, 'digits')).toBeNull();
    expect(groundOn(cetScoreReportModule, cet, 'readingScore', 211, 'digits')?.text).toBe('211');
  });

  it('does not take a name from a note that mentions the name label', () => {
    const covered = cetReportPpOcr({ extraLines: [ppLine('注：学生姓名为周明轩', 150, 1200)] });
    const lines = covered.lines.map((l) => (l.text === '姓名：张伟' ? ppLine('姓名：', 150, 250) : l));
    const ocr = ocrResult(
      lines.map((l) => ({ text: l.text, box: l.box, confidence: l.confidence })),
      'ppocr',
    );
    expect(groundOn(cetScoreReportModule, ocr, 'name', '周明轩', 'text')).toBeNull();
    // The same name printed beside the label is its value.
    const beside = ocrResult([ppLine('姓名：', 150, 250), ppLine('周明轩', 600, 250)]);
    expect(groundOn(cetScoreReportModule, beside, 'name', '周明轩', 'text')?.box).toEqual([
      600, 250, 120, 40,
    ]);
  });

  it('turns Chinese-numeral dates into the contract format, in the date places only', () => {
    expect(onDegree('birthDate', '1999-12-28', 'date')?.text).toBe('一九九九年十二月二十八日');
    expect(onDegree('conferDate', '2021-06', 'month')?.box).toEqual(degree.lines[3]?.box);
    expect(onDegree('birthDate', '2021-06-24', 'date')).toBeNull();
    expect(onDegree('conferDate', '1999-12', 'month')).toBeNull();
    expect(onDegree('birthDate', '1999-12-27', 'date')).toBeNull();
  });

  it('folds digit look-alikes for numeric fields and says so', () => {
    expect(onDegree('certificateNumber', '1048742021003958', 'code')).toBeNull();
    const digits = ocrResult([ppLine('准考证号：34O8O1252117128', 100, 100)]);
    expect(
      groundOn(cetScoreReportModule, digits, 'admissionTicketNumber', '340801252117128', 'digits'),
    ).toMatchObject({
      folded: true,
    });
  });

  it('does not ground a number inside a longer number', () => {
    const ocr = ocrResult([ppLine('总分 570', 100, 100), ppLine('准考证号 340801252117128', 100, 200)]);
    const on = (field: string, value: string | number) =>
      groundOn(cetScoreReportModule, ocr, field, value, 'digits');
    expect(on('totalScore', 570)?.text).toBe('570');
    expect(on('totalScore', 57)).toBeNull();
    expect(on('admissionTicketNumber', '34080125211712')).toBeNull();
    expect(on('totalScore', 801)).toBeNull();
  });

  it('grounds ID numbers with a lower-case x and masks', () => {
    const ocr = ocrResult([
      ppLine('证件号码：11010519491231002x', 100, 100),
      ppLine('证件号码：650102＊＊＊＊＊＊＊＊0011', 100, 200),
    ]);
    const on = (value: string) => groundOn(cetScoreReportModule, ocr, 'idNumber', value, 'id');
    expect(on('11010519491231002X')).not.toBeNull();
    expect(on('650102********0011')).not.toBeNull();
    expect(on('110105194912310021')).toBeNull();
  });

  it('never grounds invented values, booleans or ignored fields', () => {
    expect(onDegree('name', '张伟', 'text')).toBeNull();
    expect(onDegree('name', true, 'text')).toBeNull();
    expect(onDegree('name', '魏洁萱', 'ignored')).toBeNull();
    expect(groundValue('魏洁萱', 'text', [])).toBeNull();
  });
});

describe('groundValue for enums: the printed token in the field own place', () => {
  it('grounds the CET level from the title, not from the generic 四、六级 wording', () => {
    const cet4 = ocrResult([ppLine('全国大学英语四级考试成绩报告单', 100, 100)]);
    expect(groundOn(cetScoreReportModule, cet4, 'level', 'CET4', 'enum')).not.toBeNull();
    expect(groundOn(cetScoreReportModule, cet4, 'level', 'CET6', 'enum')).toBeNull();
    const generic = ocrResult([ppLine('全国大学英语四、六级考试成绩报告单', 100, 100)]);
    expect(groundOn(cetScoreReportModule, generic, 'level', 'CET6', 'enum')).toBeNull();
    expect(groundOn(cetScoreReportModule, generic, 'level', 'CET4', 'enum')).toBeNull();
    // The committee's name at the foot of a CET-4 report names no level either.
    expect(groundOn(cetScoreReportModule, cetReportPpOcr(), 'level', 'CET6', 'enum')).toBeNull();
  });

  it('does not ground the education level by 硕士 inside a major', () => {
    const diploma = ocrResult([
      ppLine('毕业证书', 700, 100),
      ppLine('学生张伟，性别男，一九九八年三月五日生，于二〇一六年九月至二〇二〇年六月', 100, 300),
      ppLine('在本校工商管理硕士预科专业四年制本科学习，修完教学计划规定的全部课程', 100, 360),
    ]);
    const on = (value: string) =>
      groundOn(graduationCertificateModule, diploma, 'educationLevel', value, 'enum');
    expect(on('本科')?.text).toBe('本科');
    expect(on('硕士研究生')).toBeNull();
    const master = ocrResult([ppLine('硕士研究生毕业证书', 700, 100)]);
    expect(
      groundOn(graduationCertificateModule, master, 'educationLevel', '硕士研究生', 'enum'),
    ).not.toBeNull();
    const note = ocrResult([ppLine('毕业证书', 700, 100), ppLine('备注：拟攻读博士学位', 100, 900)]);
    expect(groundOn(graduationCertificateModule, note, 'educationLevel', '博士研究生', 'enum')).toBeNull();
  });

  it('grounds the education level of a CHSI record beside 层次 only', () => {
    const record = ocrResult([
      ppLine('教育部学历证书电子注册备案表', 600, 100),
      ppLine('专业', 100, 400),
      ppLine('工商管理硕士', 400, 400),
      ppLine('层次', 100, 470),
      ppLine('本科', 400, 470),
    ]);
    const on = (value: string) => groundOn(chsiRecordModule, record, 'educationLevel', value, 'enum');
    expect(on('本科')?.box).toEqual(record.lines[4]?.box);
    expect(on('硕士研究生')).toBeNull();
  });

  it('grounds the gender after 性别 or between the commas of the body, not in other words', () => {
    expect(onDegree('gender', '女', 'enum')?.text).toBe('女');
    expect(onDegree('gender', '男', 'enum')).toBeNull();
    const note = ocrResult([ppLine('学士学位证书', 700, 100), ppLine('男子篮球队队长', 100, 900)]);
    expect(groundOn(degreeCertificateModule, note, 'gender', '男', 'enum')).toBeNull();
  });
});

describe('value regions against the rules', () => {
  /**
   * Values the rules read without a place of their own: reconstructed from two places (the level of
   * a garbled degree from the title), mapped from a misreading (王学 → 工学), or found by shape alone.
   */
  const notPrintedAtAPlace = new Set([
    'degree_certificate/garbled-body.degree',
    'classicDegreeTesseract.degree',
    'chsiRecordTesseract.verificationCode',
  ]);
  const pages: Record<string, () => OcrResult> = {
    ...Object.fromEntries(Object.entries(allRealOcr()).map(([name, ocr]) => [name, () => ocr])),
    cetReportPpOcr: () => cetReportPpOcr(),
    cetReportTesseract,
    bachelorDegreePpOcr: () => bachelorDegreePpOcr(),
    classicDegreeTesseract,
    bachelorCertificatePpOcr: () => bachelorCertificatePpOcr(),
    masterCertificateTesseract,
    chsiRecordPpOcr: () => chsiRecordPpOcr(),
    chsiRecordTesseract,
  };

  it.each(Object.keys(pages))('grounds every value the rules read on %s at that field place', (name) => {
    const page = buildOcrPage((pages[name] as () => OcrResult)());
    const type = classifyDocument(page).type;
    if (type === 'unknown') throw new Error(`${name} is not classified`);
    const module = documentModules[type];
    const kinds = fieldKindsOf(module.schema);
    const regions = module.valueRegions(page);
    const ungrounded = Object.entries(module.extract(page).fields).filter(
      ([field, value]) =>
        value !== null &&
        kinds[field] !== 'ignored' &&
        !notPrintedAtAPlace.has(`${name}.${field}`) &&
        groundValue(value ?? null, kinds[field] as FieldKind, regions[field] ?? []) === null,
    );
    expect(ungrounded).toEqual([]);
  });
});
