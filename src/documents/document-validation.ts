import { type Reason, reason } from '../verdicts/reasons.js';
import { applicantBindingReasons, identityReasons } from './applicant.js';
import type { Extraction, ValidationContext } from './document-types.js';
import { lowConfidenceReasons, missingFieldReasons, truncatedSchoolReasons } from './field-checks.js';

/**
 * What every type's `validate` does: its own rules, then the scored fields' presence and
 * confidence, then the applicant binding (and whether there was an identity to bind to); a page of which most fields could not be read is a photo
 * to retake.
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
    ...truncatedSchoolReasons(extraction),
    ...applicantBindingReasons(extraction, context.applicant, context.now),
    ...identityReasons(context.applicant),
    ...unreadableDocumentReasons(extraction, scoredFields),
  ];
}

/**
 * When at least this share of the scored fields could not be read, the photo did not capture the
 * document's text (glare or blur the quality gate let through): a reviewer would have nothing to
 * check, and the applicant can fix it at once.
 */
export const UNREADABLE_FIELD_SHARE = 2 / 3;

/** DOCUMENT_UNREADABLE (retake) for a recognised document whose fields are mostly unreadable. */
export function unreadableDocumentReasons(extraction: Extraction, scoredFields: readonly string[]): Reason[] {
  if (scoredFields.length === 0) return [];
  const missing = scoredFields.filter((field) => (extraction.fields[field] ?? null) === null).length;
  if (missing / scoredFields.length < UNREADABLE_FIELD_SHARE) return [];
  return [
    reason(
      'DOCUMENT_UNREADABLE',
      'retake',
      `Only ${scoredFields.length - missing} of ${scoredFields.length} fields could be read: retake the photo closer, steady and without glare.`,
      { messageZh: '大部分内容无法识别：请靠近、保持稳定并避免反光后重拍。' },
    ),
  ];
}
