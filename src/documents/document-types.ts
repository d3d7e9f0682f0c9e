import type { Box, OcrCandidate } from '../ocr/ocr.types.js';
import type { Reason } from '../verdicts/reasons.js';

/** Type ids of the contract (docs/contract.md). */
export const DOCUMENT_TYPE_IDS = [
  'cet_score_report',
  'graduation_certificate',
  'degree_certificate',
  'chsi_record',
] as const;
export type SupportedDocumentType = (typeof DOCUMENT_TYPE_IDS)[number];
export type DocumentType = SupportedDocumentType | 'unknown';

export type FieldSource = 'rules' | 'pdf_text' | 'llm' | 'reviewer';

export interface FieldEvidence {
  /** The text as read, before normalisation. */
  text: string;
  box: Box | null;
  /** 0..1 */
  confidence: number;
  source: FieldSource;
  /**
   * Every read character, with the recogniser's own probability and runners-up, when it doubted any
   * of them (ocr.types.ts); absent otherwise. Binding tells a misreading from another person by it.
   */
  characters?: EvidenceCharacter[];
}

export interface EvidenceCharacter {
  char: string;
  /** 0..1: the recogniser's probability for this character (the line's confidence if it did not doubt it). */
  confidence: number;
  candidates: OcrCandidate[];
}

export type FieldValue = string | number | boolean | null;
export type Fields = Record<string, FieldValue>;

export interface Extraction {
  /** Every field of the type's schema is present; null when absent or unreadable, never a guess. */
  fields: Fields;
  evidence: Record<string, FieldEvidence>;
}

export interface Applicant {
  name?: string | null;
  idNumber?: string | null;
}

export interface ValidationContext {
  /** "Now" from the injected clock, for date plausibility. */
  now: Date;
  applicant: Applicant | null;
}

export type { Reason };
