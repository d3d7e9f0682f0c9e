import { describe, expect, it } from 'vitest';
import {
  chsiRecordPpOcr,
  chsiStudentStatusPpOcr,
  STUDENT_STATUS_ID_NUMBER,
} from '../documents/chsi_record/chsi_record.test-support.js';
import { classifyDocument } from '../documents/classify.js';
import type { Applicant } from '../documents/document-types.js';
import { buildOcrPage } from '../documents/ocr-page.js';
import { ocrResult, ppLine } from '../documents/synthetic-ocr.test-support.js';
import { createAssistSession } from '../llm/assist.js';
import type { OcrResult } from '../ocr/ocr.types.js';
import { judge } from './judge.js';
import type { SeenBefore } from './pipeline.types.js';

const nothingSeen: SeenBefore = { findCopies: async () => [], listPerceptualHashes: async () => [] };
const now = new Date('2026-11-15T00:00:00Z');

/** The judge stage (classify → … → decide) on a page of OCR text, the model off, as run.ts runs it. */
async function judgePage(ocr: OcrResult, applicant: Applicant | null) {
  const { outcome } = await judge(
    {
      verificationId: 'v-specimen',
      subjectId: 'u-specimen',
      sha256: '0'.repeat(64),
      applicant,
      documentTypeHint: null,
      qualityReasons: [],
      editingSoftware: null,
      page: { ocr, transform: null, prepared: null },
      ruledClassification: classifyDocument(buildOcrPage(ocr)),
    },
    {
      clock: { now: () => now },
      assist: createAssistSession(null),
      seenBefore: nothingSeen,
      ocrEngine: 'ppocr',
    },
  );
  return { ...outcome, codes: outcome.reasons.map((r) => r.code) };
}

const wang: Applicant = { name: '王小明', idNumber: STUDENT_STATUS_ID_NUMBER };

describe('the official 学籍在线验证报告 specimen', () => {
  it('is read as a CHSI student-status report and not verified, for being a specimen', async () => {
    // 学籍状态 毕业, a 12-digit code, a 样本 watermark, and an ID number born 1999-01-01 beside a
    // printed birth date of 1998-05-12.
    const result = await judgePage(chsiStudentStatusPpOcr(), wang);
    expect(result.documentType).toBe('chsi_record');
    expect(result.fields).toMatchObject({
      reportKind: 'student_status',
      studentStatus: '毕业',
      verificationCode: '123456789012',
      certificateNumber: null,
    });
    expect(result.verdict).not.toBe('verified');
    expect(result.codes).toContain('SPECIMEN_OR_VOID');
  });

  it('is not verified for its mark alone, when everything else agrees', async () => {
    const result = await judgePage(chsiStudentStatusPpOcr({ idNumber: STUDENT_STATUS_ID_NUMBER }), wang);
    expect(result).toMatchObject({ documentType: 'chsi_record', verdict: 'needs_review' });
    expect(result.codes).toContain('SPECIMEN_OR_VOID');
  });
});

describe('a student-status report without marks', () => {
  it('is verified when its status is 毕业 and it binds to the applicant', async () => {
    const result = await judgePage(
      chsiStudentStatusPpOcr({ idNumber: STUDENT_STATUS_ID_NUMBER, watermark: false }),
      wang,
    );
    expect(result).toMatchObject({ documentType: 'chsi_record', verdict: 'verified' });
    expect(result.fields).toMatchObject({ reportKind: 'student_status', graduationDate: '2020-07' });
  });

  it('is rejected when its status is 在籍: it shows enrolment, not graduation (H5)', async () => {
    const result = await judgePage(
      chsiStudentStatusPpOcr({
        idNumber: STUDENT_STATUS_ID_NUMBER,
        watermark: false,
        status: '在籍（注册学籍）',
      }),
      wang,
    );
    expect(result).toMatchObject({ documentType: 'chsi_record', verdict: 'rejected' });
    expect(result.codes).toContain('NOT_PROOF_OF_GRADUATION');
  });
});

describe('a void mark on a 备案表', () => {
  // Born 2002-11-20, a man: the record's printed birth date and gender.
  const zhang: Applicant = { name: '张伟', idNumber: '320508200211200010' };
  const stampedWith = (mark: string | null): OcrResult => {
    const lines = chsiRecordPpOcr().lines.map(({ text, box, confidence }) => ({ text, box, confidence }));
    return ocrResult(mark === null ? lines : [...lines, ppLine(mark, 900, 1300, 0.8, 90)]);
  };

  it('keeps a record stamped 作废 or VOID from being verified', async () => {
    expect((await judgePage(stampedWith(null), zhang)).verdict).toBe('verified');
    for (const mark of ['作废', 'V O I D']) {
      const result = await judgePage(stampedWith(mark), zhang);
      expect(result).toMatchObject({ documentType: 'chsi_record', verdict: 'needs_review' });
      expect(result.codes).toContain('SPECIMEN_OR_VOID');
    }
  });
});
