import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { ppLine } from '../synthetic-ocr.test-support.js';
import { CET_ID_NUMBER, cetReportPpOcr, cetReportTesseract } from './cet_score_report.test-support.js';
import { cetScoreReportModule } from './index.js';

const now = new Date('2026-11-15T00:00:00Z');
const codes = (reasons: { code: string; severity: string }[]) =>
  reasons.map((r) => `${r.code}:${r.severity}`);

describe('cetScoreReportModule', () => {
  it('validates a clean PP-OCR report bound to its applicant with no reasons', () => {
    const extraction = cetScoreReportModule.extract(buildOcrPage(cetReportPpOcr()));
    expect(
      cetScoreReportModule.validate(extraction, {
        now,
        applicant: { name: '张伟', idNumber: CET_ID_NUMBER },
      }),
    ).toEqual([]);
  });

  it('rejects a report whose ID number fails its check digit (I2)', () => {
    const extraction = cetScoreReportModule.extract(
      buildOcrPage(cetReportPpOcr({ idNumber: '410326199507103198' })),
    );
    expect(codes(cetScoreReportModule.validate(extraction, { now, applicant: null }))).toContain(
      'CHECKSUM_INVALID:hard',
    );
  });

  it('rejects an edited total (C3)', () => {
    const extraction = cetScoreReportModule.extract(buildOcrPage(cetReportPpOcr({ total: '620' })));
    expect(codes(cetScoreReportModule.validate(extraction, { now, applicant: null }))).toContain(
      'SCORE_INCONSISTENT:hard',
    );
  });

  it('sends a tesseract read with a masked ID to review only through low confidence, and notes the partial ID', () => {
    const extraction = cetScoreReportModule.extract(buildOcrPage(cetReportTesseract()));
    const reasons = codes(
      cetScoreReportModule.validate(extraction, {
        now,
        applicant: { name: '阿卜杜热合曼', idNumber: '650102199901180011' },
      }),
    );
    expect(reasons).toContain('APPLICANT_ID_PARTIAL:info');
    expect(reasons).not.toContain('APPLICANT_NAME_MISMATCH:hard');
    expect(reasons.filter((r) => r.endsWith(':hard'))).toEqual([]);
  });

  it('does not ask for the listening score of a candidate whose listening was exempted (S12)', () => {
    const exemptionNote = ppLine('备注：该考生为听力残疾，听力部分免考，分数经折算计入笔试总分。', 150, 1060);
    const exempt = cetScoreReportModule.extract(
      buildOcrPage(cetReportPpOcr({ total: '560', listening: null, extraLines: [exemptionNote] })),
    );
    expect(exempt.fields.listeningExempt).toBe(true);
    expect(exempt.fields.listeningScore).toBeNull();
    const applicant = { name: '张伟', idNumber: CET_ID_NUMBER };
    expect(codes(cetScoreReportModule.validate(exempt, { now, applicant }))).toEqual([]);
    // without the note, a missing listening score is a field to review
    const missing = cetScoreReportModule.extract(
      buildOcrPage(cetReportPpOcr({ total: '404', listening: null })),
    );
    expect(codes(cetScoreReportModule.validate(missing, { now, applicant: null }))).toContain(
      'FIELD_MISSING:soft',
    );
  });

  it('its scored fields are schema fields', () => {
    for (const field of cetScoreReportModule.scoredFields)
      expect(cetScoreReportModule.schema.shape).toHaveProperty(field);
  });
});
