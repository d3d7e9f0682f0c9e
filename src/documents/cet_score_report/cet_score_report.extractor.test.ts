import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { ocrResult, ppLine } from '../synthetic-ocr.test-support.js';
import { extractCetScoreReport } from './cet_score_report.extractor.js';
import { cetScoreReportSchema } from './cet_score_report.schema.js';
import {
  CET_ID_NUMBER,
  CET_REPORT_NUMBER,
  CET_TICKET,
  cetReportPpOcr,
  cetReportTesseract,
} from './cet_score_report.test-support.js';

describe('extractCetScoreReport', () => {
  it('reads a PP-OCR report: inline labels, values in boxes to the right and under table headers', () => {
    const { fields, evidence } = extractCetScoreReport(buildOcrPage(cetReportPpOcr()));
    expect(fields).toEqual({
      name: '张伟',
      idNumber: CET_ID_NUMBER,
      school: '苏州科技大学',
      level: 'CET4',
      examSession: '2025-12',
      totalScore: 570,
      listeningScore: 166,
      readingScore: 211,
      writingTranslationScore: 193,
      admissionTicketNumber: CET_TICKET,
      reportNumber: CET_REPORT_NUMBER,
      oralTicketNumber: null,
      oralGrade: null,
      listeningExempt: false,
    });
    expect(cetScoreReportSchema.safeParse(fields).success).toBe(true);
    expect(evidence.totalScore).toMatchObject({ text: '570', source: 'rules', confidence: 0.96 });
    expect(evidence.totalScore?.box?.[1]).toBe(690);
    expect(evidence.name?.text).toBe('张伟');
  });

  it('reads a tesseract sparse report: spaced CJK, split boxes, masked ID, oral section, O for 0', () => {
    const { fields, evidence } = extractCetScoreReport(buildOcrPage(cetReportTesseract()));
    expect(fields).toMatchObject({
      name: '阿卜杜·热合曼',
      idNumber: '650102********0011',
      school: '新疆大学',
      level: 'CET6',
      examSession: '2024-06',
      totalScore: 501,
      listeningScore: 172,
      readingScore: 180,
      writingTranslationScore: 149,
      admissionTicketNumber: '650010241200512',
      reportNumber: '241265001000042',
      oralTicketNumber: 'S65001241200512',
      oralGrade: 'B+',
    });
    expect(evidence.readingScore?.confidence).toBe(0.82);
    expect(cetScoreReportSchema.safeParse(fields).success).toBe(true);
  });

  it('marks the listening exemption when its note is printed', () => {
    const ocr = cetReportPpOcr({
      extraLines: [ppLine('备注：该考生为听力残疾，听力部分免考，分数经折算计入笔试总分。', 150, 1060)],
    });
    expect(extractCetScoreReport(buildOcrPage(ocr)).fields.listeningExempt).toBe(true);
  });

  it('leaves unreadable values null instead of guessing', () => {
    const ocr = ocrResult([
      ppLine('全国大学英语四级考试成绩报告单', 500, 100),
      ppLine('姓名：', 150, 250),
      ppLine('总分 5#0', 150, 320),
      ppLine('准考证号：3408012521171', 150, 390),
    ]);
    const { fields } = extractCetScoreReport(buildOcrPage(ocr));
    expect(fields).toMatchObject({
      name: null,
      totalScore: null,
      admissionTicketNumber: null,
      level: 'CET4',
    });
  });

  it('pairs an unlabelled report number with the ticket only when year, half and level agree', () => {
    const ocr = ocrResult([
      ppLine('全国大学英语四级考试成绩报告单', 500, 100),
      ppLine(`准考证号：${CET_TICKET}`, 150, 250),
      ppLine('123456789012345', 150, 320),
      ppLine(CET_REPORT_NUMBER, 150, 1000),
    ]);
    const { fields, evidence } = extractCetScoreReport(buildOcrPage(ocr));
    expect(fields.reportNumber).toBe(CET_REPORT_NUMBER);
    expect(evidence.reportNumber?.confidence).toBeCloseTo(0.96 * 0.9);
  });
});
