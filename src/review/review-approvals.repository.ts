import { and, asc, type Column, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { Sealer } from '../privacy/sealer.js';
import type { Verdict } from '../verdicts/decide.js';

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

/** `column` still holds `value`, null included. */
const holds = (column: Column, value: string | null) => (value === null ? isNull(column) : eq(column, value));

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

    /**
     * One batch of `docverify keys rotate-data-key` (src/keys/rotate-data-key.ts): the proposals'
     * sealed fields and notes sealed again with the current data key. A row is rewritten only if
     * it still holds what was read, so a decision or an erasure made meanwhile wins.
     */
    async resealPage(
      sealer: Pick<Sealer, 'seal' | 'open' | 'keyIdOf' | 'currentKeyId'>,
      input: { afterId: string | null; limit: number; dryRun: boolean },
    ): Promise<{ lastId: string | null; rows: number; valuesResealed: number }> {
      const rows = await db
        .select({
          id: table.id,
          fieldsSealed: table.fieldsSealed,
          noteSealed: table.noteSealed,
          decisionNoteSealed: table.decisionNoteSealed,
        })
        .from(table)
        .where(input.afterId ? gt(table.id, input.afterId) : undefined)
        .orderBy(asc(table.id))
        .limit(input.limit);
      let valuesResealed = 0;
      for (const row of rows) {
        const reseal = (value: string | null) =>
          value === null || sealer.keyIdOf(value) === sealer.currentKeyId
            ? value
            : sealer.seal(sealer.open(value));
        const next = {
          fieldsSealed: reseal(row.fieldsSealed),
          noteSealed: reseal(row.noteSealed),
          decisionNoteSealed: reseal(row.decisionNoteSealed),
        };
        const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== row[k]).length;
        if (changed === 0) continue;
        valuesResealed += changed;
        if (input.dryRun) continue;
        await db
          .update(table)
          .set(next)
          .where(
            and(
              eq(table.id, row.id),
              holds(table.fieldsSealed, row.fieldsSealed),
              holds(table.noteSealed, row.noteSealed),
              holds(table.decisionNoteSealed, row.decisionNoteSealed),
            ),
          );
      }
      return { lastId: rows.at(-1)?.id ?? null, rows: rows.length, valuesResealed };
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
