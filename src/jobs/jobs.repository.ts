import { and, count, eq, lt, lte, or, sql } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';

export type Job = Tables['jobsTable']['$inferSelect'];
export type JobsRepository = ReturnType<typeof createJobsRepository>;

export function createJobsRepository(database: DatabaseHandle) {
  const { db } = database;
  const { jobsTable } = database.tables;

  const ownedBy = (job: Job) =>
    and(eq(jobsTable.id, job.id), eq(jobsTable.status, 'running'), eq(jobsTable.attempts, job.attempts));

  /** Queued and due, or running with a lapsed lease (its worker died). */
  const isDue = (now: Date) =>
    or(
      and(eq(jobsTable.status, 'queued'), lte(jobsTable.runAt, now)),
      and(eq(jobsTable.status, 'running'), lt(jobsTable.leaseUntil, now)),
    );

  return exclusively(database, {
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
     * The attempt is counted here, in the claiming statement, so an attempt whose process dies
     * is counted too; a job claimed past its `maxAttempts` is for the caller to fail, not to run.
     * One statement, so two workers never take the same job. The outer condition repeats the
     * due test: on PostgreSQL a worker that lost the race for the row re-checks it against the
     * winner's update and takes nothing (the subquery alone is not re-evaluated).
     */
    async claimNext(now: Date, leaseMs: number): Promise<Job | null> {
      const due = db
        .select({ id: jobsTable.id })
        .from(jobsTable)
        .where(isDue(now))
        .orderBy(jobsTable.runAt)
        .limit(1);
      const [job] = await db
        .update(jobsTable)
        .set({
          status: 'running',
          attempts: sql`${jobsTable.attempts} + 1`,
          leaseUntil: new Date(now.getTime() + leaseMs),
          updatedAt: now,
        })
        .where(and(eq(jobsTable.id, sql`(${due})`), isDue(now)))
        .returning();
      return job ?? null;
    },

    /** Extends the lease of a job this worker still owns; false when it lost the job. */
    async heartbeat(job: Job, now: Date, leaseMs: number): Promise<boolean> {
      const updated = await db
        .update(jobsTable)
        .set({ leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now })
        .where(ownedBy(job))
        .returning({ id: jobsTable.id });
      return updated.length > 0;
    },

    /**
     * Runs `commit` and marks the job succeeded in one transaction, only if this attempt still
     * owns the job: a job completes at most once even if a lease lapsed and another worker took it.
     */
    async succeed(job: Job, now: Date, commit: () => Promise<void>): Promise<boolean> {
      return database.transaction(async () => {
        const updated = await db
          .update(jobsTable)
          .set({ status: 'succeeded', leaseUntil: null, finishedAt: now, updatedAt: now, lastError: null })
          .where(ownedBy(job))
          .returning({ id: jobsTable.id });
        const owned = updated.length > 0;
        if (owned) await commit();
        return owned;
      });
    },

    async retryLater(job: Job, now: Date, runAt: Date, error: string): Promise<boolean> {
      const updated = await db
        .update(jobsTable)
        .set({ status: 'queued', runAt, leaseUntil: null, lastError: error, updatedAt: now })
        .where(ownedBy(job))
        .returning({ id: jobsTable.id });
      return updated.length > 0;
    },

    async fail(job: Job, now: Date, error: string, commit: () => Promise<void>): Promise<boolean> {
      return database.transaction(async () => {
        const updated = await db
          .update(jobsTable)
          .set({ status: 'failed', leaseUntil: null, lastError: error, finishedAt: now, updatedAt: now })
          .where(ownedBy(job))
          .returning({ id: jobsTable.id });
        const owned = updated.length > 0;
        if (owned) await commit();
        return owned;
      });
    },

    /**
     * Fails a job claimed past its `maxAttempts` without running it (see claimNext), with `commit`
     * in the same transaction. Its attempts go back to the ones that ran.
     */
    async abandon(job: Job, now: Date, error: string, commit: () => Promise<void>): Promise<boolean> {
      return database.transaction(async () => {
        const updated = await db
          .update(jobsTable)
          .set({
            status: 'failed',
            attempts: job.maxAttempts,
            leaseUntil: null,
            lastError: error,
            finishedAt: now,
            updatedAt: now,
          })
          .where(ownedBy(job))
          .returning({ id: jobsTable.id });
        const owned = updated.length > 0;
        if (owned) await commit();
        return owned;
      });
    },

    /** Inserts a job row (from `newJobRow`), in the caller's transaction if there is one. */
    async insert(row: Tables['jobsTable']['$inferInsert']): Promise<void> {
      await db.insert(jobsTable).values(row);
    },

    /** Jobs of a kind that wait to start (admission control sheds on this). */
    async countWaiting(kind: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(jobsTable)
        .where(and(eq(jobsTable.kind, kind), eq(jobsTable.status, 'queued')));
      return Number(row?.n ?? 0);
    },

    async countByStatus(): Promise<Record<Job['status'], number>> {
      const rows = await db
        .select({ status: jobsTable.status, n: count() })
        .from(jobsTable)
        .groupBy(jobsTable.status);
      const counts = { queued: 0, running: 0, succeeded: 0, failed: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },

    async findBySubject(subjectRef: string): Promise<Job[]> {
      return db.select().from(jobsTable).where(eq(jobsTable.subjectRef, subjectRef));
    },
  });
}
