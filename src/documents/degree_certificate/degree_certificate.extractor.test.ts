import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { labelsOverValues, ocrResult, ppLine, type TestBox } from '../synthetic-ocr.test-support.js';
import {
  extractDegreeCertificate,
  parseDegreeCertificateNumber,
  parseDegreeName,
} from './degree_certificate.extractor.js';
import { degreeCertificateSchema } from './degree_certificate.schema.js';
import { bachelorDegreePpOcr, classicDegreeTesseract } from './degree_certificate.test-support.js';

describe('extractDegreeCertificate', () => {
  it('reads a 2016+ PP-OCR degree certificate', () => {
    const { fields, evidence } = extractDegreeCertificate(buildOcrPage(bachelorDegreePpOcr()));
    expect(fields).toEqual({
      name: '张伟',
      gender: '男',
      birthDate: '2000-01-15',
      school: '复旦大学',
      major: '计算机科学与技术',
      degree: '工学学士',
      conferDate: '2022-06',
      certificateNumber: '1024642022000123',
      issueDate: '2022-06-30',
    });
    expect(degreeCertificateSchema.safeParse(fields).success).toBe(true);
    expect(evidence.degree?.text).toBe('工学学士');
  });

  it('reads classic wording from tesseract boxes, splitting school from major and fixing 王学', () => {
    const { fields, evidence } = extractDegreeCertificate(buildOcrPage(classicDegreeTesseract()));
    expect(fields).toEqual({
      name: '尹航',
      gender: '男',
      birthDate: '1994-07-30',
      school: '武汉大学',
      major: '给排水科学与工程',
      degree: '工学学士',
      conferDate: '2017-06',
      certificateNumber: '1048642017004788',
      issueDate: '2017-06-30',
    });
    expect(evidence.degree?.text).toBe('王学学士');
  });
});

describe('a degree whose level OCR garbled in the body', () => {
  it.each([
    ['的规定，授予工学孛士学位。', '工学学士'],
    ['的规定，授予工商管理顾士专业学位。', '工商管理学士'],
    // a readable level in the body is never replaced by the title's (D1 compares it with the number)
    ['的规定，授予工学硕士学位。', '工学硕士'],
    // no level character at all: unreadable
    ['的规定，授予工学学位。', null],
  ])('%s with the title 学士学位证书 → %s', (degreeLine, degree) => {
    expect(extractDegreeCertificate(buildOcrPage(bachelorDegreePpOcr({ degreeLine }))).fields.degree).toBe(
      degree,
    );
  });

  it('takes the level from the title only when the title names one', () => {
    const page = bachelorDegreePpOcr({ degreeLine: '的规定，授予工学孛士学位。' });
    const lines = page.lines.filter((l) => l.text !== '学士学位证书');
    const untitled = { ...page, lines, text: lines.map((l) => l.text).join('\n') };
    expect(extractDegreeCertificate(buildOcrPage(untitled)).fields.degree).toBeNull();
  });
});

describe('parseDegreeName', () => {
  it.each([
    ['工学学士', '工学学士'],
    ['王学学士', '工学学士'],
    ['ヱ|学学士', '工学学士'],
    ['工商管理硕士', '工商管理硕士'],
    ['学士', null],
    ['工学学位', null],
  ])('%s → %s', (text, degree) => expect(parseDegreeName(text)).toBe(degree));
});

describe('parseDegreeCertificateNumber', () => {
  it.each([
    ['1024642022000123', '1024642022000123'],
    ['1O2464 2O22OOO123', '1024642022000123'],
    ['C1024642010000123', 'C1024642010000123'],
    ['1024632010S00123', '1024632010S00123'],
    ['102464202200012', null],
    ['103314991197', null],
  ])('%s → %s', (text, value) => expect(parseDegreeCertificateNumber(text)).toBe(value));
});

/** Degree certificates laid out as tables of labels and values instead of a body sentence. */
describe('extractDegreeCertificate on other layouts', () => {
  const NUMBER = '1026942021001234';
  const read = (lines: TestBox[]) =>
    extractDegreeCertificate(buildOcrPage(ocrResult([ppLine('学士学位证书', 700, 100), ...lines], 'ppocr')));

  it('reads bilingual labels left of their values, two pairs per row', () => {
    const { fields } = read([
      ppLine('姓名 Name：王芳  性别 Sex：女', 150, 300),
      ppLine('出生日期 Date of Birth：1998年5月12日', 150, 370),
      ppLine('专业 Major：电子信息工程  授予学位 Degree：工学学士', 150, 440),
      ppLine(`学位授予单位：华东师范大学  证书编号：${NUMBER}`, 150, 510),
      ppLine('授予日期：2021年6月25日', 150, 580),
    ]);
    expect(fields).toEqual({
      name: '王芳',
      gender: '女',
      birthDate: '1998-05-12',
      school: '华东师范大学',
      major: '电子信息工程',
      degree: '工学学士',
      conferDate: '2021-06',
      certificateNumber: NUMBER,
      issueDate: '2021-06-25',
    });
  });

  it('reads values printed under their labels', () => {
    const { fields } = read([
      ...labelsOverValues(300, [
        ['姓名', '王芳', 150],
        ['性别', '女', 500],
        ['出生日期', '1998.05.12', 800],
      ]),
      ...labelsOverValues(450, [
        ['专业', '电子信息工程', 150],
        ['学位', '工学学士', 800],
      ]),
    ]);
    expect(fields).toMatchObject({
      name: '王芳',
      gender: '女',
      birthDate: '1998-05-12',
      major: '电子信息工程',
      degree: '工学学士',
    });
  });
});
