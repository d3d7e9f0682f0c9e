import { describe, expect, it } from 'vitest';
import {
  ALWAYS_REJECTING_CODES,
  FIELD_VALIDATION_CODES,
  HARD_ON_OVERRIDE_CODES,
  MODEL_REPLACEABLE_CODES,
  NEVER_VERIFIED_CODES,
  REASON_CODES,
  REASON_TABLE,
  type ReasonCode,
  URGENT_CODES,
} from './reasons.js';

/**
 * Each set read from the reason table holds exactly the codes the hand-kept list it replaced held
 * (decide.ts, hard-reasons.ts, llm/assist.ts, review/review.models.ts). Changing a row changes a
 * verdict, an override or a queue: this test says which.
 */
const before: [string, ReadonlySet<ReasonCode>, ReasonCode[]][] = [
  [
    'always rejects (decide.ts ALWAYS_REJECTED, llm/assist.ts REJECTING)',
    ALWAYS_REJECTING_CODES,
    ['DUPLICATE_ACROSS_SUBJECTS', 'APPLICANT_NAME_MISMATCH', 'APPLICANT_ID_MISMATCH'],
  ],
  [
    'never verified (decide.ts NEVER_VERIFIED)',
    NEVER_VERIFIED_CODES,
    [
      'TAMPER_SUSPECTED',
      'INSTRUCTION_IN_DOCUMENT',
      'APPLICANT_UNKNOWN',
      'SPECIMEN_OR_VOID',
      'NOT_PROOF_OF_GRADUATION',
    ],
  ],
  [
    'HARD on override (hard-reasons.ts HARD_CODES)',
    HARD_ON_OVERRIDE_CODES,
    [
      'DUPLICATE_ACROSS_SUBJECTS',
      'TAMPER_SUSPECTED',
      'EDITING_SOFTWARE_DETECTED',
      'CHECKSUM_INVALID',
      'APPLICANT_NAME_MISMATCH',
      'APPLICANT_ID_MISMATCH',
      'INSTRUCTION_IN_DOCUMENT',
      'SPECIMEN_OR_VOID',
    ],
  ],
  [
    'model may replace (llm/assist.ts REPLACEABLE)',
    MODEL_REPLACEABLE_CODES,
    [
      'LOW_CONFIDENCE',
      'FIELD_FORMAT_INVALID',
      'NUMBER_FORMAT_INVALID',
      'CHECKSUM_INVALID',
      'SCORE_OUT_OF_RANGE',
    ],
  ],
  [
    'field validation (review.models.ts FIELD_VALIDATION_CODES)',
    FIELD_VALIDATION_CODES,
    [
      'FIELD_MISSING',
      'LOW_CONFIDENCE',
      'FIELD_FORMAT_INVALID',
      'NUMBER_FORMAT_INVALID',
      'CHECKSUM_INVALID',
      'DATE_INVALID',
      'DATE_IMPLAUSIBLE',
      'SCORE_OUT_OF_RANGE',
      'SCORE_INCONSISTENT',
      'CROSS_FIELD_MISMATCH',
      'LEVEL_CODE_MISMATCH',
      'STUDY_LENGTH_UNUSUAL',
      'NOT_PROOF_OF_GRADUATION',
      'SCORE_BELOW_REPORT_THRESHOLD',
      'SCORE_BELOW_POLICY_THRESHOLD',
      'APPLICANT_NAME_MISMATCH',
      'APPLICANT_NAME_UNCERTAIN',
      'APPLICANT_ID_MISMATCH',
      'APPLICANT_ID_PARTIAL',
      'LLM_UNGROUNDED_VALUE',
      'REVIEWER_DECISION',
    ],
  ],
  [
    'urgent in the review queue (review.models.ts URGENT_CODES)',
    URGENT_CODES,
    [
      'TAMPER_SUSPECTED',
      'EDITING_SOFTWARE_DETECTED',
      'INSTRUCTION_IN_DOCUMENT',
      'DUPLICATE_ACROSS_SUBJECTS',
      'APPLICANT_ID_MISMATCH',
      'APPLICANT_NAME_MISMATCH',
    ],
  ],
];

describe('the reason table', () => {
  it.each(before)('%s: the same codes as the list it replaced', (_name, derived, expected) => {
    expect([...derived].sort()).toEqual([...expected].sort());
  });

  it('has one row per code and no other', () => {
    expect(Object.keys(REASON_TABLE).sort()).toEqual([...REASON_CODES].sort());
  });

  it('lets the model replace only a field reading, never a code that rejects on its own', () => {
    for (const code of MODEL_REPLACEABLE_CODES) {
      expect(REASON_TABLE[code].group).toBe('field');
      expect(ALWAYS_REJECTING_CODES.has(code)).toBe(false);
    }
  });

  it('makes every code that always rejects HARD for an override', () => {
    for (const code of ALWAYS_REJECTING_CODES) expect(HARD_ON_OVERRIDE_CODES.has(code)).toBe(true);
  });
});
