import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { DatabaseHandle } from '../db/database-port.js';
import type { LlmClient } from '../llm/client.js';
import type { Clock } from '../platform/clock.js';
import type { FixtureStore } from '../review/fixtures.store.js';
import type { ReviewApprovalsRepository } from '../review/review-approvals.repository.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';
import type { SubjectsRepository } from './subjects.repository.js';

export interface SubjectErasure {
  subjectId: string;
  verificationsErased: number;
  blobsDeleted: number;
  /** Reviewer notes and corrected fields (sealed) erased from the audit trail. */
  auditPayloadsErased: number;
  /** Fixture cases reviewers had exported from the subject's verifications. */
  fixturesDeleted: number;
}

/**
 * Erases a subject's personal data (PIPL art. 47), everywhere the service keeps it:
 * - the subject's registered identity;
 * - the verification rows: sealed applicant, fields, evidence and revocation notes, keyed hashes,
 *   the link to the original, reason wording; the rows stay, anonymised (verdict, type, reason
 *   codes), and take no more changes (VERIFICATION_ERASED);
 * - the audit trail: sealed notes and corrected fields are replaced by their digests, so the hash
 *   chain stays valid (docs/adr/0006-erasure.md); the erasure itself is recorded with counts only;
 * - the originals no other verification shares;
 * - the fixture cases exported from the subject's verifications, public and private;
 * - the LLM reply cache of this process (all of it: entries do not say whose document they read);
 * - on SQLite, the write-ahead log, which still holds the overwritten pages until a checkpoint.
 */
export async function eraseSubject(
  deps: {
    verifications: VerificationsRepository;
    subjects: Pick<SubjectsRepository, 'eraseIdentity'>;
    blobs: BlobStore;
    audit: AuditRepository;
    transaction: <T>(fn: () => Promise<T>) => Promise<T>;
    clock: Clock;
    approvals: Pick<ReviewApprovalsRepository, 'eraseSubject'>;
    database: Pick<DatabaseHandle, 'checkpoint'>;
    fixtures: Pick<FixtureStore, 'deleteExportsOf'>;
    llm: { client: Pick<LlmClient, 'clearCache'> } | null;
  },
  input: { subjectId: string; actor: Actor },
): Promise<SubjectErasure> {
  const now = deps.clock.now();
  // The rows first: a correction or revocation racing with the erasure then either committed
  // before (its audit record is found below) or is refused.
  const { erased, blobKeys, verificationIds, auditPayloads } = await deps.transaction(async () => {
    const result = await deps.verifications.eraseSubject(input.subjectId, now);
    // Corrections waiting for a second reviewer hold sealed field values and notes too.
    await deps.approvals.eraseSubject(input.subjectId, now);
    await deps.subjects.eraseIdentity(input.subjectId, now);
    const payloads = await deps.audit.eraseSealedPayloads(input.subjectId);
    await deps.audit.append({
      entityType: 'subject',
      entityId: input.subjectId,
      subjectId: input.subjectId,
      action: 'subject.erased',
      actor: input.actor,
      before: null,
      after: {
        verificationsErased: result.erased,
        blobsReleased: result.blobKeys.length,
        auditPayloadsErased: payloads.erased,
        ...(payloads.legacy > 0 ? { legacyAuditPayloadsKept: payloads.legacy } : {}),
      },
    });
    return { ...result, auditPayloads: payloads };
  });
  // Files go after the commit: a crash here leaves strays; erasing again (idempotent) or the
  // sweeper (blobs) removes them.
  let blobsDeleted = 0;
  for (const key of blobKeys) {
    if (await deps.verifications.isBlobReferenced(key)) continue;
    await deps.blobs.delete(key);
    blobsDeleted++;
  }
  const fixturesDeleted = deps.fixtures.deleteExportsOf(verificationIds).length;
  deps.llm?.client.clearCache();
  await deps.database.checkpoint();
  return {
    subjectId: input.subjectId,
    verificationsErased: erased,
    blobsDeleted,
    auditPayloadsErased: auditPayloads.erased,
    fixturesDeleted,
  };
}
