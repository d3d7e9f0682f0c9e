import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Clock } from '../platform/clock.js';
import type { ReviewApprovalsRepository } from '../review/review-approvals.repository.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';

export interface SubjectErasure {
  subjectId: string;
  verificationsErased: number;
  blobsDeleted: number;
}

/**
 * Erases a subject's personal data (PIPL art. 47): the sealed applicant, fields, evidence and
 * revocation notes go, and so do the originals no other verification shares. The rows stay,
 * anonymised (verdict, type, reason codes), so statistics and the hash-chained audit trail stay
 * valid; the erasure itself is recorded there with counts only.
 */
export async function eraseSubject(
  deps: {
    verifications: VerificationsRepository;
    blobs: BlobStore;
    audit: AuditRepository;
    transaction: <T>(fn: () => Promise<T>) => Promise<T>;
    clock: Clock;
    approvals: Pick<ReviewApprovalsRepository, 'eraseSubject'>;
  },
  input: { subjectId: string; actor: Actor },
): Promise<SubjectErasure> {
  const now = deps.clock.now();
  const { erased, blobKeys } = await deps.transaction(async () => {
    const result = await deps.verifications.eraseSubject(input.subjectId, now);
    // Corrections waiting for a second reviewer hold sealed field values and notes too.
    await deps.approvals.eraseSubject(input.subjectId, now);
    await deps.audit.append({
      entityType: 'subject',
      entityId: input.subjectId,
      subjectId: input.subjectId,
      action: 'subject.erased',
      actor: input.actor,
      before: null,
      after: { verificationsErased: result.erased, blobsReleased: result.blobKeys.length },
    });
    return result;
  });
  // Blobs go after the commit: a crash here leaves strays, which the sweeper removes.
  let blobsDeleted = 0;
  for (const key of blobKeys) {
    if (await deps.verifications.isBlobReferenced(key)) continue;
    await deps.blobs.delete(key);
    blobsDeleted++;
  }
  return { subjectId: input.subjectId, verificationsErased: erased, blobsDeleted };
}
