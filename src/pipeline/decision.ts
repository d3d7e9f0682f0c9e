import type { DocumentModule } from '../documents/document-module.js';
import type { Extraction } from '../documents/document-types.js';
import { type Decision, type DecisionInput, decideVerdict } from '../verdicts/decide.js';
import type { Reason } from '../verdicts/reasons.js';

/**
 * The decide stage on a reading nothing asks to retake: the verdict from the classification, every
 * reason, and the scored fields' confidences. The pipeline counts the fields it read
 * (scoredConfidences); a reviewer's re-validation counts every scored field (review.decisions.ts).
 */
export function decide(
  classification: DecisionInput['classification'],
  reasons: readonly Reason[],
  fieldConfidences: readonly number[],
): Decision {
  return decideVerdict({ qualityReasons: [], classification, reasons, fieldConfidences });
}

/** The confidences of the scored fields that were read, for the decide stage. */
export function scoredConfidences(module: DocumentModule, extraction: Extraction): number[] {
  return module.scoredFields.flatMap((field) => {
    const item = extraction.evidence[field];
    return item && extraction.fields[field] !== null ? [item.confidence] : [];
  });
}
