import { and, count, eq, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { jobsTable } from './jobs.table.js';

export type Job = typeof jobsTable.$inferSelect;
export type JobsRepository = ReturnType<typeof createJobsRepository>;

export function createJobsRepository(db: Db) {
  return {
    /** The row to insert for a new job; callers insert it in the same transaction as its subject. */
    newJobRow(input: { id: string; kind: string; subjectRef: string; maxAttempts: number; now: Date }) {
      return {
        id: input.id,
        kind: input.kind,
        subjectRef: input.subjectRef,
        status: 'queued' as const,
        attempts: 0,
        maxAttempts: input.maxAttempts,
        runAt: input.now,
        createdAt: input.now,
        updatedAt: input.now,
      };
    },

    /**
     * Takes the next due job: queued and due, or running with a lapsed lease (its worker died).
     * One statement, so two workers never take the same job.
     */
    claimNext(now: Date, leaseMs: number): Job | null {
      const due = db
        .select({ id: jobsTable.id })
        .from(jobsTable)
        .where(
          or(
            and(eq(jobsTable.status, 'queued'), lte(jobsTable.runAt, now)),
            and(eq(jobsTable.status, 'running'), lt(jobsTable.leaseUntil, now)),
          ),
        )
        .orderBy(jobsTable.runAt)
        .limit(1);
      return (
        db
          .update(jobsTable)
          .set({
            status: 'running',
            attempts: sql`${jobsTable.attempts} + 1`,
            leaseUntil: new Date(now.getTime() + leaseMs),
            updatedAt: now,
          })
          .where(eq(jobsTable.id, sql`(${due})`))
          .returning()
          .get() ?? null
      );
    },

    /** Extends the lease of a job this worker still owns; false when it lost the job. */
    heartbeat(job: Job, now: Date, leaseMs: number): boolean {
      return (
        db
          .update(jobsTable)
          .set({ leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now })
          .where(ownedBy(job))
          .run().changes > 0
      );
    },

    /**
     * Runs `commit` and marks the job succeeded in one transaction, only if this attempt still
     * owns the job: a job completes at most once even if a lease lapsed and another worker took it.
     */
    succeed(job: Job, now: Date, commit: () => void): boolean {
      return db.transaction(() => {
        const owned =
          db
            .update(jobsTable)
            .set({ status: 'succeeded', leaseUntil: null, finishedAt: now, updatedAt: now, lastError: null })
            .where(ownedBy(job))
            .run().changes > 0;
        if (owned) commit();
        return owned;
      });
    },

    retryLater(job: Job, now: Date, runAt: Date, error: string): boolean {
      return (
        db
          .update(jobsTable)
          .set({ status: 'queued', runAt, leaseUntil: null, lastError: error, updatedAt: now })
          .where(ownedBy(job))
          .run().changes > 0
      );
    },

    fail(job: Job, now: Date, error: string, commit: () => void): boolean {
      return db.transaction(() => {
        const owned =
          db
            .update(jobsTable)
            .set({ status: 'failed', leaseUntil: null, lastError: error, finishedAt: now, updatedAt: now })
            .where(ownedBy(job))
            .run().changes > 0;
        if (owned) commit();
        return owned;
      });
    },

    countByStatus(): Record<Job['status'], number> {
      const rows = db
        .select({ status: jobsTable.status, n: count() })
        .from(jobsTable)
        .groupBy(jobsTable.status)
        .all();
      const counts = { queued: 0, running: 0, succeeded: 0, failed: 0 };
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },

    findBySubject(subjectRef: string): Job[] {
      return db.select().from(jobsTable).where(eq(jobsTable.subjectRef, subjectRef)).all();
    },
  };
}

const ownedBy = (job: Job) =>
  and(eq(jobsTable.id, job.id), eq(jobsTable.status, 'running'), eq(jobsTable.attempts, job.attempts));
