import { HARD_ON_OVERRIDE_CODES, type Reason, type ReasonCode } from './reasons.js';

/**
 * A HARD reason: raised with severity `hard` (the rules reject), or a code that is HARD whatever its
 * severity (`hardOnOverride` in reasons.ts: the document is reused, forged, someone else's, or talks
 * to the system).
 */
export function isHardReason(reason: Pick<Reason, 'code' | 'severity'>): boolean {
  return reason.severity === 'hard' || HARD_ON_OVERRIDE_CODES.has(reason.code);
}

/** The distinct codes of the HARD reasons among `reasons`, sorted. */
export function hardReasonCodes(reasons: readonly Pick<Reason, 'code' | 'severity'>[]): ReasonCode[] {
  return [...new Set(reasons.filter(isHardReason).map((r) => r.code))].sort();
}
