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
  /** What to write when the job has failed for good, in one transaction. */
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

export function errorCode(error: unknown): string {
  return error instanceof PermanentJobError ? error.code : 'PROCESSING_FAILED';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
