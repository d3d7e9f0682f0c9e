import { and, desc, eq, inArray } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { Verdict } from '../verifications/verifications.models.js';

export type ApprovalStatus = 'pending' | 'approved' | 'sent_back' | 'superseded';

/** A correction waiting for (or decided by) a second reviewer; fields and notes stay sealed here. */
export interface ReviewApproval {
  id: string;
  verificationId: string;
  status: ApprovalStatus;
  proposedVerdict: Verdict;
  fieldsSealed: string | null;
  changedFields: string[];
  noteSealed: string | null;
  hardReasonCodes: string[];
  baseVersion: Date;
  proposedByKeyId: string;
  proposedAt: Date;
  decidedByKeyId: string | null;
  decidedAt: Date | null;
  decisionNoteSealed: string | null;
}

type Row = Tables['reviewApprovalsTable']['$inferSelect'];

const toModel = (row: Row): ReviewApproval => ({ ...row });

export type ReviewApprovalsRepository = ReturnType<typeof createReviewApprovalsRepository>;

export function createReviewApprovalsRepository(database: DatabaseHandle) {
  const { db } = database;
  const { reviewApprovalsTable: table, verificationsTable } = database.tables;
  return exclusively(database, {
    async insert(approval: ReviewApproval): Promise<void> {
      await db.insert(table).values(approval);
    },

    async findById(id: string): Promise<ReviewApproval | null> {
      const [row] = await db.select().from(table).where(eq(table.id, id)).limit(1);
      return row ? toModel(row) : null;
    },

    /** The case's proposals, newest first. */
    async listFor(verificationId: string): Promise<ReviewApproval[]> {
      const rows = await db
        .select()
        .from(table)
        .where(eq(table.verificationId, verificationId))
        .orderBy(desc(table.proposedAt), desc(table.id));
      return rows.map(toModel);
    },

    async pendingFor(verificationId: string): Promise<ReviewApproval | null> {
      const [row] = await db
        .select()
        .from(table)
        .where(and(eq(table.verificationId, verificationId), eq(table.status, 'pending')))
        .orderBy(desc(table.proposedAt))
        .limit(1);
      return row ? toModel(row) : null;
    },

    /**
     * Closes a pending proposal; false when it was not pending any more (someone else decided it,
     * or a later correction superseded it), so two decisions can never both apply.
     */
    async decide(
      id: string,
      decision: {
        status: Exclude<ApprovalStatus, 'pending'>;
        byKeyId: string;
        at: Date;
        noteSealed: string | null;
      },
    ): Promise<boolean> {
      const rows = await db
        .update(table)
        .set({
          status: decision.status,
          decidedByKeyId: decision.byKeyId,
          decidedAt: decision.at,
          decisionNoteSealed: decision.noteSealed,
        })
        .where(and(eq(table.id, id), eq(table.status, 'pending')))
        .returning({ id: table.id });
      return rows.length > 0;
    },

    /**
     * Erasure of a subject (PIPL): their proposals' sealed values and notes go, and a waiting one
     * is closed, so it can never write fields back onto the erased verification.
     */
    async eraseSubject(subjectId: string, at: Date): Promise<void> {
      const ofSubject = inArray(
        table.verificationId,
        db
          .select({ id: verificationsTable.id })
          .from(verificationsTable)
          .where(eq(verificationsTable.subjectId, subjectId)),
      );
      await db
        .update(table)
        .set({ status: 'superseded', decidedByKeyId: 'erasure', decidedAt: at })
        .where(and(ofSubject, eq(table.status, 'pending')));
      await db
        .update(table)
        .set({ fieldsSealed: null, noteSealed: null, decisionNoteSealed: null })
        .where(ofSubject);
    },

    /** Marks every pending proposal of the case superseded (a correction was applied over them). */
    async supersedePending(verificationId: string, byKeyId: string, at: Date): Promise<void> {
      await db
        .update(table)
        .set({ status: 'superseded', decidedByKeyId: byKeyId, decidedAt: at })
        .where(and(eq(table.verificationId, verificationId), eq(table.status, 'pending')));
    },
  });
}
