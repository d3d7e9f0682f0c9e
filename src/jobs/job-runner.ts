import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import type { Job, JobsRepository } from './jobs.repository.js';

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
   * Does the work and returns what to write: the runner writes it in the same transaction
   * that marks the job succeeded, and only if this attempt still owns the job.
   */
  run(job: Job): Promise<() => void>;
  /** What to write when the job has failed for good, in the same transaction. */
  onFailed(job: Job, error: { code: string; message: string }): void;
  /** The wait before the next attempt; without it the runner's exponential backoff applies. */
  retryDelayMs?(job: Job): number;
}

export interface JobRunnerOptions {
  jobs: JobsRepository;
  handlers: Record<string, JobHandler>;
  clock: Clock;
  logger: Logger;
  concurrency: number;
  leaseMs: number;
  retryBaseMs: number;
  /** How often to look for due jobs when nothing woke the runner. */
  pollMs?: number;
  onOutcome?: (kind: string, outcome: 'succeeded' | 'retried' | 'failed' | 'lost') => void;
}

export interface JobRunner {
  start(): void;
  /** Looks for work now (called after an enqueue). */
  wake(): void;
  /** Stops taking jobs and waits for those in flight. */
  stop(): Promise<void>;
  /** Emits 'finished' with (subjectRef) after a job succeeds or fails for good. */
  readonly events: EventEmitter;
  inFlight(): number;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { jobs, handlers, clock, logger, concurrency, leaseMs, retryBaseMs } = options;
  const pollMs = options.pollMs ?? 1000;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const running = new Set<Promise<void>>();
  let started = false;
  let timer: NodeJS.Timeout | null = null;
  let pumping = false;

  const backoff = (attempts: number) => {
    const base = retryBaseMs * 2 ** Math.max(0, attempts - 1);
    return base + Math.floor(Math.random() * base * 0.2);
  };

  async function execute(job: Job) {
    const handler = handlers[job.kind];
    const log = logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const beat = setInterval(
      () => {
        if (!jobs.heartbeat(job, clock.now(), leaseMs)) log.warn('lost the job lease');
      },
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`, 'NO_HANDLER');
      const commit = await handler.run(job);
      const owned = jobs.succeed(job, clock.now(), commit);
      options.onOutcome?.(job.kind, owned ? 'succeeded' : 'lost');
      if (owned) events.emit('finished', job.subjectRef);
      else log.warn('job finished after another worker took it; result discarded');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof PermanentJobError ? error.code : 'PROCESSING_FAILED';
      const permanent = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      if (permanent) {
        log.error({ err: error, code }, 'job failed for good');
        const owned = jobs.fail(job, clock.now(), message, () => handler?.onFailed(job, { code, message }));
        options.onOutcome?.(job.kind, owned ? 'failed' : 'lost');
        if (owned) events.emit('finished', job.subjectRef);
      } else {
        const delay = handler?.retryDelayMs?.(job) ?? backoff(job.attempts);
        log.warn({ err: error, retryInMs: delay }, 'job failed; will retry');
        jobs.retryLater(job, clock.now(), new Date(clock.now().getTime() + delay), message);
        options.onOutcome?.(job.kind, 'retried');
        schedule(delay);
      }
    } finally {
      clearInterval(beat);
    }
  }

  function pump() {
    if (!started || pumping) return;
    pumping = true;
    try {
      while (running.size < concurrency) {
        const job = jobs.claimNext(clock.now(), leaseMs);
        if (!job) break;
        const task: Promise<void> = execute(job).finally(() => {
          running.delete(task);
          pump();
        });
        running.add(task);
      }
    } catch (error) {
      logger.error({ err: error }, 'could not claim jobs');
    } finally {
      pumping = false;
    }
  }

  function schedule(delayMs: number) {
    if (!started) return;
    setTimeout(pump, delayMs).unref();
  }

  return {
    events,
    start() {
      if (started) return;
      started = true;
      timer = setInterval(pump, pollMs);
      timer.unref();
      pump();
    },
    wake: () => queueMicrotask(pump),
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
    inFlight: () => running.size,
  };
}
