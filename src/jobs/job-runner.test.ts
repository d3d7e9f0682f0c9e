import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { randomIds, systemClock } from '../platform/clock.js';
import type { JobHandler, JobQueue } from './job-queue.js';
import { createTableJobQueue, PermanentJobError } from './job-runner.js';
import { createJobsRepository, type JobsRepository } from './jobs.repository.js';

/** A queue that polls only once a minute: only a wake (or a retry) makes it look for work. */
const idleQueueOptions = {
  clock: systemClock,
  logger: pino({ level: 'silent' }),
  concurrency: 1,
  leaseMs: 5_000,
  retryBaseMs: 20,
  pollMs: 60_000,
  ids: randomIds,
};

describe('table job queue', () => {
  let dir: string;
  let database: DatabaseHandle;
  let jobs: JobsRepository;
  let queue: JobQueue;
  const handlers: Record<string, JobHandler> = {};
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-'));
    database = await openDatabase(`file:${path.join(dir, 'db.sqlite')}`);
    jobs = createJobsRepository(database);
    for (const kind of Object.keys(handlers)) delete handlers[kind];
    queue = createTableJobQueue({
      jobs,
      handlers,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      concurrency: 2,
      leaseMs: 5_000,
      // Backoff waits of 100 then 200 ms: well above the scheduling noise of a busy machine.
      retryBaseMs: 100,
      pollMs: 20,
      ids: randomIds,
    });
  });
  afterEach(async () => {
    await queue.stop();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const enqueue = (subjectRef: string, maxAttempts = 3) =>
    queue.enqueue({ kind: 'test', subjectRef, maxAttempts });

  const runUntilFinished = async (handler: JobHandler, count: number) => {
    handlers.test = handler;
    const finished: string[] = [];
    queue.events.on('finished', (ref: string) => finished.push(ref));
    await queue.start();
    for (let i = 0; i < 400 && finished.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    await queue.stop();
    return finished;
  };

  it('retries a transient failure with backoff and then completes once', async () => {
    await enqueue('a');
    expect(await queue.waiting('test')).toBe(1);
    const attempts: number[] = [];
    const committed: string[] = [];
    const finished = await runUntilFinished(
      {
        async run(job) {
          attempts.push(Date.now());
          if (attempts.length < 3) throw new Error('OCR worker busy');
          return async () => {
            committed.push(job.subjectRef);
          };
        },
        async onFailed() {},
      },
      1,
    );
    expect(finished).toEqual(['a']);
    expect(committed).toEqual(['a']);
    expect(attempts).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = attempts;
    expect(third - second).toBeGreaterThanOrEqual(second - first); // backoff grows
    expect(await jobs.countByStatus()).toMatchObject({ succeeded: 1, queued: 0, running: 0 });
    expect(await queue.counts()).toMatchObject({ succeeded: 1, queued: 0, running: 0 });
  });

  it('records a failure for good after the last attempt, and at once for a permanent error', async () => {
    await enqueue('transient', 2);
    await enqueue('permanent', 5);
    const failed: Record<string, string> = {};
    const tries: Record<string, number> = {};
    await runUntilFinished(
      {
        async run(job) {
          tries[job.subjectRef] = (tries[job.subjectRef] ?? 0) + 1;
          if (job.subjectRef === 'permanent') throw new PermanentJobError('blob gone', 'BLOB_MISSING');
          throw new Error('still failing');
        },
        async onFailed(job, error) {
          failed[job.subjectRef] = error.code;
        },
      },
      2,
    );
    expect(failed).toEqual({ transient: 'PROCESSING_FAILED', permanent: 'BLOB_MISSING' });
    expect(tries).toEqual({ transient: 2, permanent: 1 });
    expect(await jobs.countByStatus()).toMatchObject({ failed: 2 });
  });

  it('a wake that comes while the queue is claiming is not lost: the job starts before the next poll', async () => {
    // Every claim is slow to return, so the wake below lands while a claim that saw no job is pending.
    const slowJobs: JobsRepository = {
      ...jobs,
      async claimNext(now, lease) {
        const job = await jobs.claimNext(now, lease);
        await new Promise((r) => setTimeout(r, 200));
        return job;
      },
    };
    const finished: string[] = [];
    const slow = createTableJobQueue({
      jobs: slowJobs,
      handlers: {
        test: {
          async run() {
            return async () => {};
          },
          async onFailed() {},
        },
      },
      ...idleQueueOptions,
    });
    slow.events.on('finished', (ref: string) => finished.push(ref));
    await slow.start();
    await new Promise((r) => setTimeout(r, 50));
    await slow.enqueue({ kind: 'test', subjectRef: 'woken', maxAttempts: 1 });
    slow.wake();
    for (let i = 0; i < 300 && finished.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await slow.stop();
    expect(finished).toEqual(['woken']);
  });

  it('stop waits for a claim in flight: no job is left running after it', async () => {
    await enqueue('late');
    let claimed!: () => void;
    const claiming = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    const committed: string[] = [];
    const slow = createTableJobQueue({
      jobs: {
        ...jobs,
        async claimNext(now, lease) {
          claimed();
          await new Promise((r) => setTimeout(r, 100));
          return jobs.claimNext(now, lease);
        },
      },
      handlers: {
        test: {
          async run(job) {
            return async () => {
              committed.push(job.subjectRef);
            };
          },
          async onFailed() {},
        },
      },
      ...idleQueueOptions,
    });
    await slow.start();
    await claiming;
    await slow.stop();
    expect(committed).toEqual(['late']);
    expect(await jobs.countByStatus()).toMatchObject({ succeeded: 1, running: 0 });
  });

  it('completes a job at most once: a worker whose lease lapsed cannot commit', async () => {
    await enqueue('x');
    const early = new Date();
    const first = await jobs.claimNext(early, 1);
    expect(first).not.toBeNull();
    // the first worker stalls past its lease; another takes the job
    const later = new Date(early.getTime() + 10);
    const second = await jobs.claimNext(later, 60_000);
    expect(second?.id).toBe(first?.id);
    const writes: string[] = [];
    if (!first || !second) throw new Error('claims failed');
    expect(
      await jobs.succeed(second, later, async () => {
        writes.push('second');
      }),
    ).toBe(true);
    expect(
      await jobs.succeed(first, later, async () => {
        writes.push('first');
      }),
    ).toBe(false);
    expect(writes).toEqual(['second']);
  });
});
