import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { realOcr, replaceText } from '../real-ocr.test-support.js';
import { extractCetScoreReport } from './cet_score_report.extractor.js';
import { validateCetScoreReport } from './cet_score_report.validators.js';

const now = new Date('2026-11-25T00:00:00Z');

describe('CET score report on real OCR output', () => {
  it('reads the PDF text layer: bilingual labels, full-width colons, table values aligned by x', () => {
    expect(extractCetScoreReport(buildOcrPage(realOcr('cet_score_report', 'pdf-text-layer'))).fields).toEqual(
      {
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
      },
    );
  });

  it('reads a tilted photo (header row, English gloss row, then values) and leaves a truncated number null', () => {
    const { fields, evidence } = extractCetScoreReport(
      buildOcrPage(realOcr('cet_score_report', 'tilted-photo')),
    );
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
    expect(
      extractCetScoreReport(buildOcrPage(realOcr('cet_score_report', 'garbled-header'))).fields,
    ).toMatchObject({
      admissionTicketNumber: '320850232213411',
      totalScore: 350,
      listeningScore: 130,
      readingScore: 117,
      writingTranslationScore: 103,
      examSession: '2023-12',
    });
  });

  it('leaves a score null when what stands under its header is unreadable, instead of reading further down', () => {
    const ocr = replaceText(realOcr('cet_score_report', 'tilted-photo'), '305', '3#5');
    expect(extractCetScoreReport(buildOcrPage(ocr)).fields.totalScore).toBeNull();
    expect(extractCetScoreReport(buildOcrPage(ocr)).fields.listeningScore).toBe(89);
  });

  it('does not read a value that was never printed: the label alone gives null', () => {
    const ocr = replaceText(realOcr('cet_score_report', 'pdf-text-layer'), '姓名Name： 钟阳', '姓名Name：');
    expect(extractCetScoreReport(buildOcrPage(ocr)).fields.name).toBeNull();
  });

  it('keeps the remark as evidence, and a remark that is not the exemption note sends to review', () => {
    const extraction = extractCetScoreReport(buildOcrPage(realOcr('cet_score_report', 'remark-garbled')));
    expect(extraction.evidence.remark?.text).toBe('gorelpsesa');
    expect(validateCetScoreReport(extraction, { now, applicant: null })).toContainEqual(
      expect.objectContaining({ code: 'TAMPER_SUSPECTED', severity: 'soft' }),
    );
    const clean = extractCetScoreReport(buildOcrPage(realOcr('cet_score_report', 'pdf-text-layer')));
    expect(clean.evidence.remark).toBeUndefined();
    expect(validateCetScoreReport(clean, { now, applicant: null })).toEqual([]);
  });
});
