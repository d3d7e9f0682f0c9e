import type { DocumentType } from '../documents/document-types.js';
import { ALWAYS_REJECTING_CODES, NEVER_VERIFIED_CODES, type Reason } from './reasons.js';

export const VERDICTS = ['verified', 'rejected', 'needs_review', 'needs_retake'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface DecisionInput {
  /** Reasons from the quality gate; any of severity `retake` asks for a new photo. */
  qualityReasons: readonly Reason[];
  classification: { type: DocumentType; confidence: number };
  /** Reasons from validation, binding, fraud and instruction checks. */
  reasons: readonly Reason[];
  /** Confidence of each scored field's evidence (0..1). */
  fieldConfidences: readonly number[];
}

export interface Decision {
  verdict: Verdict;
  /** 0..1: how strongly the evidence supports this verdict. */
  confidence: number;
}

/** Below this classification confidence a document is never verified. */
export const MIN_VERIFIED_CLASSIFICATION_CONFIDENCE = 0.7;
/** Below this field confidence a document is never verified (the LOW_CONFIDENCE line, field-checks). */
export const MIN_VERIFIED_FIELD_CONFIDENCE = 0.75;

/**
 * The verdict, in order: unreadable photo → needs_retake; unknown type → rejected; a hard reason
 * (or a reuse/mismatch code) → rejected; tampering, instructions or any soft reason → needs_review;
 * otherwise verified only when classification and every field were read with high confidence.
 * A wrong "verified" is the costliest mistake, so every doubt ends in needs_review.
 */
export function decideVerdict(input: DecisionInput): Decision {
  if (
    input.qualityReasons.some((r) => r.severity === 'retake') ||
    input.reasons.some((r) => r.severity === 'retake')
  ) {
    return { verdict: 'needs_retake', confidence: 1 };
  }
  const hasFieldEvidence = input.fieldConfidences.length > 0;
  const fieldConfidence = hasFieldEvidence ? Math.min(...input.fieldConfidences) : 0;
  const evidenceConfidence = clamp(
    hasFieldEvidence
      ? Math.min(input.classification.confidence, fieldConfidence)
      : input.classification.confidence,
  );
  if (input.classification.type === 'unknown') {
    return { verdict: 'rejected', confidence: clamp(input.classification.confidence) };
  }
  if (input.reasons.some((r) => r.severity === 'hard' || ALWAYS_REJECTING_CODES.has(r.code))) {
    return { verdict: 'rejected', confidence: evidenceConfidence };
  }
  if (input.reasons.some((r) => r.severity === 'soft' || NEVER_VERIFIED_CODES.has(r.code))) {
    return { verdict: 'needs_review', confidence: evidenceConfidence };
  }
  const isSure =
    hasFieldEvidence &&
    input.classification.confidence >= MIN_VERIFIED_CLASSIFICATION_CONFIDENCE &&
    fieldConfidence >= MIN_VERIFIED_FIELD_CONFIDENCE;
  return isSure
    ? { verdict: 'verified', confidence: evidenceConfidence }
    : { verdict: 'needs_review', confidence: evidenceConfidence };
}

function clamp(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
