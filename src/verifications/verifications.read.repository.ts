import { and, asc, count, desc, eq, gte, isNotNull, lt, or } from 'drizzle-orm';
import type { DatabaseHandle, Tables } from '../db/database-port.js';
import type { Applicant, FieldEvidence, Fields } from '../documents/document-types.js';
import type { Sealer } from '../privacy/sealer.js';
import type { Reason } from '../verdicts/reasons.js';
import type { RevocationReason, Verification, VerificationOutcome } from './verifications.models.js';

type Row = Tables['verificationsTable']['$inferSelect'];

/** The verification reads: a row opened into the model (sealed values opened here), and the counts. */
export function verificationReads(database: DatabaseHandle, sealer: Sealer) {
  const { db } = database;
  const { verificationsTable } = database.tables;
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
    async findById(id: string): Promise<Verification | null> {
      const [row] = await db.select().from(verificationsTable).where(eq(verificationsTable.id, id)).limit(1);
      return row ? toModel(row) : null;
    },

    async findByIdempotencyKey(clientKeyId: string, key: string): Promise<Verification | null> {
      const [row] = await db
        .select()
        .from(verificationsTable)
        .where(
          and(eq(verificationsTable.clientKeyId, clientKeyId), eq(verificationsTable.idempotencyKey, key)),
        )
        .limit(1);
      return row ? toModel(row) : null;
    },

    /** Newest first; the cursor is the id of the last item of the previous page. */
    async listBySubject(input: {
      subjectId: string;
      clientKeyId: string | null;
      limit: number;
      cursor: string | null;
    }): Promise<{ items: Verification[]; nextCursor: string | null }> {
      const filters = [eq(verificationsTable.subjectId, input.subjectId)];
      if (input.clientKeyId) filters.push(eq(verificationsTable.clientKeyId, input.clientKeyId));
      if (input.cursor) {
        const [last] = await db
          .select({ createdAt: verificationsTable.createdAt, id: verificationsTable.id })
          .from(verificationsTable)
          .where(eq(verificationsTable.id, input.cursor))
          .limit(1);
        if (last) {
          const before = or(
            lt(verificationsTable.createdAt, last.createdAt),
            and(eq(verificationsTable.createdAt, last.createdAt), lt(verificationsTable.id, last.id)),
          );
          if (before) filters.push(before);
        }
      }
      const rows = await db
        .select()
        .from(verificationsTable)
        .where(and(...filters))
        .orderBy(desc(verificationsTable.createdAt), desc(verificationsTable.id))
        .limit(input.limit + 1);
      const page = rows.slice(0, input.limit).map(toModel);
      return { items: page, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
    },

    /** Every verification of a subject, oldest first: the evidence for an eligibility decision. */
    async listAllForSubject(subjectId: string): Promise<Verification[]> {
      const rows = await db
        .select()
        .from(verificationsTable)
        .where(eq(verificationsTable.subjectId, subjectId))
        .orderBy(asc(verificationsTable.createdAt), asc(verificationsTable.id));
      return rows.map(toModel);
    },

    async countBySubjectSince(subjectId: string, since: Date): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(verificationsTable)
        .where(and(eq(verificationsTable.subjectId, subjectId), gte(verificationsTable.createdAt, since)));
      return Number(row?.n ?? 0);
    },

    /** Whether any verification still points at the blob (content addressing lets several share one). */
    async isBlobReferenced(blobKey: string): Promise<boolean> {
      const rows = await db
        .select({ id: verificationsTable.id })
        .from(verificationsTable)
        .where(eq(verificationsTable.blobKey, blobKey))
        .limit(1);
      return rows.length > 0;
    },

    /** Completed or failed verifications finished before `before` that still hold their original. */
    async listExpiredBlobs(
      before: Date,
      limit: number,
    ): Promise<{ id: string; subjectId: string; blobKey: string }[]> {
      const rows = await db
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
        .limit(limit);
      return rows.filter((r): r is { id: string; subjectId: string; blobKey: string } => r.blobKey !== null);
    },
  };
}
