import { and, asc, count, desc, eq, gte, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { Applicant, FieldEvidence, Fields } from '../documents/document-types.js';
import { jobsTable } from '../jobs/jobs.table.js';
import type { Sealer } from '../privacy/sealer.js';
import type { Reason } from '../verdicts/reasons.js';
import type {
  Revocation,
  RevocationReason,
  Verdict,
  Verification,
  VerificationOutcome,
} from './verifications.models.js';
import { verificationsTable } from './verifications.table.js';

type Row = typeof verificationsTable.$inferSelect;

/** A reason's message may quote a value (a birth date, a printed name): after erasure codes stay, words go. */
const anonymousReason = ({ code, severity, field }: Reason): Reason => ({
  code,
  severity,
  ...(field ? { field } : {}),
  message: code,
});
type JobRow = typeof jobsTable.$inferInsert;

export type VerificationsRepository = ReturnType<typeof createVerificationsRepository>;

/** Names and ID numbers are sealed here, at the storage boundary, and nowhere else. */
export function createVerificationsRepository(db: Db, sealer: Sealer) {
  const toModel = (row: Row): Verification => {
    const sealed = row.resultSealed
      ? sealer.openJson<{ fields: Fields; evidence: Record<string, FieldEvidence> }>(row.resultSealed)
      : null;
    const outcome: VerificationOutcome | null =
      row.verdict && row.documentType
        ? {
            documentType: row.documentType as VerificationOutcome['documentType'],
            fields: sealed?.fields ?? {},
            evidence: sealed?.evidence ?? {},
            verdict: row.verdict,
            confidence: row.confidence ?? 0,
            reasons: (row.reasons ?? []) as Reason[],
            versions: row.versions ?? {},
            timingsMs: row.timingsMs ?? {},
            perceptualHash: row.perceptualHash,
            documentKey: null,
          }
        : null;
    return {
      id: row.id,
      subjectId: row.subjectId,
      clientKeyId: row.clientKeyId,
      idempotencyKey: row.idempotencyKey,
      status: row.status,
      documentTypeHint: row.documentTypeHint,
      applicant: row.applicantSealed ? sealer.openJson<Applicant>(row.applicantSealed) : null,
      fileSha256: row.fileSha256,
      fileMime: row.fileMime,
      fileBytes: row.fileBytes,
      blobKey: row.blobKey,
      outcome,
      failureCode: row.failureCode,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      completedAt: row.completedAt,
      revocation: row.revokedAt
        ? {
            at: row.revokedAt,
            byKeyId: row.revokedByKeyId,
            reason: (row.revocationReason ?? 'other') as RevocationReason,
            note: row.revocationNoteSealed ? sealer.open(row.revocationNoteSealed) : null,
          }
        : null,
      erasedAt: row.erasedAt,
    };
  };

  return {
    /** The verification and its processing job, in one transaction: an accepted upload is never lost. */
    insertWithJob(
      v: Omit<Verification, 'outcome' | 'failureCode' | 'completedAt' | 'revocation' | 'erasedAt'>,
      job: JobRow,
    ) {
      db.transaction(() => {
        db.insert(verificationsTable)
          .values({
            id: v.id,
            subjectId: v.subjectId,
            clientKeyId: v.clientKeyId,
            idempotencyKey: v.idempotencyKey,
            status: v.status,
            documentTypeHint: v.documentTypeHint,
            applicantSealed: v.applicant ? sealer.sealJson(v.applicant) : null,
            applicantIdHash: v.applicant?.idNumber
              ? sealer.blindIndex(v.applicant.idNumber.toUpperCase())
              : null,
            fileSha256: v.fileSha256,
            fileMime: v.fileMime,
            fileBytes: v.fileBytes,
            blobKey: v.blobKey,
            createdAt: v.createdAt,
            updatedAt: v.updatedAt,
          })
          .run();
        db.insert(jobsTable).values(job).run();
      });
    },

    findById(id: string): Verification | null {
      const row = db.select().from(verificationsTable).where(eq(verificationsTable.id, id)).get();
      return row ? toModel(row) : null;
    },

    findByIdempotencyKey(clientKeyId: string, key: string): Verification | null {
      const row = db
        .select()
        .from(verificationsTable)
        .where(
          and(eq(verificationsTable.clientKeyId, clientKeyId), eq(verificationsTable.idempotencyKey, key)),
        )
        .get();
      return row ? toModel(row) : null;
    },

    /** Newest first; the cursor is the id of the last item of the previous page. */
    listBySubject(input: {
      subjectId: string;
      clientKeyId: string | null;
      limit: number;
      cursor: string | null;
    }) {
      const filters = [eq(verificationsTable.subjectId, input.subjectId)];
      if (input.clientKeyId) filters.push(eq(verificationsTable.clientKeyId, input.clientKeyId));
      if (input.cursor) {
        const last = db
          .select({ createdAt: verificationsTable.createdAt, id: verificationsTable.id })
          .from(verificationsTable)
          .where(eq(verificationsTable.id, input.cursor))
          .get();
        if (last) {
          const before = or(
            lt(verificationsTable.createdAt, last.createdAt),
            and(eq(verificationsTable.createdAt, last.createdAt), lt(verificationsTable.id, last.id)),
          );
          if (before) filters.push(before);
        }
      }
      const rows = db
        .select()
        .from(verificationsTable)
        .where(and(...filters))
        .orderBy(desc(verificationsTable.createdAt), desc(verificationsTable.id))
        .limit(input.limit + 1)
        .all();
      const page = rows.slice(0, input.limit).map(toModel);
      return { items: page, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
    },

    /** Every verification of a subject, oldest first: the evidence for an eligibility decision. */
    listAllForSubject(subjectId: string): Verification[] {
      return db
        .select()
        .from(verificationsTable)
        .where(eq(verificationsTable.subjectId, subjectId))
        .orderBy(asc(verificationsTable.createdAt), asc(verificationsTable.id))
        .all()
        .map(toModel);
    },

    /** False when it was already revoked (a verification is revoked at most once). */
    revoke(id: string, revocation: Revocation): boolean {
      return (
        db
          .update(verificationsTable)
          .set({
            revokedAt: revocation.at,
            revokedByKeyId: revocation.byKeyId,
            revocationReason: revocation.reason,
            revocationNoteSealed: revocation.note ? sealer.seal(revocation.note) : null,
            updatedAt: revocation.at,
          })
          .where(and(eq(verificationsTable.id, id), isNull(verificationsTable.revokedAt)))
          .run().changes > 0
      );
    },

    /**
     * A reviewer's correction of the verdict and/or fields (the reviewer's evidence source), with
     * the re-validated reasons when given. With `expectedUpdatedAt` it is a compare-and-set: false
     * when the row changed since that version (optimistic locking).
     */
    applyCorrection(
      id: string,
      correction: {
        verdict: Verdict;
        fields: Fields;
        evidence: Record<string, FieldEvidence>;
        reasons?: Reason[];
      },
      now: Date,
      expectedUpdatedAt?: Date,
    ): boolean {
      const where = expectedUpdatedAt
        ? and(eq(verificationsTable.id, id), eq(verificationsTable.updatedAt, expectedUpdatedAt))
        : eq(verificationsTable.id, id);
      return (
        db
          .update(verificationsTable)
          .set({
            verdict: correction.verdict,
            resultSealed: sealer.sealJson({ fields: correction.fields, evidence: correction.evidence }),
            ...(correction.reasons ? { reasons: correction.reasons } : {}),
            updatedAt: now,
          })
          .where(where)
          .run().changes > 0
      );
    },

    countBySubjectSince(subjectId: string, since: Date): number {
      return (
        db
          .select({ n: count() })
          .from(verificationsTable)
          .where(and(eq(verificationsTable.subjectId, subjectId), gte(verificationsTable.createdAt, since)))
          .get()?.n ?? 0
      );
    },

    markProcessing(id: string, now: Date) {
      db.update(verificationsTable)
        .set({ status: 'processing', updatedAt: now })
        .where(and(eq(verificationsTable.id, id), eq(verificationsTable.status, 'queued')))
        .run();
    },

    complete(id: string, outcome: VerificationOutcome, now: Date) {
      // The subject was erased while the document was being read: keep the verdict, not the data.
      const erased =
        db
          .select({ erasedAt: verificationsTable.erasedAt })
          .from(verificationsTable)
          .where(eq(verificationsTable.id, id))
          .get()?.erasedAt != null;
      db.update(verificationsTable)
        .set({
          status: 'completed',
          documentType: outcome.documentType,
          verdict: outcome.verdict,
          confidence: outcome.confidence,
          resultSealed: erased
            ? null
            : sealer.sealJson({ fields: outcome.fields, evidence: outcome.evidence }),
          reasons: erased ? outcome.reasons.map(anonymousReason) : outcome.reasons,
          versions: outcome.versions,
          timingsMs: outcome.timingsMs,
          perceptualHash: erased ? null : outcome.perceptualHash,
          documentKeyHash: outcome.documentKey && !erased ? sealer.blindIndex(outcome.documentKey) : null,
          failureCode: null,
          completedAt: now,
          updatedAt: now,
        })
        .where(eq(verificationsTable.id, id))
        .run();
    },

    markFailed(id: string, code: string, now: Date) {
      db.update(verificationsTable)
        .set({ status: 'failed', failureCode: code, completedAt: now, updatedAt: now })
        .where(eq(verificationsTable.id, id))
        .run();
    },

    /**
     * Erases a subject's personal data (PIPL): applicant, extracted fields and evidence, the
     * revocation note, keyed hashes and the link to the original. Verdict, type and reason codes
     * stay, so statistics and the audit chain remain valid. Returns the erased rows' blob keys.
     */
    eraseSubject(subjectId: string, now: Date): { erased: number; blobKeys: string[] } {
      return db.transaction(() => {
        const rows = db
          .select({
            id: verificationsTable.id,
            blobKey: verificationsTable.blobKey,
            reasons: verificationsTable.reasons,
          })
          .from(verificationsTable)
          .where(eq(verificationsTable.subjectId, subjectId))
          .all();
        for (const row of rows) {
          const reasons = ((row.reasons ?? []) as Reason[]).map(anonymousReason);
          db.update(verificationsTable)
            .set({
              applicantSealed: null,
              applicantIdHash: null,
              resultSealed: null,
              revocationNoteSealed: null,
              documentKeyHash: null,
              perceptualHash: null,
              idempotencyKey: null,
              blobKey: null,
              reasons,
              erasedAt: now,
              updatedAt: now,
            })
            .where(eq(verificationsTable.id, row.id))
            .run();
        }
        const blobKeys = [...new Set(rows.map((r) => r.blobKey).filter((k): k is string => k !== null))];
        return { erased: rows.length, blobKeys };
      });
    },

    /** Whether any verification still points at the blob (content addressing lets several share one). */
    isBlobReferenced(blobKey: string): boolean {
      return (
        db
          .select({ id: verificationsTable.id })
          .from(verificationsTable)
          .where(eq(verificationsTable.blobKey, blobKey))
          .limit(1)
          .get() !== undefined
      );
    },

    /** Completed or failed verifications finished before `before` that still hold their original. */
    listExpiredBlobs(before: Date, limit: number): { id: string; subjectId: string; blobKey: string }[] {
      return db
        .select({
          id: verificationsTable.id,
          subjectId: verificationsTable.subjectId,
          blobKey: verificationsTable.blobKey,
        })
        .from(verificationsTable)
        .where(
          and(
            or(eq(verificationsTable.status, 'completed'), eq(verificationsTable.status, 'failed')),
            lt(verificationsTable.completedAt, before),
            isNotNull(verificationsTable.blobKey),
          ),
        )
        .limit(limit)
        .all()
        .filter((r): r is { id: string; subjectId: string; blobKey: string } => r.blobKey !== null);
    },

    /** Drops the link to the original; the verdict stays. */
    clearBlob(id: string, now: Date) {
      db.update(verificationsTable)
        .set({ blobKey: null, updatedAt: now })
        .where(eq(verificationsTable.id, id))
        .run();
    },

    /**
     * Other verifications that hold the same document: the same file, the same document
     * identifier, or a perceptual hash within `maxDistance` bits (compared by the caller).
     */
    findCopies(input: { excludeId: string; fileSha256: string; documentKey: string | null }) {
      const sameFile = eq(verificationsTable.fileSha256, input.fileSha256);
      const sameKey = input.documentKey
        ? eq(verificationsTable.documentKeyHash, sealer.blindIndex(input.documentKey))
        : undefined;
      return db
        .select({
          id: verificationsTable.id,
          subjectId: verificationsTable.subjectId,
          sameFile: sql<number>`${sameFile}`,
        })
        .from(verificationsTable)
        .where(and(sameKey ? or(sameFile, sameKey) : sameFile, ne(verificationsTable.id, input.excludeId)))
        .limit(20)
        .all()
        .map((r) => ({ id: r.id, subjectId: r.subjectId, sameFile: Boolean(r.sameFile) }));
    },

    /** Perceptual hashes of completed documents, for near-duplicate search by Hamming distance. */
    listPerceptualHashes(excludeId: string) {
      return db
        .select({
          id: verificationsTable.id,
          subjectId: verificationsTable.subjectId,
          hash: verificationsTable.perceptualHash,
        })
        .from(verificationsTable)
        .where(and(ne(verificationsTable.id, excludeId), eq(verificationsTable.status, 'completed')))
        .all()
        .filter((r): r is { id: string; subjectId: string; hash: string } => r.hash !== null);
    },
  };
}
