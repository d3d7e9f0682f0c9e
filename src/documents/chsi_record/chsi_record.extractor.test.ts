import { describe, expect, it } from 'vitest';
import { classifyDocument } from '../classify.js';
import { buildOcrPage } from '../ocr-page.js';
import { ocrResult, ppLine } from '../synthetic-ocr.test-support.js';
import { extractChsiRecord, parseVerificationCode } from './chsi_record.extractor.js';
import { chsiRecordSchema } from './chsi_record.schema.js';
import {
  chsiRecordPpOcr,
  chsiRecordTesseract,
  chsiStudentStatusPpOcr,
  STUDENT_STATUS_ID_NUMBER,
} from './chsi_record.test-support.js';

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
      reportKind: 'record',
      studentStatus: null,
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

describe('the 学籍在线验证报告 (a student-status report)', () => {
  it('is classified as a chsi_record, enrolled or graduated (its status decides what it proves, H5)', () => {
    for (const status of ['毕业', '在籍（注册学籍）']) {
      expect(
        classifyDocument(buildOcrPage(chsiStudentStatusPpOcr({ status, watermark: false }))),
      ).toMatchObject({
        type: 'chsi_record',
      });
    }
    const enrolled = ocrResult(
      [
        '教育部学籍在线验证报告',
        '姓名 张伟',
        '学籍状态 在籍（注册学籍）',
        '入学日期 2022年09月01日',
        '在线验证码 AQT52ZQTS2RJWC0Q',
      ].map((text, index) => ppLine(text, 150, 100 + 70 * index)),
    );
    expect(classifyDocument(buildOcrPage(enrolled)).type).toBe('chsi_record');
  });

  it('is read as a chsi_record variant: its status, a 12-digit code, and no certificate number', () => {
    const { fields } = extractChsiRecord(
      buildOcrPage(chsiStudentStatusPpOcr({ idNumber: STUDENT_STATUS_ID_NUMBER })),
    );
    expect(fields).toEqual({
      name: '王小明',
      gender: '男',
      birthDate: '1998-05-12',
      school: '北京大学',
      major: '计算机科学与技术',
      educationLevel: '本科',
      enrollmentDate: '2016-09',
      // Read from a row that holds two label–value pairs: 入学日期 … 毕（结）业日期 ….
      graduationDate: '2020-07',
      certificateNumber: null,
      verificationCode: '123456789012',
      idNumber: STUDENT_STATUS_ID_NUMBER,
      studyForm: '普通全日制',
      educationCategory: '普通高等教育',
      updatedDate: '2024-07-10',
      reportKind: 'student_status',
      studentStatus: '毕业',
    });
    expect(chsiRecordSchema.safeParse(fields).success).toBe(true);
  });

  it('gives no graduation date for a student still enrolled, and never takes the expected date', () => {
    const enrolled = extractChsiRecord(
      buildOcrPage(
        chsiStudentStatusPpOcr({ status: '在籍（注册学籍）', expectedGraduation: '2026年07月01日' }),
      ),
    );
    expect(enrolled.fields).toMatchObject({
      studentStatus: '在籍(注册学籍)',
      enrollmentDate: '2016-09',
      graduationDate: null,
    });
    const printedDate = extractChsiRecord(buildOcrPage(chsiStudentStatusPpOcr({ status: '在籍' })));
    expect(printedDate.fields).toMatchObject({ studentStatus: '在籍', graduationDate: null });
    expect(printedDate.evidence.graduationDate).toBeUndefined();
  });

  it('is recognised by its 学籍状态 row when the title was lost', () => {
    const { fields } = extractChsiRecord(buildOcrPage(chsiStudentStatusPpOcr({ title: '学信网' })));
    expect(fields.reportKind).toBe('student_status');
  });
});

describe('label variants', () => {
  it('reads 入学时间, 院校名称, 学历层次 and 离校日期, two pairs in one box', () => {
    const ocr = ocrResult([
      ppLine('教育部学历证书电子注册备案表', 600, 100),
      ppLine('院校名称：苏州科技大学 学历层次：本科', 150, 300),
      ppLine('入学时间：2019年9月 离校日期：2023年6月', 150, 370),
    ]);
    expect(extractChsiRecord(buildOcrPage(ocr)).fields).toMatchObject({
      school: '苏州科技大学',
      educationLevel: '本科',
      enrollmentDate: '2019-09',
      graduationDate: '2023-06',
    });
  });

  it('reads 毕业日期 without 结, and 毕〔结〕业日期 with other brackets', () => {
    for (const label of ['毕业日期', '毕〔结〕业日期']) {
      const ocr = ocrResult([
        ppLine('教育部学历证书电子注册备案表', 600, 100),
        ppLine(`入学日期 2019年09月01日 ${label} 2023年06月30日`, 150, 370),
      ]);
      expect(extractChsiRecord(buildOcrPage(ocr)).fields.graduationDate).toBe('2023-06');
    }
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
