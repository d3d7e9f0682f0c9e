/**
 * The closed set of reason codes a verdict may carry (docs/contract.md, "Verdicts").
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
  /** A CHSI 学籍 report whose 学籍状态 is not 毕业: it shows enrolment, not graduation (docs/formats.md H5). */
  'NOT_PROOF_OF_GRADUATION',
  'SCORE_BELOW_REPORT_THRESHOLD',
  /** CET-4 total below 425: the usual "passed" convention (docs/formats.md C5), informational. */
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
  /** Marked 样本, 样张, 仅供参考, 作废, SPECIMEN or VOID: a specimen or a voided document proves nothing. */
  'SPECIMEN_OR_VOID',
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

export type ReasonGroup = 'quality' | 'identity' | 'field' | 'binding' | 'fraud' | 'model' | 'processing';

/**
 * What a code means to the rest of the service, beyond the severity it is raised with. A trait left
 * out is false. Every set of codes the service acts on is read from this table, not kept by hand.
 */
export interface ReasonRow {
  group: ReasonGroup;
  /** Rejects whatever severity it was raised with: the document is someone else's or reused (decide.ts). */
  alwaysRejects?: true;
  /** Never verified, whatever its severity: at least a person looks (decide.ts). */
  neverVerified?: true;
  /**
   * HARD for a reviewer's override whatever its severity (hard-reasons.ts): TAMPER_SUSPECTED and
   * INSTRUCTION_IN_DOCUMENT are raised as soft (a person looks), but turning them into `verified` is
   * as grave as overriding a rejection.
   */
  hardOnOverride?: true;
  /**
   * About one field's reading (format, check digit, range, confidence): a grounded model value may
   * replace that field (llm/assist.ts). Cross-field, binding, duplicate and tampering codes are what
   * the rules saw on the document; the model never "fixes" them.
   */
  modelMayReplace?: true;
  /**
   * Comes from the fields and the binding: when a reviewer corrects the fields, the re-validation's
   * codes replace these, and every other code survives (review.models.ts).
   */
  fieldValidation?: true;
  /** Puts a case at the head of the review queue: a forgery or a reused document costs the most. */
  urgent?: true;
}

export type ReasonTrait = Exclude<keyof ReasonRow, 'group'>;

/** One row per code; the compiler refuses a code without a row. */
export const REASON_TABLE = {
  IMAGE_BLURRY: { group: 'quality' },
  IMAGE_DARK: { group: 'quality' },
  IMAGE_OVEREXPOSED: { group: 'quality' },
  IMAGE_GLARE: { group: 'quality' },
  IMAGE_TOO_SMALL: { group: 'quality' },
  DOCUMENT_CROPPED: { group: 'quality' },
  DOCUMENT_TOO_FAR: { group: 'quality' },
  NO_TEXT_FOUND: { group: 'quality' },
  DOCUMENT_UNREADABLE: { group: 'quality' },

  UNSUPPORTED_DOCUMENT: { group: 'identity' },
  CLASSIFICATION_UNCERTAIN: { group: 'identity' },
  DOCUMENT_TYPE_HINT_MISMATCH: { group: 'identity' },

  FIELD_MISSING: { group: 'field', fieldValidation: true },
  LOW_CONFIDENCE: { group: 'field', fieldValidation: true, modelMayReplace: true },
  FIELD_FORMAT_INVALID: { group: 'field', fieldValidation: true, modelMayReplace: true },
  NUMBER_FORMAT_INVALID: { group: 'field', fieldValidation: true, modelMayReplace: true },
  CHECKSUM_INVALID: { group: 'field', fieldValidation: true, modelMayReplace: true, hardOnOverride: true },
  DATE_INVALID: { group: 'field', fieldValidation: true },
  DATE_IMPLAUSIBLE: { group: 'field', fieldValidation: true },
  SCORE_OUT_OF_RANGE: { group: 'field', fieldValidation: true, modelMayReplace: true },
  SCORE_INCONSISTENT: { group: 'field', fieldValidation: true },
  CROSS_FIELD_MISMATCH: { group: 'field', fieldValidation: true },
  LEVEL_CODE_MISMATCH: { group: 'field', fieldValidation: true },
  STUDY_LENGTH_UNUSUAL: { group: 'field', fieldValidation: true },
  NOT_PROOF_OF_GRADUATION: { group: 'field', fieldValidation: true, neverVerified: true },
  SCORE_BELOW_REPORT_THRESHOLD: { group: 'field', fieldValidation: true },
  SCORE_BELOW_POLICY_THRESHOLD: { group: 'field', fieldValidation: true },

  APPLICANT_NAME_MISMATCH: {
    group: 'binding',
    fieldValidation: true,
    alwaysRejects: true,
    hardOnOverride: true,
    urgent: true,
  },
  APPLICANT_NAME_UNCERTAIN: { group: 'binding', fieldValidation: true },
  APPLICANT_ID_MISMATCH: {
    group: 'binding',
    fieldValidation: true,
    alwaysRejects: true,
    hardOnOverride: true,
    urgent: true,
  },
  APPLICANT_ID_PARTIAL: { group: 'binding', fieldValidation: true },
  APPLICANT_UNKNOWN: { group: 'binding', neverVerified: true },

  DUPLICATE_ACROSS_SUBJECTS: { group: 'fraud', alwaysRejects: true, hardOnOverride: true, urgent: true },
  DUPLICATE_SAME_SUBJECT: { group: 'fraud' },
  TAMPER_SUSPECTED: { group: 'fraud', neverVerified: true, hardOnOverride: true, urgent: true },
  EDITING_SOFTWARE_DETECTED: { group: 'fraud', hardOnOverride: true, urgent: true },
  INSTRUCTION_IN_DOCUMENT: { group: 'fraud', neverVerified: true, hardOnOverride: true, urgent: true },
  SPECIMEN_OR_VOID: { group: 'fraud', neverVerified: true, hardOnOverride: true },
  ONLINE_CHECK_REQUIRED: { group: 'fraud' },

  LLM_UNAVAILABLE: { group: 'model' },
  LLM_INVALID_OUTPUT: { group: 'model' },
  LLM_UNGROUNDED_VALUE: { group: 'model', fieldValidation: true },

  PROCESSING_FAILED: { group: 'processing' },
  REVIEWER_DECISION: { group: 'processing', fieldValidation: true },
} as const satisfies Record<ReasonCode, ReasonRow>;

/** The codes that have `trait`, in REASON_CODES order. */
function codesWith(trait: ReasonTrait): ReadonlySet<ReasonCode> {
  const row: Record<ReasonCode, ReasonRow> = REASON_TABLE;
  return new Set(REASON_CODES.filter((code) => row[code][trait] === true));
}

export const ALWAYS_REJECTING_CODES = codesWith('alwaysRejects');
export const NEVER_VERIFIED_CODES = codesWith('neverVerified');
export const HARD_ON_OVERRIDE_CODES = codesWith('hardOnOverride');
export const MODEL_REPLACEABLE_CODES = codesWith('modelMayReplace');
export const FIELD_VALIDATION_CODES = codesWith('fieldValidation');
export const URGENT_CODES = codesWith('urgent');

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
