import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
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
