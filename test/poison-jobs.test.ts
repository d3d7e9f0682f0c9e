import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bearer,
  createKeyVia,
  listSubjectVerifications,
  locationId,
  uploadDocument,
  waitUntilFinal,
} from './support/api-client.js';
import { makeTextPng } from './support/images.js';
import { bootstrapAdminKey, type ServerProcess, startServerProcess } from './support/server-process.js';
import { testPostgresDatabase } from './support/test-services.js';
import { startWebhookReceiver, type WebhookReceiver, waitFor } from './support/webhook-receiver.js';

/**
 * A job that takes its process down with it (here: a test server whose pipeline kills itself; in
 * life a native crash or an out-of-memory kill) must not be taken again after every restart. With
 * JOB_MAX_ATTEMPTS=2 it runs twice, and the third start records the verification as failed.
 */

const crashingServer = path.join(import.meta.dirname, 'support/crashing-server.ts');

describe('poison-pill jobs: a job that crashes its process ends failed after JOB_MAX_ATTEMPTS', () => {
  const servers: ServerProcess[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  let receiver: WebhookReceiver | null = null;
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.kill9();
    await receiver?.close();
    receiver = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** Starts the crashing server; null when it died before it even listened (a job killed it). */
  const start = async (env: Record<string, string>) => {
    try {
      const server = await startServerProcess(env, { entry: crashingServer });
      servers.push(server);
      return server;
    } catch (error) {
      if (String(error).includes('before it listened')) return null;
      throw error;
    }
  };

  async function crashLoop(settings: Record<string, string>) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-poison-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      DATA_DIR: dataDir,
      OCR_POOL_SIZE: '1',
      JOB_MAX_ATTEMPTS: '2',
      // the webhook receiver below listens on 127.0.0.1
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      ...settings,
    };
    receiver = await startWebhookReceiver();

    const first = await start(env);
    if (!first) throw new Error('the first server died before it listened');
    const adminKey = bootstrapAdminKey(first);
    const clientKey = await createKeyVia(first.baseUrl, adminKey, 'client');
    const reviewerKey = await createKeyVia(first.baseUrl, adminKey, 'reviewer');
    const registered = await fetch(`${first.baseUrl}/v1/admin/webhooks`, {
      method: 'POST',
      headers: { ...bearer(adminKey), 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, eventTypes: ['verification.failed'] }),
    });
    expect(registered.status).toBe(201);
    const uploaded = await uploadDocument(first.baseUrl, clientKey, {
      bytes: await makeTextPng('poison pill'),
      subjectId: 'poison-1',
      filename: 'photo.png',
      idempotencyKey: 'poison-1',
    }).catch(() => null);
    let id = uploaded ? locationId(uploaded) : null;
    // Attempt 1 kills the first server.
    await first.exited;

    // Attempt 2: the restarted server takes the job over once its lease has lapsed, and dies too.
    const second = await start(env);
    await second?.exited;

    // The third start finds the job claimed as often as it may be: it fails it instead of running it.
    const third = await start(env);
    if (!third)
      throw new Error(
        `the third server died too:\n${fs.readFileSync(path.join(dataDir, 'crashes.log'), 'utf8')}`,
      );
    id ??= (await listSubjectVerifications(third.baseUrl, clientKey, 'poison-1'))[0]?.id ?? null;
    if (!id) throw new Error('the upload was not stored');
    await waitUntilFinal(third.baseUrl, clientKey, [id], 60_000);
    const result = (await (
      await fetch(`${third.baseUrl}/v1/verifications/${id}`, { headers: bearer(clientKey) })
    ).json()) as { status: string; verdict: string | null; failure: { code: string } | null };
    expect(result).toMatchObject({
      status: 'failed',
      verdict: null,
      failure: { code: 'PROCESSING_INTERRUPTED' },
    });

    // Run exactly JOB_MAX_ATTEMPTS times, not once per restart.
    const runs = fs.readFileSync(path.join(dataDir, 'crashes.log'), 'utf8').trim().split('\n');
    expect(runs).toEqual([id, id]);
    expect(third.child.exitCode).toBeNull();

    // Finalised like any other failure: an audit record and the verification.failed event.
    const audit = (await (
      await fetch(`${third.baseUrl}/v1/verifications/${id}/audit`, { headers: bearer(reviewerKey) })
    ).json()) as { items: { action: string; after: { failureCode?: string } | null }[] };
    const changes = audit.items.filter((r) => r.action.startsWith('verification.'));
    expect(changes.map((r) => r.action)).toEqual(['verification.created', 'verification.failed']);
    expect(changes[1]?.after?.failureCode).toBe('PROCESSING_INTERRUPTED');
    const events = await waitFor(
      () => receiver?.acknowledged() ?? [],
      (acknowledged) => acknowledged.length >= 1,
      60_000,
    );
    const event = JSON.parse(events[0]?.body ?? '{}') as {
      type: string;
      data: { verificationId: string; failure: { code: string } };
    };
    expect(event).toMatchObject({
      type: 'verification.failed',
      data: { verificationId: id, failure: { code: 'PROCESSING_INTERRUPTED' } },
    });
    return { id, dataDir, third };
  }

  it('table queue (SQLite): two crashes, then failed with PROCESSING_INTERRUPTED', async () => {
    const { id, dataDir, third } = await crashLoop({ JOB_LEASE_MS: '1000', JOB_POLL_MS: '200' });
    await third.stop();
    const db = new Database(path.join(dataDir, 'docverify.sqlite'), { readonly: true });
    try {
      const job = db
        .prepare(
          "select status, attempts, last_error as lastError from jobs where kind = 'verification.process' and subject_ref = ?",
        )
        .get(id) as { status: string; attempts: number; lastError: string };
      expect(job).toMatchObject({ status: 'failed', attempts: 2 });
      expect(job.lastError).toContain('interrupted in each of its 2 attempts');
    } finally {
      db.close();
    }
  });

  it.skipIf(!testPostgresDatabase())(
    'pg-boss (PostgreSQL): two crashes, then failed with PROCESSING_INTERRUPTED',
    async () => {
      const database = testPostgresDatabase();
      if (!database) return;
      cleanups.push(() => database.drop());
      await crashLoop({
        DATABASE_URL: database.url,
        API_RUNS_JOBS: 'true',
        // pg-boss expires an active job after the lease and retries it after the retry delay.
        JOB_LEASE_MS: '1000',
        JOB_RETRY_BASE_MS: '1000',
        JOB_MAINTENANCE_SECONDS: '1',
        JOB_POLL_MS: '200',
      });
    },
  );
});
