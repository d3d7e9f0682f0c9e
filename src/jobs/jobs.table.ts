import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp, timestamps } from '../db/columns.js';

export const jobsTable = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    /** What the job works on, e.g. a verification id. */
    subjectRef: text('subject_ref').notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: timestamp('run_at').notNull(),
    /** A running job whose lease has passed belongs to a crashed worker and is taken again. */
    leaseUntil: timestamp('lease_until'),
    lastError: text('last_error'),
    finishedAt: timestamp('finished_at'),
    ...timestamps,
  },
  (t) => [index('jobs_claim_idx').on(t.status, t.runAt), index('jobs_subject_idx').on(t.subjectRef)],
);
