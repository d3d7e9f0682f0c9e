import { describe, expect, it } from 'vitest';
import { type DecisionInput, decideVerdict, type Verdict } from './decide.js';
import { type ReasonCode, reason, type Severity } from './reasons.js';

const r = (code: ReasonCode, severity: Severity) => reason(code, severity, code);
const base: DecisionInput = {
  qualityReasons: [],
  classification: { type: 'cet_score_report', confidence: 0.95 },
  reasons: [],
  fieldConfidences: [0.93, 0.96, 0.9],
};

const cases: [string, Partial<DecisionInput>, Verdict][] = [
  ['clean, confident document', {}, 'verified'],
  [
    'info reasons only',
    { reasons: [r('ONLINE_CHECK_REQUIRED', 'info'), r('APPLICANT_ID_PARTIAL', 'info')] },
    'verified',
  ],
  ['blurry photo', { qualityReasons: [r('IMAGE_BLURRY', 'retake')] }, 'needs_retake'],
  [
    'retake beats hard',
    { qualityReasons: [r('IMAGE_DARK', 'retake')], reasons: [r('CHECKSUM_INVALID', 'hard')] },
    'needs_retake',
  ],
  ['unknown type', { classification: { type: 'unknown', confidence: 0.9 } }, 'rejected'],
  ['hard rule', { reasons: [r('CHECKSUM_INVALID', 'hard')] }, 'rejected'],
  [
    'hard beats soft',
    { reasons: [r('LOW_CONFIDENCE', 'soft'), r('SCORE_INCONSISTENT', 'hard')] },
    'rejected',
  ],
  [
    'duplicate across subjects raised as soft',
    { reasons: [r('DUPLICATE_ACROSS_SUBJECTS', 'soft')] },
    'rejected',
  ],
  ['name mismatch raised as soft', { reasons: [r('APPLICANT_NAME_MISMATCH', 'soft')] }, 'rejected'],
  ['ID mismatch', { reasons: [r('APPLICANT_ID_MISMATCH', 'hard')] }, 'rejected'],
  ['tampering raised as info', { reasons: [r('TAMPER_SUSPECTED', 'info')] }, 'needs_review'],
  ['instruction raised as info', { reasons: [r('INSTRUCTION_IN_DOCUMENT', 'info')] }, 'needs_review'],
  ['soft rule', { reasons: [r('STUDY_LENGTH_UNUSUAL', 'soft')] }, 'needs_review'],
  ['missing field', { reasons: [r('FIELD_MISSING', 'soft')] }, 'needs_review'],
  [
    'low classification confidence',
    { classification: { type: 'chsi_record', confidence: 0.6 } },
    'needs_review',
  ],
  ['one low field confidence', { fieldConfidences: [0.95, 0.7] }, 'needs_review'],
  ['no field evidence at all', { fieldConfidences: [] }, 'needs_review'],
];

describe('decideVerdict', () => {
  it.each(cases)('%s → %s', (_, overrides, verdict) => {
    expect(decideVerdict({ ...base, ...overrides }).verdict).toBe(verdict);
  });

  it('reports the weakest evidence as the confidence of a verified verdict', () => {
    expect(decideVerdict(base)).toEqual({ verdict: 'verified', confidence: 0.9 });
  });

  it('reports a zero field confidence as zero, not as missing evidence', () => {
    expect(decideVerdict({ ...base, fieldConfidences: [0.9, 0] })).toEqual({
      verdict: 'needs_review',
      confidence: 0,
    });
  });

  it('keeps confidence within 0..1', () => {
    for (const [, overrides] of cases) {
      const { confidence } = decideVerdict({ ...base, ...overrides });
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });
});
