import { and, eq, isNull, ne } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/database-port.js';
import type { FieldEvidence, Fields } from '../documents/document-types.js';
import type { Sealer } from '../privacy/sealer.js';
import type { Verdict } from '../verdicts/decide.js';
import type { Reason } from '../verdicts/reasons.js';
import type { Revocation, Verification, VerificationOutcome } from './verifications.models.js';

/** A reason's message may quote a value (a birth date, a printed name): after erasure codes stay, words go. */
const anonymousReason = ({ code, severity, field }: Reason): Reason => ({
  code,
  severity,
  ...(field ? { field } : {}),
  message: code,
});

/** The verification writes, in the order of its life: upload, reading, review, erasure, retention. */
export function verificationWrites(database: DatabaseHandle, sealer: Sealer) {
  const { db } = database;
  const { verificationsTable } = database.tables;
  const unfinished = (id: string) =>
    and(
      eq(verificationsTable.id, id),
      ne(verificationsTable.status, 'completed'),
      ne(verificationsTable.status, 'failed'),
    );

  return {
    /** Callers insert it in the transaction that enqueues its job: an accepted upload is never lost. */
    async insert(
      v: Omit<Verification, 'outcome' | 'failureCode' | 'completedAt' | 'revocation' | 'erasedAt'>,
    ): Promise<void> {
      await db.insert(verificationsTable).values({
        id: v.id,
        subjectId: v.subjectId,
        clientKeyId: v.clientKeyId,
        idempotencyKey: v.idempotencyKey,
        status: v.status,
        documentTypeHint: v.documentTypeHint,
        applicantSealed: v.applicant ? sealer.sealJson(v.applicant) : null,
        applicantIdHash: v.applicant?.idNumber ? sealer.blindIndex(v.applicant.idNumber.toUpperCase()) : null,
        fileSha256: v.fileSha256,
        fileMime: v.fileMime,
        fileBytes: v.fileBytes,
        blobKey: v.blobKey,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
      });
    },

    async markProcessing(id: string, now: Date): Promise<void> {
      await db
        .update(verificationsTable)
        .set({ status: 'processing', updatedAt: now })
        .where(and(eq(verificationsTable.id, id), eq(verificationsTable.status, 'queued')));
    },

    /**
     * Stores the verdict, once: false when the verification is already finished (a retried job
     * whose first worker was only slow), so a document never gets two verdicts. When the subject was
     * erased while the document was being read, keeps the verdict, not the data: the full outcome is
     * written only while the row is still unerased (one conditional statement, so an erasure that
     * commits meanwhile is never overwritten), and the anonymous one otherwise.
     */
    async complete(id: string, outcome: VerificationOutcome, now: Date): Promise<boolean> {
      const common = {
        status: 'completed' as const,
        documentType: outcome.documentType,
        verdict: outcome.verdict,
        confidence: outcome.confidence,
        versions: outcome.versions,
        timingsMs: outcome.timingsMs,
        failureCode: null,
        completedAt: now,
        updatedAt: now,
      };
      const written = await db
        .update(verificationsTable)
        .set({
          ...common,
          resultSealed: sealer.sealJson({ fields: outcome.fields, evidence: outcome.evidence }),
          reasons: outcome.reasons,
          perceptualHash: outcome.perceptualHash,
          documentKeyHash: outcome.documentKey ? sealer.blindIndex(outcome.documentKey) : null,
          documentKeySealed: outcome.documentKey ? sealer.seal(outcome.documentKey) : null,
        })
        .where(and(unfinished(id), isNull(verificationsTable.erasedAt)))
        .returning({ id: verificationsTable.id });
      if (written.length > 0) return true;
      const anonymous = await db
        .update(verificationsTable)
        .set({
          ...common,
          resultSealed: null,
          reasons: outcome.reasons.map(anonymousReason),
          perceptualHash: null,
          documentKeyHash: null,
          documentKeySealed: null,
        })
        .where(unfinished(id))
        .returning({ id: verificationsTable.id });
      return anonymous.length > 0;
    },

    /** False when the verification already has its final state. */
    async markFailed(id: string, code: string, now: Date): Promise<boolean> {
      const written = await db
        .update(verificationsTable)
        .set({ status: 'failed', failureCode: code, completedAt: now, updatedAt: now })
        .where(unfinished(id))
        .returning({ id: verificationsTable.id });
      return written.length > 0;
    },

    /** False when it was already revoked (a verification is revoked at most once) or erased. */
    async revoke(id: string, revocation: Revocation): Promise<boolean> {
      const updated = await db
        .update(verificationsTable)
        .set({
          revokedAt: revocation.at,
          revokedByKeyId: revocation.byKeyId,
          revocationReason: revocation.reason,
          revocationNoteSealed: revocation.note ? sealer.seal(revocation.note) : null,
          updatedAt: revocation.at,
        })
        .where(
          and(
            eq(verificationsTable.id, id),
            isNull(verificationsTable.revokedAt),
            isNull(verificationsTable.erasedAt),
          ),
        )
        .returning({ id: verificationsTable.id });
      return updated.length > 0;
    },

    /**
     * A reviewer's correction of the verdict and/or fields (the reviewer's evidence source), with
     * the re-validated reasons when given. With `expectedUpdatedAt` it is a compare-and-set: false
     * when the row changed since that version (optimistic locking).
     */
    async applyCorrection(
      id: string,
      correction: {
        verdict: Verdict;
        fields: Fields;
        evidence: Record<string, FieldEvidence>;
        reasons?: Reason[];
      },
      now: Date,
      expectedUpdatedAt?: Date,
    ): Promise<boolean> {
      // An erased row takes no correction: it would bring the person back.
      const where = expectedUpdatedAt
        ? and(
            eq(verificationsTable.id, id),
            eq(verificationsTable.updatedAt, expectedUpdatedAt),
            isNull(verificationsTable.erasedAt),
          )
        : and(eq(verificationsTable.id, id), isNull(verificationsTable.erasedAt));
      const updated = await db
        .update(verificationsTable)
        .set({
          verdict: correction.verdict,
          resultSealed: sealer.sealJson({ fields: correction.fields, evidence: correction.evidence }),
          ...(correction.reasons ? { reasons: correction.reasons } : {}),
          updatedAt: now,
        })
        .where(where)
        .returning({ id: verificationsTable.id });
      return updated.length > 0;
    },

    /**
     * Erases a subject's personal data (PIPL): applicant, extracted fields and evidence, the
     * revocation note, keyed hashes and the link to the original. Verdict, type and reason codes
     * stay, so statistics and the audit chain remain valid. Returns the erased rows' ids and blob keys.
     */
    async eraseSubject(
      subjectId: string,
      now: Date,
    ): Promise<{ erased: number; verificationIds: string[]; blobKeys: string[] }> {
      return database.transaction(async () => {
        const rows = await db
          .select({
            id: verificationsTable.id,
            blobKey: verificationsTable.blobKey,
            reasons: verificationsTable.reasons,
          })
          .from(verificationsTable)
          .where(eq(verificationsTable.subjectId, subjectId));
        for (const row of rows) {
          const reasons = ((row.reasons ?? []) as Reason[]).map(anonymousReason);
          await db
            .update(verificationsTable)
            .set({
              applicantSealed: null,
              applicantIdHash: null,
              resultSealed: null,
              revocationNoteSealed: null,
              documentKeyHash: null,
              documentKeySealed: null,
              perceptualHash: null,
              idempotencyKey: null,
              blobKey: null,
              reasons,
              erasedAt: now,
              updatedAt: now,
            })
            .where(eq(verificationsTable.id, row.id));
        }
        const blobKeys = [...new Set(rows.map((r) => r.blobKey).filter((k): k is string => k !== null))];
        return { erased: rows.length, verificationIds: rows.map((r) => r.id), blobKeys };
      });
    },

    /** Drops the link to the original; the verdict stays. */
    async clearBlob(id: string, now: Date): Promise<void> {
      await db
        .update(verificationsTable)
        .set({ blobKey: null, updatedAt: now })
        .where(eq(verificationsTable.id, id));
    },
  };
}
