import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Clock } from '../platform/clock.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';
import type { SubjectsRepository } from './subjects.repository.js';

export interface SubjectErasure {
  subjectId: string;
  verificationsErased: number;
  blobsDeleted: number;
}

/**
 * Erases a subject's personal data (PIPL art. 47): the sealed applicant, fields, evidence,
 * revocation notes and the subject's registered identity go, and so do the originals no other verification shares. The rows stay,
 * anonymised (verdict, type, reason codes), so statistics and the hash-chained audit trail stay
 * valid; the erasure itself is recorded there with counts only.
 */
export async function eraseSubject(
  deps: {
    verifications: VerificationsRepository;
    subjects: Pick<SubjectsRepository, 'eraseIdentity'>;
    blobs: BlobStore;
    audit: AuditRepository;
    transaction: <T>(fn: () => Promise<T>) => Promise<T>;
    clock: Clock;
  },
  input: { subjectId: string; actor: Actor },
): Promise<SubjectErasure> {
  const now = deps.clock.now();
  const { erased, blobKeys } = await deps.transaction(async () => {
    const result = await deps.verifications.eraseSubject(input.subjectId, now);
    await deps.subjects.eraseIdentity(input.subjectId, now);
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
