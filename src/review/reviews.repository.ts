import { and, asc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import { type DatabaseHandle, exclusively } from '../db/database-port.js';
import type { Reason } from '../verdicts/reasons.js';
import type { Verdict } from '../verifications/verifications.models.js';
import type { QueueRow, ReviewRecord } from './review.models.js';

export type ReviewsRepository = ReturnType<typeof createReviewsRepository>;

/** Reviewer decisions, and the queue's candidate rows (read without opening any sealed column). */
export function createReviewsRepository(database: DatabaseHandle) {
  const { db } = database;
  const { reviewsTable, verificationsTable } = database.tables;
  return exclusively(database, {
    async insert(row: ReviewRecord & { id: string; reviewerKeyId: string }): Promise<void> {
      await db.insert(reviewsTable).values(row);
    },

    async list(): Promise<ReviewRecord[]> {
      const rows = await db
        .select()
        .from(reviewsTable)
        .orderBy(asc(reviewsTable.createdAt), asc(reviewsTable.id));
      return rows.map((r) => ({
        verificationId: r.verificationId,
        documentType: r.documentType,
        machineVerdict: r.machineVerdict,
        reviewerVerdict: r.reviewerVerdict,
        changedFields: r.changedFields,
        createdAt: r.createdAt,
      }));
    },

    async reviewedIds(): Promise<Set<string>> {
      const rows = await db.selectDistinct({ id: reviewsTable.verificationId }).from(reviewsTable);
      return new Set(rows.map((r) => r.id));
    },

    async countFor(verificationId: string): Promise<number> {
      const rows = await db
        .select()
        .from(reviewsTable)
        .where(eq(reviewsTable.verificationId, verificationId));
      return rows.length;
    },

    /**
     * Completed, unrevoked, unerased cases a reviewer may be asked to look at (needs_review or
     * verified); an erased case has nothing left to review.
     */
    async queueCandidates(filters: {
      documentType?: string | undefined;
      from?: Date | undefined;
      to?: Date | undefined;
    }): Promise<QueueRow[]> {
      const where = [
        eq(verificationsTable.status, 'completed'),
        isNull(verificationsTable.revokedAt),
        isNull(verificationsTable.erasedAt),
        inArray(verificationsTable.verdict, ['needs_review', 'verified']),
      ];
      if (filters.documentType) where.push(eq(verificationsTable.documentType, filters.documentType));
      if (filters.from) where.push(gte(verificationsTable.completedAt, filters.from));
      if (filters.to) where.push(lt(verificationsTable.completedAt, filters.to));
      const rows = await db
        .select({
          id: verificationsTable.id,
          subjectId: verificationsTable.subjectId,
          documentType: verificationsTable.documentType,
          verdict: verificationsTable.verdict,
          confidence: verificationsTable.confidence,
          reasons: verificationsTable.reasons,
          completedAt: verificationsTable.completedAt,
          updatedAt: verificationsTable.updatedAt,
        })
        .from(verificationsTable)
        .where(and(...where));
      return rows.map(
        (r): QueueRow => ({
          id: r.id,
          subjectId: r.subjectId,
          documentType: r.documentType ?? 'unknown',
          verdict: (r.verdict ?? 'needs_review') as Verdict,
          confidence: r.confidence,
          reasons: (r.reasons ?? []) as Reason[],
          completedAt: r.completedAt ?? r.updatedAt,
          updatedAt: r.updatedAt,
        }),
      );
    },
  });
}
