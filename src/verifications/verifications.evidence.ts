import type { EvidenceSource } from '../eligibility/eligibility.evidence.js';
import type { VerificationsRepository } from './verifications.repository.js';

/** Eligibility's read of a subject's verifications, over the repository. */
export function verificationsEvidence(
  verifications: Pick<VerificationsRepository, 'listAllForSubject'>,
): EvidenceSource {
  return {
    async listForSubject(subjectId) {
      return (await verifications.listAllForSubject(subjectId)).map((v) => ({
        verificationId: v.id,
        clientKeyId: v.clientKeyId,
        applicant: v.applicant,
        documentType: v.outcome?.documentType ?? null,
        completed: v.status === 'completed',
        verdict: v.outcome?.verdict ?? null,
        completedAt: v.completedAt,
        revokedAt: v.revocation?.at ?? null,
        fields: v.outcome?.fields ?? {},
      }));
    },
  };
}
