/**
 * The closed set of reason codes a verdict may carry (document-types.md, "Verdicts").
 * Adding a code is a contract change: clients map codes to what they show.
 */
export const REASON_CODES = [
  // photo quality (verdict needs_retake)
  'IMAGE_BLURRY',
  'IMAGE_DARK',
  'IMAGE_OVEREXPOSED',
  'IMAGE_GLARE',
  'IMAGE_TOO_SMALL',
  'DOCUMENT_CROPPED',
  'DOCUMENT_TOO_FAR',
  'NO_TEXT_FOUND',
  'DOCUMENT_UNREADABLE',
  // document identity
  'UNSUPPORTED_DOCUMENT',
  'CLASSIFICATION_UNCERTAIN',
  'DOCUMENT_TYPE_HINT_MISMATCH',
  // fields
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
  'SCORE_BELOW_REPORT_THRESHOLD',
  /** CET-4 total below 425: the usual "passed" convention (formats-research C5), informational. */
  'SCORE_BELOW_POLICY_THRESHOLD',
  // identity binding
  'APPLICANT_NAME_MISMATCH',
  'APPLICANT_NAME_UNCERTAIN',
  'APPLICANT_ID_MISMATCH',
  'APPLICANT_ID_PARTIAL',
  /** No identity (name and ID number) was known for the subject: the document binds to nobody (never verified). */
  'APPLICANT_UNKNOWN',
  // fraud
  'DUPLICATE_ACROSS_SUBJECTS',
  'DUPLICATE_SAME_SUBJECT',
  'TAMPER_SUSPECTED',
  'EDITING_SOFTWARE_DETECTED',
  'INSTRUCTION_IN_DOCUMENT',
  'ONLINE_CHECK_REQUIRED',
  // model assistance
  'LLM_UNAVAILABLE',
  'LLM_INVALID_OUTPUT',
  'LLM_UNGROUNDED_VALUE',
  // processing
  'PROCESSING_FAILED',
  'REVIEWER_DECISION',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * hard: a structural impossibility or a broken binding: the document is rejected.
 * soft: unusual but possible: a person looks at it (needs_review).
 * info: recorded only; a verified verdict may carry these.
 * retake: the photo cannot be read; the user is told what to fix.
 */
export type Severity = 'hard' | 'soft' | 'info' | 'retake';

export interface Reason {
  code: ReasonCode;
  severity: Severity;
  field?: string;
  /** Plain words for the person who reads the result (English). */
  message: string;
  /** The same in Chinese, for the mobile client, where it is user-facing. */
  messageZh?: string;
}

export function reason(
  code: ReasonCode,
  severity: Severity,
  message: string,
  extra: { field?: string; messageZh?: string } = {},
): Reason {
  return { code, severity, message, ...extra };
}
