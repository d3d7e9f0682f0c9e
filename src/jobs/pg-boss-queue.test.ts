import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPostgresDatabase } from '../../test/support/test-services.js';
import { createApiKeysRepository } from '../auth/api-keys.repository.js';
import { type DatabaseHandle, openDatabase, parsePostgresUrl } from '../db/database.js';
import { type JobHandler, type JobQueue, PermanentJobError, type QueuedJob } from './job-queue.js';
import { createPgBossQueue } from './pg-boss-queue.js';

/** The cluster queue against a real PostgreSQL (TEST_DATABASE_URL; CI starts the server). */
describe.skipIf(!process.env.TEST_DATABASE_URL)('pg-boss queue', () => {
  let database: DatabaseHandle;
  let target: NonNullable<ReturnType<typeof testPostgresDatabase>>;
  let queue: JobQueue;
  const handlers: Record<string, JobHandler> = {};

  beforeEach(async () => {
    target = testPostgresDatabase() as NonNullable<ReturnType<typeof testPostgresDatabase>>;
    database = await openDatabase(target.url);
    const { connectionString, schemaName } = parsePostgresUrl(target.url);
    for (const kind of Object.keys(handlers)) delete handlers[kind];
    queue = createPgBossQueue({
      connectionString,
      schema: `${schemaName}_boss`,
      database,
      handlers,
      logger: pino({ level: 'silent' }),
      concurrency: 2,
      leaseMs: 30_000,
      retryBaseMs: 1_000,
      pollMs: 500,
      maintenanceMs: 5_000,
    });
  });
  afterEach(async () => {
    await queue.stop();
    await database.close();
    await target.drop();
  });

  const keys = () => createApiKeysRepository(database);
  /** A commit with a visible effect: an API key row named after the job's subject. */
  const insertKey = (ref: string) => () =>
    keys().insert({ id: ref, role: 'client', name: null, prefix: ref, keyHash: ref, createdAt: new Date() });
  const finished = (count: number) =>
    new Promise<string[]>((resolve) => {
      const refs: string[] = [];
      queue.events.on('finished', (ref: string) => {
        refs.push(ref);
        if (refs.length === count) resolve(refs);
      });
    });

  it('enqueues inside the caller transaction: a rolled-back change leaves no job behind', async () => {
    const runs: string[] = [];
    handlers.test = {
      async run(job) {
        runs.push(job.subjectRef);
        return insertKey(job.subjectRef);
      },
      async onFailed() {},
    };
    await expect(
      database.transaction(async () => {
        await queue.enqueue({ kind: 'test', subjectRef: 'rolled-back', maxAttempts: 1 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await database.transaction(() => queue.enqueue({ kind: 'test', subjectRef: 'kept', maxAttempts: 1 }));
    expect(await queue.waiting('test')).toBe(1);

    const done = finished(1);
    await queue.start();
    expect(await done).toEqual(['kept']);
    expect(runs).toEqual(['kept']);
    expect(await keys().countActive()).toBe(1);
    // pg-boss marks the job completed just after the handler returns.
    await expect.poll(async () => (await queue.counts()).succeeded).toBe(1);
  });

  it('retries a transient failure, then commits once', async () => {
    const attempts: QueuedJob[] = [];
    handlers.test = {
      async run(job) {
        attempts.push(job);
        if (job.attempts === 1) throw new Error('the OCR worker crashed');
        return insertKey(job.subjectRef);
      },
      async onFailed() {
        throw new Error('must not fail for good');
      },
    };
    await queue.enqueue({ kind: 'test', subjectRef: 'flaky', maxAttempts: 3 });
    const done = finished(1);
    await queue.start();
    await done;
    expect(attempts.map((a) => [a.attempts, a.maxAttempts])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(await keys().countActive()).toBe(1);
  });

  it('records a permanent failure once, without retrying it', async () => {
    const failures: { ref: string; code: string }[] = [];
    let runs = 0;
    handlers.test = {
      async run() {
        runs += 1;
        throw new PermanentJobError('the original is gone', 'BLOB_MISSING');
      },
      async onFailed(job, error) {
        failures.push({ ref: job.subjectRef, code: error.code });
        await insertKey(`failed-${job.subjectRef}`)();
      },
    };
    await queue.enqueue({ kind: 'test', subjectRef: 'gone', maxAttempts: 5 });
    const done = finished(1);
    await queue.start();
    await done;
    // Give a wrong retry the time to show up.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(runs).toBe(1);
    expect(failures).toEqual([{ ref: 'gone', code: 'BLOB_MISSING' }]);
    expect(await keys().countActive()).toBe(1);
  });
});
