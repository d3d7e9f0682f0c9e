import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { ocrResult, ppLine, type TestBox } from '../synthetic-ocr.test-support.js';
import { cetScoreReportValueRegions, extractCetScoreReport } from './cet_score_report.extractor.js';
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

/**
 * Report layouts other than the classic one: the session printed in a footer with the report
 * number, below the oral section; other labels for it; other date styles; labels the lexicon does
 * not know sharing a row with a value.
 */
describe('extractCetScoreReport on other layouts', () => {
  const report = (rows: TestBox[]) =>
    ocrResult([
      ppLine('全国大学英语四级考试成绩报告单', 500, 100),
      ppLine('姓名：张伟', 150, 250),
      ppLine(`证件号码：${CET_ID_NUMBER}`, 150, 320),
      ppLine('笔试成绩', 150, 400),
      ppLine(`准考证号：${CET_TICKET}`, 150, 470),
      ppLine('总分', 150, 540),
      ppLine('570', 160, 610),
      ppLine('口试成绩', 150, 700),
      ppLine('准考证号：--', 150, 770),
      ppLine('等级：--', 150, 840),
      ...rows,
    ]);

  it.each([
    ['one footer box', [ppLine(`报告单编号：${CET_REPORT_NUMBER} 考试时间：2025年12月`, 150, 950)]],
    ['session first', [ppLine(`考试时间：2025年12月 报告单编号：${CET_REPORT_NUMBER}`, 150, 950)]],
    [
      'two boxes',
      [ppLine(`报告单编号：${CET_REPORT_NUMBER}`, 150, 950), ppLine('考试时间：2025年12月', 1000, 950)],
    ],
    [
      'three pairs',
      [ppLine(`报告单编号：${CET_REPORT_NUMBER} 考试时间：2025年12月 打印日期：2026-02-26`, 150, 950)],
    ],
  ])('reads the session from a footer with the report number below the oral section (%s)', (_, rows) => {
    const page = buildOcrPage(report(rows));
    const { fields, evidence } = extractCetScoreReport(page);
    expect(fields.examSession).toBe('2025-12');
    expect(fields.reportNumber).toBe(CET_REPORT_NUMBER);
    expect(evidence.examSession?.box?.[1]).toBe(950);
    const regions = cetScoreReportValueRegions(page).examSession ?? [];
    expect(
      regions.map((r) =>
        r.chars
          .map((c) => c.ch)
          .join('')
          .trim(),
      ),
    ).toContain('2025年12月');
  });

  it('does not take an oral session printed in the oral section for the written one', () => {
    const page = buildOcrPage(
      report([
        ppLine('考试时间：2025年11月', 1000, 770),
        ppLine(`报告单编号：${CET_REPORT_NUMBER}`, 150, 950),
      ]),
    );
    expect(extractCetScoreReport(page).fields.examSession).toBeNull();
  });

  it.each([
    ['考试日期：2025.12', '2025-12'],
    ['考试日期:2025-12', '2025-12'],
    ['笔试时间 2025年12月16日', '2025-12'],
    ['笔试日期：二〇二五年十二月', '2025-12'],
    ['考试年月：2025.6', '2025-06'],
  ])('reads the session under the label variant and date style of "%s"', (printed, session) => {
    const page = buildOcrPage(report([ppLine(`报告单编号：${CET_REPORT_NUMBER}  ${printed}`, 150, 950)]));
    expect(extractCetScoreReport(page).fields.examSession).toBe(session);
  });

  it('ends a value where a label the lexicon does not know starts after a gap', () => {
    const page = buildOcrPage(
      ocrResult([
        ppLine('全国大学英语四级考试成绩报告单', 500, 100),
        ppLine('姓名：张伟 院校代码：10332', 150, 250),
      ]),
    );
    expect(extractCetScoreReport(page).fields.name).toBe('张伟');
  });
});
