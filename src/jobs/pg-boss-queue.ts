import { EventEmitter } from 'node:events';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../db/database-port.js';
import {
  errorCode,
  errorMessage,
  INTERRUPTED_CODE,
  interruptedMessage,
  type JobCounts,
  type JobHandler,
  type JobOutcome,
  type JobQueue,
  PermanentJobError,
  type QueuedJob,
} from './job-queue.js';

export interface PgBossQueueOptions {
  connectionString: string;
  /** Where pg-boss keeps its tables (its own schema, beside ours). */
  schema: string;
  database: Pick<DatabaseHandle, 'transaction' | 'sqlClient'>;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  /** Jobs this process runs at once, per kind. */
  concurrency: number;
  /** An active job not finished in this time belongs to a dead worker and is retried. */
  leaseMs: number;
  retryBaseMs: number;
  pollMs: number;
  maintenanceMs: number;
  onOutcome?: (kind: string, outcome: JobOutcome) => void;
}

interface JobData {
  subjectRef: string;
}

/**
 * The cluster queue: pg-boss on the shared PostgreSQL (SKIP LOCKED fetches, retries with
 * backoff, expiry of jobs whose worker died, a dead-letter queue per kind). API nodes only
 * enqueue, inside the transaction of the change that needs the job; `docverify worker`
 * processes call `start()`. The handler's writes are committed in their own transaction before
 * pg-boss completes the job: if the worker dies between the two, the retry finds the work done
 * (handlers write idempotently) and changes nothing.
 */
export function createPgBossQueue(options: PgBossQueueOptions): JobQueue {
  const { database, handlers, logger } = options;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema,
    max: Math.max(2, options.concurrency + 1),
    maintenanceIntervalSeconds: Math.max(1, Math.round(options.maintenanceMs / 1000)),
    monitorStateIntervalSeconds: Math.max(1, Math.round(options.maintenanceMs / 1000)),
  });
  boss.on('error', (error) => logger.error({ err: error }, 'pg-boss error'));
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let inFlight = 0;
  let ready: Promise<void> | null = null;
  let working = false;

  const deadLetter = (kind: string) => `${kind}.dead`;

  // Starts pg-boss (creating its schema on first use) and the queues, once per process.
  function connect(): Promise<void> {
    ready ??= (async () => {
      await boss.start();
      for (const kind of Object.keys(handlers)) {
        await boss.createQueue(deadLetter(kind));
        await boss.createQueue(kind, {
          name: kind,
          expireInSeconds: Math.max(1, Math.ceil(options.leaseMs / 1000)),
          retryDelay: Math.max(1, Math.round(options.retryBaseMs / 1000)),
          retryBackoff: true,
          deadLetter: deadLetter(kind),
        });
      }
    })();
    return ready;
  }

  async function execute(kind: string, handler: JobHandler, job: PgBoss.JobWithMetadata<JobData>) {
    const queued: QueuedJob = {
      id: job.id,
      kind,
      subjectRef: job.data.subjectRef,
      attempts: job.retryCount + 1,
      maxAttempts: job.retryLimit + 1,
    };
    const log = logger.child({ jobId: job.id, kind, attempt: queued.attempts });
    inFlight += 1;
    try {
      const commit = await handler.run(queued);
      await database.transaction(commit);
      options.onOutcome?.(kind, 'succeeded');
      events.emit('finished', queued.subjectRef);
    } catch (error) {
      const permanent = error instanceof PermanentJobError || queued.attempts >= queued.maxAttempts;
      if (!permanent) {
        log.warn({ err: error }, 'job failed; pg-boss will retry it');
        options.onOutcome?.(kind, 'retried');
        throw error;
      }
      log.error({ err: error, code: errorCode(error) }, 'job failed for good');
      await database.transaction(() =>
        handler.onFailed(queued, { code: errorCode(error), message: errorMessage(error) }),
      );
      options.onOutcome?.(kind, 'failed');
      events.emit('finished', queued.subjectRef);
      // A permanent failure is recorded and done; a last transient one goes to the dead letters.
      if (!(error instanceof PermanentJobError)) throw error;
    } finally {
      inFlight -= 1;
    }
  }

  /**
   * A dead letter: pg-boss gave up on a job. pg-boss counts an attempt when it hands a job out and
   * expires one whose worker died, so a job that crashes its process every time lands here after
   * its last attempt with nothing recorded (no handler returned to record it): record it now.
   * When the last attempt failed in a handler, onFailed already ran and its writes, guarded on
   * the subject's state, change nothing a second time.
   */
  async function executeDeadLetter(kind: string, handler: JobHandler, job: PgBoss.JobWithMetadata<JobData>) {
    const queued: QueuedJob = {
      id: job.id,
      kind,
      subjectRef: job.data.subjectRef,
      attempts: job.retryLimit + 1,
      maxAttempts: job.retryLimit + 1,
    };
    const message = interruptedMessage(queued.maxAttempts);
    await database.transaction(() => handler.onFailed(queued, { code: INTERRUPTED_CODE, message }));
    events.emit('finished', queued.subjectRef);
  }

  return {
    name: 'pg-boss',
    events,
    async enqueue({ kind, subjectRef, maxAttempts }) {
      await connect();
      const client = database.sqlClient();
      await boss.send(kind, { subjectRef } satisfies JobData, {
        retryLimit: Math.max(0, maxAttempts - 1),
        // Joins the caller's transaction: the job exists exactly when the change that needs it does.
        ...(client ? { db: { executeSql: (text, values) => client.query(text, values) } } : {}),
      });
    },
    wake: () => undefined,
    async waiting(kind) {
      await connect();
      return boss.getQueueSize(kind);
    },
    async counts(): Promise<JobCounts> {
      await connect();
      const { rows } = await boss
        .getDb()
        .executeSql(`select state, count(*)::int as n from ${options.schema}.job group by state`, []);
      const counts: JobCounts = { queued: 0, running: 0, succeeded: 0, failed: 0 };
      for (const { state, n } of rows as { state: string; n: number }[]) {
        if (state === 'created' || state === 'retry') counts.queued += n;
        else if (state === 'active') counts.running += n;
        else if (state === 'completed') counts.succeeded += n;
        else if (state === 'failed' || state === 'cancelled') counts.failed += n;
      }
      return counts;
    },
    async start() {
      await connect();
      if (working) return;
      working = true;
      for (const [kind, handler] of Object.entries(handlers)) {
        // One fetcher per slot: each takes one job at a time, so a slow document blocks one slot.
        for (let slot = 0; slot < options.concurrency; slot++) {
          await boss.work<JobData>(
            kind,
            {
              batchSize: 1,
              includeMetadata: true,
              pollingIntervalSeconds: Math.max(0.5, options.pollMs / 1000),
            },
            async ([job]) => {
              if (job) await execute(kind, handler, job);
            },
          );
        }
        await boss.work<JobData>(
          deadLetter(kind),
          {
            batchSize: 1,
            includeMetadata: true,
            pollingIntervalSeconds: Math.max(0.5, options.pollMs / 1000),
          },
          async ([job]) => {
            if (job) await executeDeadLetter(kind, handler, job);
          },
        );
      }
    },
    async stop() {
      if (!ready) return;
      await ready.catch(() => undefined);
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    },
    inFlight: () => inFlight,
  };
}
