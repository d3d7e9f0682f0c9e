import type { Reason } from '../verdicts/reasons.js';
import { applicantBindingReasons } from './applicant.js';
import type { Extraction, ValidationContext } from './document-types.js';
import { lowConfidenceReasons, missingFieldReasons } from './field-checks.js';

/**
 * What every type's `validate` does: its own rules, then the scored fields' presence and
 * confidence, then the applicant binding.
 */
export function validateDocument(
  extraction: Extraction,
  context: ValidationContext,
  scoredFields: readonly string[],
  typeRules: (extraction: Extraction, context: ValidationContext) => Reason[],
): Reason[] {
  return [
    ...typeRules(extraction, context),
    ...missingFieldReasons(extraction, scoredFields),
    ...lowConfidenceReasons(extraction, scoredFields),
    ...applicantBindingReasons(extraction, context.applicant, context.now),
  ];
}
