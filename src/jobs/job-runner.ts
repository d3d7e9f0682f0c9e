import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
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
} from './job-queue.js';
import type { Job, JobsRepository } from './jobs.repository.js';

export { PermanentJobError };

export interface TableJobQueueOptions {
  jobs: JobsRepository;
  handlers: Record<string, JobHandler>;
  clock: Clock;
  logger: Logger;
  concurrency: number;
  leaseMs: number;
  retryBaseMs: number;
  ids: (prefix: string) => string;
  /** How often to look for due jobs when nothing woke the runner. */
  pollMs?: number;
  onOutcome?: (kind: string, outcome: JobOutcome) => void;
}

/**
 * The single-node queue: jobs are rows of the service's own database, taken with a lease that a
 * heartbeat extends. A job whose worker died is taken again when its lease lapses; completion
 * is guarded by the attempt number, so a job completes at most once.
 */
export function createTableJobQueue(options: TableJobQueueOptions): JobQueue {
  const { jobs, handlers, clock, logger, concurrency, leaseMs, retryBaseMs } = options;
  const pollMs = options.pollMs ?? 1000;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const running = new Set<Promise<void>>();
  let started = false;
  let timer: NodeJS.Timeout | null = null;
  let pumping = false;
  /** Settles when the current pump is done: `stop` waits for it, so no claimed job is left behind. */
  let pumped: Promise<void> = Promise.resolve();
  /** A wake that came while a pump was claiming: its claim may have run before the job was due. */
  let wokenWhilePumping = false;

  const backoff = (attempts: number) => {
    const base = retryBaseMs * 2 ** Math.max(0, attempts - 1);
    return base + Math.floor(Math.random() * base * 0.2);
  };

  /**
   * A job claimed once more than it may be: every allowed attempt was claimed and none came back,
   * so each time the process running it stopped. Running it again would likely stop this one too.
   */
  async function abandon(job: Job) {
    const handler = handlers[job.kind];
    const message = interruptedMessage(job.maxAttempts);
    logger.error(
      { jobId: job.id, kind: job.kind, code: INTERRUPTED_CODE },
      `job failed for good: ${message}`,
    );
    const owned = await jobs.abandon(job, clock.now(), message, async () => {
      await handler?.onFailed(job, { code: INTERRUPTED_CODE, message });
    });
    options.onOutcome?.(job.kind, owned ? 'failed' : 'lost');
    if (owned) events.emit('finished', job.subjectRef);
  }

  async function execute(job: Job) {
    if (job.attempts > job.maxAttempts) return abandon(job);
    const handler = handlers[job.kind];
    const log = logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const beat = setInterval(
      () => {
        jobs.heartbeat(job, clock.now(), leaseMs).then(
          (owned) => owned || log.warn('lost the job lease'),
          (error: unknown) => log.warn({ err: error }, 'heartbeat failed'),
        );
      },
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`, 'NO_HANDLER');
      const commit = await handler.run(job);
      const owned = await jobs.succeed(job, clock.now(), commit);
      options.onOutcome?.(job.kind, owned ? 'succeeded' : 'lost');
      if (owned) events.emit('finished', job.subjectRef);
      else log.warn('job finished after another worker took it; result discarded');
    } catch (error) {
      const message = errorMessage(error);
      const code = errorCode(error);
      const permanent = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      if (permanent) {
        log.error({ err: error, code }, 'job failed for good');
        const owned = await jobs.fail(job, clock.now(), message, async () => {
          await handler?.onFailed(job, { code, message });
        });
        options.onOutcome?.(job.kind, owned ? 'failed' : 'lost');
        if (owned) events.emit('finished', job.subjectRef);
      } else {
        const delay = handler?.retryDelayMs?.(job) ?? backoff(job.attempts);
        log.warn({ err: error, retryInMs: delay }, 'job failed; will retry');
        await jobs.retryLater(job, clock.now(), new Date(clock.now().getTime() + delay), message);
        options.onOutcome?.(job.kind, 'retried');
        schedule(delay);
      }
    } finally {
      clearInterval(beat);
    }
  }

  // Bound to the context the queue was made in: a wake from inside a request's database
  // transaction must not run jobs as part of that transaction. A wake while a pump is claiming
  // is not dropped: that pump looks again when it is done (its claim may have run too early).
  const pump = AsyncResource.bind(async () => {
    if (!started) return;
    if (pumping) {
      wokenWhilePumping = true;
      return;
    }
    pumping = true;
    let done = () => {};
    pumped = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      do {
        wokenWhilePumping = false;
        while (started && running.size < concurrency) {
          const job = await jobs.claimNext(clock.now(), leaseMs);
          if (!job) break;
          const task: Promise<void> = execute(job)
            .catch((error: unknown) => logger.error({ err: error, jobId: job.id }, 'job bookkeeping failed'))
            .finally(() => {
              running.delete(task);
              void pump();
            });
          running.add(task);
        }
      } while (wokenWhilePumping && started);
    } catch (error) {
      logger.error({ err: error }, 'could not claim jobs');
    } finally {
      pumping = false;
      done();
    }
  });

  function schedule(delayMs: number) {
    if (!started) return;
    setTimeout(pump, delayMs).unref();
  }

  return {
    name: 'table',
    events,
    async enqueue({ kind, subjectRef, maxAttempts }) {
      await jobs.insert(
        jobs.newJobRow({ id: options.ids('job'), kind, subjectRef, maxAttempts, now: clock.now() }),
      );
    },
    wake: () => schedule(0),
    async waiting(kind) {
      return jobs.countWaiting(kind);
    },
    counts: (): Promise<JobCounts> => jobs.countByStatus(),
    async start() {
      if (started) return;
      started = true;
      timer = setInterval(pump, pollMs);
      timer.unref();
      void pump();
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      await pumped;
      await Promise.allSettled([...running]);
    },
    inFlight: () => running.size,
  };
}
