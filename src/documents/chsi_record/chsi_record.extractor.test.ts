import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { extractChsiRecord, parseVerificationCode } from './chsi_record.extractor.js';
import { chsiRecordSchema } from './chsi_record.schema.js';
import { chsiRecordPpOcr, chsiRecordTesseract } from './chsi_record.test-support.js';

describe('extractChsiRecord', () => {
  it('reads the labelled table of a PP-OCR 备案表', () => {
    const { fields, evidence } = extractChsiRecord(buildOcrPage(chsiRecordPpOcr()));
    expect(fields).toEqual({
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
    });
    expect(chsiRecordSchema.safeParse(fields).success).toBe(true);
    expect(evidence.graduationDate?.text).toBe('2024年06月30日');
  });

  it('reads a tesseract printout and finds the code without its label', () => {
    const { fields } = extractChsiRecord(buildOcrPage(chsiRecordTesseract()));
    expect(fields).toMatchObject({
      name: '阿卜杜·热合曼',
      gender: '男',
      birthDate: '2001-03-05',
      school: '新疆职业大学',
      major: '旅游管理',
      educationLevel: '专科',
      enrollmentDate: '2019-09',
      graduationDate: '2022-07',
      certificateNumber: '123581202206000456',
      verificationCode: 'ASLMN1RQZPRMHX05',
      educationCategory: '普通高等教育',
    });
  });
});

describe('a verification code of a length no code has', () => {
  it('is kept as printed from a PDF text layer (exact characters), for rule §4.3 to judge', () => {
    const { fields } = extractChsiRecord(
      buildOcrPage(chsiRecordPpOcr({ code: 'ALETH6CKR9SGH', engine: 'pdf-text' })),
    );
    expect(fields.verificationCode).toBe('ALETH6CKR9SGH');
  });

  it('is unreadable from a photo, where a cut box or a lost character explains it', () => {
    const { fields } = extractChsiRecord(buildOcrPage(chsiRecordPpOcr({ code: 'ALETH6CKR9SGH' })));
    expect(fields.verificationCode).toBeNull();
  });
});

describe('parseVerificationCode', () => {
  it.each([
    ['AQT5 2ZQT S2RJ WC0Q', 'AQT52ZQTS2RJWC0Q'],
    ['aqt52zqts2rjwc0q', 'AQT52ZQTS2RJWC0Q'],
    ['3618-1351-4380', '361813514380'],
    ['AQT52ZQTS2RJWC0', null],
    ['36181351438', null],
  ])('%s → %s', (text, code) => expect(parseVerificationCode(text)).toBe(code));

  it('keeps O and 0 as read (no look-alike mapping on codes)', () => {
    expect(parseVerificationCode('AOT52ZQTS2RJWCOQ')).toBe('AOT52ZQTS2RJWCOQ');
  });
});
