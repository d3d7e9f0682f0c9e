import type { EventEmitter } from 'node:events';

/** What a handler sees of a job, whichever queue carries it. */
export interface QueuedJob {
  id: string;
  kind: string;
  /** What the job works on, e.g. a verification id. */
  subjectRef: string;
  /** 1 on the first attempt. */
  attempts: number;
  maxAttempts: number;
}

/** A failure that retrying cannot fix (for example a blob that is gone). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface JobHandler {
  /**
   * Does the work and returns what to write: the queue writes it in one transaction, and only
   * once per job even if a crashed worker's attempt is retried.
   */
  run(job: QueuedJob): Promise<() => Promise<void>>;
  /**
   * What to write when the job has failed for good, in one transaction. It may be called again
   * for a job already failed (pg-boss hands a failed job's dead letter back): guard the writes
   * on the subject's state.
   */
  onFailed(job: QueuedJob, error: { code: string; message: string }): Promise<void>;
  /** The wait before the next attempt; without it the queue's exponential backoff applies. */
  retryDelayMs?(job: QueuedJob): number;
}

export type JobOutcome = 'succeeded' | 'retried' | 'failed' | 'lost';
export type JobCounts = Record<'queued' | 'running' | 'succeeded' | 'failed', number>;

/**
 * The job queue port. Single node: a table with leases in the service's own database
 * (job-runner.ts). PostgreSQL cluster: pg-boss (pg-boss-queue.ts), shared by API nodes, which
 * only enqueue, and `docverify worker` processes, which take jobs.
 */
export interface JobQueue {
  readonly name: 'table' | 'pg-boss';
  /** Enqueues the job; inside a database transaction it commits or rolls back with it. */
  enqueue(job: { kind: string; subjectRef: string; maxAttempts: number }): Promise<void>;
  /** Looks for work now (after a commit that enqueued); a no-op where workers poll elsewhere. */
  wake(): void;
  /** Jobs of `kind` waiting to start: the depth that admission control sheds on. */
  waiting(kind: string): Promise<number>;
  counts(): Promise<JobCounts>;
  /** Starts taking jobs in this process. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for those in flight. */
  stop(): Promise<void>;
  /** Emits 'finished' with (subjectRef) after a job run in this process succeeds or fails for good. */
  readonly events: EventEmitter;
  inFlight(): number;
}

/**
 * The failure code of a job whose every attempt was cut off: the process running it stopped
 * (crashed, ran out of memory, was killed) before the job finished or failed. Each attempt is
 * counted when the job is claimed, so a job that crashes its process fails after JOB_MAX_ATTEMPTS
 * restarts instead of being taken again after every one.
 */
export const INTERRUPTED_CODE = 'PROCESSING_INTERRUPTED';

export function interruptedMessage(maxAttempts: number): string {
  return `interrupted in each of its ${maxAttempts} attempts: the process running it stopped before the job finished`;
}

export function errorCode(error: unknown): string {
  return error instanceof PermanentJobError ? error.code : 'PROCESSING_FAILED';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
