import type { Reason, ReasonCode } from './reasons.js';

/**
 * Codes that are HARD for a reviewer's override whatever severity they were raised with: the
 * document is reused, forged, someone else's, or talks to the system (document-types.md,
 * "Verdicts"). TAMPER_SUSPECTED and INSTRUCTION_IN_DOCUMENT are raised as `soft` (a person looks),
 * but turning them into `verified` is as grave as overriding a rejection.
 */
const HARD_CODES = new Set<ReasonCode>([
  'DUPLICATE_ACROSS_SUBJECTS',
  'TAMPER_SUSPECTED',
  'EDITING_SOFTWARE_DETECTED',
  'CHECKSUM_INVALID',
  'APPLICANT_NAME_MISMATCH',
  'APPLICANT_ID_MISMATCH',
  'INSTRUCTION_IN_DOCUMENT',
] satisfies ReasonCode[]);

/** A HARD reason: raised with severity `hard` (the rules reject), or one of the fraud and binding codes. */
export function isHardReason(reason: Pick<Reason, 'code' | 'severity'>): boolean {
  return reason.severity === 'hard' || HARD_CODES.has(reason.code);
}

/** The distinct codes of the HARD reasons among `reasons`, sorted. */
export function hardReasonCodes(reasons: readonly Pick<Reason, 'code' | 'severity'>[]): ReasonCode[] {
  return [...new Set(reasons.filter(isHardReason).map((r) => r.code))].sort();
}
