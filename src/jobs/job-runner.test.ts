import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { randomIds, systemClock } from '../platform/clock.js';
import { createJobRunner, type JobHandler, PermanentJobError } from './job-runner.js';
import { createJobsRepository, type JobsRepository } from './jobs.repository.js';
import { jobsTable } from './jobs.table.js';

describe('job runner', () => {
  let dir: string;
  let database: DatabaseHandle;
  let jobs: JobsRepository;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-'));
    database = openDatabase(`file:${path.join(dir, 'db.sqlite')}`);
    jobs = createJobsRepository(database.db);
  });
  afterEach(() => {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const enqueue = (subjectRef: string, maxAttempts = 3) =>
    database.db
      .insert(jobsTable)
      .values(
        jobs.newJobRow({ id: randomIds('job'), kind: 'test', subjectRef, maxAttempts, now: new Date() }),
      )
      .run();

  const runUntilFinished = async (handler: JobHandler, count: number) => {
    const runner = createJobRunner({
      jobs,
      handlers: { test: handler },
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      concurrency: 2,
      leaseMs: 5_000,
      retryBaseMs: 20,
      pollMs: 20,
    });
    const finished: string[] = [];
    runner.events.on('finished', (ref: string) => finished.push(ref));
    runner.start();
    for (let i = 0; i < 400 && finished.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    return finished;
  };

  it('retries a transient failure with backoff and then completes once', async () => {
    enqueue('a');
    const attempts: number[] = [];
    const committed: string[] = [];
    const finished = await runUntilFinished(
      {
        async run(job) {
          attempts.push(Date.now());
          if (attempts.length < 3) throw new Error('OCR worker busy');
          return () => committed.push(job.subjectRef);
        },
        onFailed: () => {},
      },
      1,
    );
    expect(finished).toEqual(['a']);
    expect(committed).toEqual(['a']);
    expect(attempts).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = attempts;
    expect(third - second).toBeGreaterThanOrEqual(second - first); // backoff grows
    expect(jobs.countByStatus()).toMatchObject({ succeeded: 1, queued: 0, running: 0 });
  });

  it('records a failure for good after the last attempt, and at once for a permanent error', async () => {
    enqueue('transient', 2);
    enqueue('permanent', 5);
    const failed: Record<string, string> = {};
    const tries: Record<string, number> = {};
    await runUntilFinished(
      {
        async run(job) {
          tries[job.subjectRef] = (tries[job.subjectRef] ?? 0) + 1;
          if (job.subjectRef === 'permanent') throw new PermanentJobError('blob gone', 'BLOB_MISSING');
          throw new Error('still failing');
        },
        onFailed: (job, error) => {
          failed[job.subjectRef] = error.code;
        },
      },
      2,
    );
    expect(failed).toEqual({ transient: 'PROCESSING_FAILED', permanent: 'BLOB_MISSING' });
    expect(tries).toEqual({ transient: 2, permanent: 1 });
    expect(jobs.countByStatus()).toMatchObject({ failed: 2 });
  });

  it('completes a job at most once: a worker whose lease lapsed cannot commit', async () => {
    enqueue('x');
    const early = new Date();
    const first = jobs.claimNext(early, 1);
    expect(first).not.toBeNull();
    // the first worker stalls past its lease; another takes the job
    const later = new Date(early.getTime() + 10);
    const second = jobs.claimNext(later, 60_000);
    expect(second?.id).toBe(first?.id);
    const writes: string[] = [];
    if (!first || !second) throw new Error('claims failed');
    expect(jobs.succeed(second, later, () => writes.push('second'))).toBe(true);
    expect(jobs.succeed(first, later, () => writes.push('first'))).toBe(false);
    expect(writes).toEqual(['second']);
  });
});
