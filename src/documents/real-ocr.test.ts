import { describe, expect, it } from 'vitest';
import type { OcrLine, OcrResult } from '../ocr/ocr.types.js';
import { extractCetScoreReport } from './cet_score_report/cet_score_report.extractor.js';
import { validateCetScoreReport } from './cet_score_report/cet_score_report.validators.js';
import { extractChsiRecord } from './chsi_record/chsi_record.extractor.js';
import { classifyDocument } from './classify.js';
import { extractDegreeCertificate } from './degree_certificate/degree_certificate.extractor.js';
import { extractGraduationCertificate } from './graduation_certificate/graduation_certificate.extractor.js';
import {
  cetGarbledHeader,
  cetPdfTextLayer,
  cetRemarkGarbled,
  cetTiltedPhoto,
  chsiAppScreenshot,
  chsiGarbledNote,
  chsiStrayMark,
  degreeGarbledBody,
  degreeProfessional,
  gradLostStart,
  gradTiltedBody,
} from './real-ocr.fixtures.js';

const now = new Date('2026-11-25T00:00:00Z');

/** The same page with some lines replaced (to build failing variants of a real capture). */
function withLines(ocr: OcrResult, edit: (lines: OcrLine[]) => OcrLine[]): OcrResult {
  const lines = edit(ocr.lines);
  return { ...ocr, lines, text: lines.map((l) => l.text).join('\n') };
}

function replaceText(ocr: OcrResult, from: string, to: string): OcrResult {
  return withLines(ocr, (lines) =>
    lines.map((l) =>
      l.text === from ? { ...l, text: to, words: [{ text: to, box: l.box, confidence: l.confidence }] } : l,
    ),
  );
}

describe('CET score report on real OCR output', () => {
  it('reads the PDF text layer: bilingual labels, full-width colons, table values aligned by x', () => {
    expect(extractCetScoreReport(cetPdfTextLayer()).fields).toEqual({
      name: '钟阳',
      idNumber: '530102200007164832',
      school: '南昌大学',
      level: 'CET4',
      examSession: '2021-06',
      totalScore: 512,
      listeningScore: 200,
      readingScore: 162,
      writingTranslationScore: 150,
      admissionTicketNumber: '360403211114728',
      // "成绩报告单编号 Report No.：211136040111950 教育部教育考试院": the seal's words end the value.
      reportNumber: '211136040111950',
      oralTicketNumber: null,
      oralGrade: null,
      listeningExempt: false,
    });
  });

  it('reads a tilted photo (header row, English gloss row, then values) and leaves a truncated number null', () => {
    const { fields, evidence } = extractCetScoreReport(cetTiltedPhoto());
    expect(fields).toMatchObject({
      name: '武然鑫',
      idNumber: '440305199603091230',
      school: '福州大学',
      level: 'CET6',
      examSession: '2017-12',
      totalScore: 305,
      listeningScore: 89,
      readingScore: 113,
      writingTranslationScore: 103,
      admissionTicketNumber: '350386172210706',
      // OCR read "成绩报告单编号 ReportNo: 1223503860144": 13 digits, so not a report number.
      reportNumber: null,
    });
    expect(evidence.totalScore?.text).toBe('305');
  });

  it('reads the values under the English glosses when OCR garbled the Chinese header', () => {
    expect(extractCetScoreReport(cetGarbledHeader()).fields).toMatchObject({
      admissionTicketNumber: '320850232213411',
      totalScore: 350,
      listeningScore: 130,
      readingScore: 117,
      writingTranslationScore: 103,
      examSession: '2023-12',
    });
  });

  it('leaves a score null when what stands under its header is unreadable, instead of reading further down', () => {
    const ocr = replaceText(cetTiltedPhoto(), '305', '3#5');
    expect(extractCetScoreReport(ocr).fields.totalScore).toBeNull();
    expect(extractCetScoreReport(ocr).fields.listeningScore).toBe(89);
  });

  it('does not read a value that was never printed: the label alone gives null', () => {
    const ocr = replaceText(cetPdfTextLayer(), '姓名Name： 钟阳', '姓名Name：');
    expect(extractCetScoreReport(ocr).fields.name).toBeNull();
  });

  it('keeps the remark as evidence, and a remark that is not the exemption note sends to review', () => {
    const extraction = extractCetScoreReport(cetRemarkGarbled());
    expect(extraction.evidence.remark?.text).toBe('gorelpsesa');
    expect(validateCetScoreReport(extraction, { now, applicant: null })).toContainEqual(
      expect.objectContaining({ code: 'TAMPER_SUSPECTED', severity: 'soft' }),
    );
    const clean = extractCetScoreReport(cetPdfTextLayer());
    expect(clean.evidence.remark).toBeUndefined();
    expect(validateCetScoreReport(clean, { now, applicant: null })).toEqual([]);
  });
});

describe('CHSI record on real OCR output', () => {
  it('reads the app screenshot card: the name above an unlabelled gender and birth date', () => {
    expect(extractChsiRecord(chsiAppScreenshot()).fields).toMatchObject({
      name: '范帅博',
      gender: '男',
      birthDate: '2004-06-12',
      // O read as 0: the code mixes letters and digits, so it is kept as read (the printed code is …OOO…).
      verificationCode: 'AGSQXF000TJ44V7H',
    });
  });

  it('does not take a line above the card that is not a name', () => {
    const ocr = replaceText(chsiAppScreenshot(), '范帅博', '学历证书');
    expect(extractChsiRecord(ocr).fields).toMatchObject({ name: null, gender: '男' });
  });

  it('reads a date past a stray box, but not when two candidates stand there', () => {
    expect(extractChsiRecord(chsiStrayMark()).fields.graduationDate).toBe('2026-06');
    const twoDates = replaceText(chsiStrayMark(), '毕 (结) 业日期 2', '毕 (结) 业日期 2025年06月30日');
    expect(extractChsiRecord(twoDates).fields.graduationDate).toBeNull();
  });

  it('classifies a record whose note OCR garbled into 学分 as a CHSI record, not a transcript', () => {
    expect(classifyDocument(chsiGarbledNote())).toMatchObject({ type: 'chsi_record' });
    expect(classifyDocument(chsiGarbledNote()).confidence).toBeGreaterThan(0.9);
  });
});

describe('certificates on real OCR output', () => {
  it('separates two tilted body lines and reads 性例男, 二 read as "=" in a year', () => {
    expect(extractGraduationCertificate(gradTiltedBody()).fields).toMatchObject({
      gender: '男',
      enrollmentDate: '2019-09',
      graduationDate: '2023-06',
      major: '历史学',
      educationLevel: '本科',
      school: '合肥工业大学',
      certificateNumber: '103591202305001715',
      // "学生发择,性例男": the name is garbled and is not read.
      name: null,
    });
  });

  it('reads the graduation month when the enrolment year lost a digit, and leaves the enrolment null', () => {
    expect(extractGraduationCertificate(gradLostStart()).fields).toMatchObject({
      enrollmentDate: null,
      graduationDate: '2026-06',
    });
  });

  it('reads a professional degree ("授予工商管理硕士专业学位")', () => {
    expect(extractDegreeCertificate(degreeProfessional()).fields).toMatchObject({
      name: '邱峰振',
      school: '武汉大学',
      major: '工商管理',
      degree: '工商管理硕士',
      conferDate: '2026-06',
      certificateNumber: '1048632026006596',
    });
  });

  it('reads the awarding unit from its committee signature when the body is garbled', () => {
    expect(extractDegreeCertificate(degreeGarbledBody()).fields).toMatchObject({
      school: '南京大学',
      major: null,
      name: null,
    });
  });

  it('reads a degree whose level OCR garbled (顾士) with the level of the title (硕士学位证书)', () => {
    const { fields, evidence } = extractDegreeCertificate(degreeGarbledBody());
    expect(fields.degree).toBe('工商管理硕士');
    expect(evidence.degree?.text).toBe('工商管理顾士');
  });
});
