import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { type DatabaseHandle, exclusively } from '../db/database-port.js';
import type { Verdict } from '../verdicts/decide.js';
import type { Reason } from '../verdicts/reasons.js';
import type { QueueRow, ReviewRecord } from './review.models.js';

export type ReviewsRepository = ReturnType<typeof createReviewsRepository>;

/** Reviewer decisions, and the queue's candidate rows (read without opening any sealed column). */
export function createReviewsRepository(database: DatabaseHandle) {
  const { db } = database;
  const { reviewsTable, verificationsTable, reviewApprovalsTable } = database.tables;
  return exclusively(database, {
    async insert(
      row: ReviewRecord & { id: string; reviewerKeyId: string; hardReasonCodes: string[] },
    ): Promise<void> {
      await db.insert(reviewsTable).values(row);
    },

    /** The HARD reason codes the case had before any of its reviews (see reviews.table.ts). */
    async hardReasonCodesBefore(verificationId: string): Promise<string[]> {
      const rows = await db
        .select({ codes: reviewsTable.hardReasonCodes })
        .from(reviewsTable)
        .where(eq(reviewsTable.verificationId, verificationId));
      return [...new Set(rows.flatMap((r) => r.codes ?? []))].sort();
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
     * Completed, unrevoked, unerased cases a reviewer may be asked to look at: needs_review or
     * verified, and any case with a correction awaiting a second reviewer (whatever its verdict);
     * an erased case has nothing left to review.
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
        or(
          inArray(verificationsTable.verdict, ['needs_review', 'verified']),
          isNotNull(reviewApprovalsTable.id),
        ),
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
          approvalId: reviewApprovalsTable.id,
          proposedVerdict: reviewApprovalsTable.proposedVerdict,
          proposedByKeyId: reviewApprovalsTable.proposedByKeyId,
        })
        .from(verificationsTable)
        .leftJoin(
          reviewApprovalsTable,
          and(
            eq(reviewApprovalsTable.verificationId, verificationsTable.id),
            eq(reviewApprovalsTable.status, 'pending'),
          ),
        )
        .where(and(...where));
      // One row per case, even if two proposals raced each other into `pending`.
      const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
      return unique.map(
        (r): QueueRow => ({
          id: r.id,
          subjectId: r.subjectId,
          documentType: r.documentType ?? 'unknown',
          verdict: (r.verdict ?? 'needs_review') as Verdict,
          confidence: r.confidence,
          reasons: (r.reasons ?? []) as Reason[],
          completedAt: r.completedAt ?? r.updatedAt,
          updatedAt: r.updatedAt,
          awaitingApproval:
            r.approvalId && r.proposedVerdict && r.proposedByKeyId
              ? {
                  approvalId: r.approvalId,
                  proposedVerdict: r.proposedVerdict,
                  proposedByKeyId: r.proposedByKeyId,
                }
              : null,
        }),
      );
    },
  });
}
