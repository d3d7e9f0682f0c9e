import { and, asc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { Reason } from '../verdicts/reasons.js';
import type { Verdict } from '../verifications/verifications.models.js';
import { verificationsTable } from '../verifications/verifications.table.js';
import type { QueueRow, ReviewRecord } from './review.models.js';
import { reviewsTable } from './reviews.table.js';

export type ReviewsRepository = ReturnType<typeof createReviewsRepository>;

/** Reviewer decisions, and the queue's candidate rows (read without opening any sealed column). */
export function createReviewsRepository(db: Db) {
  return {
    insert(row: ReviewRecord & { id: string; reviewerKeyId: string }) {
      db.insert(reviewsTable).values(row).run();
    },

    list(): ReviewRecord[] {
      return db
        .select()
        .from(reviewsTable)
        .orderBy(asc(reviewsTable.createdAt), asc(reviewsTable.id))
        .all()
        .map((r) => ({
          verificationId: r.verificationId,
          documentType: r.documentType,
          machineVerdict: r.machineVerdict,
          reviewerVerdict: r.reviewerVerdict,
          changedFields: r.changedFields,
          createdAt: r.createdAt,
        }));
    },

    reviewedIds(): Set<string> {
      return new Set(
        db
          .selectDistinct({ id: reviewsTable.verificationId })
          .from(reviewsTable)
          .all()
          .map((r) => r.id),
      );
    },

    countFor(verificationId: string): number {
      return db.select().from(reviewsTable).where(eq(reviewsTable.verificationId, verificationId)).all()
        .length;
    },

    /** Completed, unrevoked cases a reviewer may be asked to look at (needs_review or verified). */
    queueCandidates(filters: {
      documentType?: string | undefined;
      from?: Date | undefined;
      to?: Date | undefined;
    }) {
      const where = [
        eq(verificationsTable.status, 'completed'),
        isNull(verificationsTable.revokedAt),
        inArray(verificationsTable.verdict, ['needs_review', 'verified']),
      ];
      if (filters.documentType) where.push(eq(verificationsTable.documentType, filters.documentType));
      if (filters.from) where.push(gte(verificationsTable.completedAt, filters.from));
      if (filters.to) where.push(lt(verificationsTable.completedAt, filters.to));
      return db
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
        .where(and(...where))
        .all()
        .map(
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
  };
}
