import type { Applicant } from '../documents/document-types.js';
import type { Evidence } from './eligibility.models.js';

/**
 * One of a subject's verifications as eligibility reads it: what the evaluation weighs, and who
 * uploaded it with which identity, from which eligibility tells whether it is bound to the subject.
 */
export interface EvidenceRecord extends Omit<Evidence, 'boundToIdentity'> {
  /** The key that uploaded it: only the subject owner's uploads are evidence. */
  clientKeyId: string;
  /** The identity it was read with; null when the upload gave none. */
  applicant: Applicant | null;
}

/**
 * The one read eligibility makes of the verifications; the composition root implements it over the
 * verifications repository (src/verifications/verifications.evidence.ts).
 */
export interface EvidenceSource {
  /** Every verification of the subject, oldest first, whatever its state: the evaluation decides what counts. */
  listForSubject(subjectId: string): Promise<EvidenceRecord[]>;
}
