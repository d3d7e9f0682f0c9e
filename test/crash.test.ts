import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../scripts/fixtures/rng.js';
import { openBlob } from '../src/blobs/sealed-blob-format.js';
import { createSealer, parseKey } from '../src/privacy/sealer.js';
import { STRAY_GRACE_MS } from '../src/retention/retention.usecases.js';
import {
  bearer,
  createKeyVia,
  listSubjectVerifications,
  locationId,
  uploadDocument,
  waitUntilFinal,
} from './support/api-client.js';
import { makeTextPng, stampPng } from './support/images.js';
import {
  bootstrapAdminKey,
  runCli,
  type ServerProcess,
  startServerProcess,
} from './support/server-process.js';
import {
  signedWith,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from './support/webhook-receiver.js';

/**
 * kill -9 at a seeded random moment, then a restart on the same data folder. The documents are
 * small over-exposed PNGs (each with its own bytes): the quality gate answers needs_retake
 * without OCR, so the tests spend their time on crashing and recovering, not on reading.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every blob file under the folder (whatever the store's fan-out), and the temp files a write left. */
function blobFiles(blobDir: string) {
  const files = fs.existsSync(blobDir)
    ? (fs.readdirSync(blobDir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((d) => d.isFile())
        .map((d) => path.join(d.parentPath, d.name))
    : [];
  return {
    blobs: new Map(
      files.filter((f) => /^[0-9a-f]{64}$/.test(path.basename(f))).map((f) => [path.basename(f), f]),
    ),
    temps: files.filter((f) => !/^[0-9a-f]{64}$/.test(path.basename(f))),
  };
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

function readDb<T>(dataDir: string, sql: string): T[] {
  const db = new Database(path.join(dataDir, 'docverify.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('crash: kill -9 at a random moment loses nothing accepted and leaves nothing half-stored', () => {
  const servers: ServerProcess[] = [];
  let dataDir = '';
  let receiver: WebhookReceiver | null = null;
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.kill9();
    await receiver?.close();
    receiver = null;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>) => {
    const server = await startServerProcess(env);
    servers.push(server);
    return server;
  };
  /** A fresh data folder and the settings both servers on it run with. */
  const crashEnv = (name: string, settings: Record<string, string>) => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `docverify-crash-${name}-`));
    return {
      DATA_DIR: dataDir,
      OCR_POOL_SIZE: '1',
      // The killed server's running jobs are taken over soon after the restart.
      JOB_LEASE_MS: '2000',
      BLOB_SWEEP_INTERVAL_MINUTES: '0',
      ...settings,
    };
  };

  it('during concurrent uploads: every acknowledged upload reaches one verdict; no orphan blob, no row without blob or job', async () => {
    const rng = new Rng('crash-uploads-1');
    const env = crashEnv('uploads', { JOB_CONCURRENCY: '2', RATE_LIMIT_PER_KEY_PER_MINUTE: '100000' });
    const first = await start(env);
    const clientKey = await createKeyVia(first.baseUrl, bootstrapAdminKey(first), 'client');
    const png = await makeTextPng('crash test');

    interface Attempt {
      subjectId: string;
      status: number | null;
      id: string | null;
    }
    const attempts: Attempt[] = [];
    let killed = false;
    const uploader = async () => {
      while (!killed) {
        const n = attempts.length;
        const attempt: Attempt = { subjectId: `crash-${n}`, status: null, id: null };
        attempts.push(attempt);
        try {
          const res = await uploadDocument(first.baseUrl, clientKey, {
            bytes: stampPng(png, `upload ${n}`),
            subjectId: attempt.subjectId,
            filename: 'photo.png',
            idempotencyKey: `crash-${n}`,
          });
          attempt.status = res.status;
          attempt.id = locationId(res);
          await res.body?.cancel();
        } catch {
          // No answer: the server died with this upload in flight (or before it connected).
        }
      }
    };
    const uploaders = Array.from({ length: 8 }, uploader);
    await waitFor(
      () => attempts.filter((a) => a.status !== null).length,
      (answered) => answered >= 3,
      60_000,
    );
    await sleep(rng.int(0, 800));
    killed = true;
    await first.kill9();
    await Promise.all(uploaders);

    const acknowledged = attempts.filter((a) => a.status !== null);
    const unanswered = attempts.filter((a) => a.status === null);
    expect(acknowledged.map((a) => a.status)).toEqual(acknowledged.map(() => 202));
    expect(unanswered.length).toBeGreaterThan(0);
    const crashed = blobFiles(path.join(dataDir, 'blobs'));

    const second = await start(env);
    const finals = await waitUntilFinal(
      second.baseUrl,
      clientKey,
      acknowledged.map((a) => String(a.id)),
      90_000,
    );
    for (const a of acknowledged) expect(finals.get(String(a.id))).toMatchObject({ status: 'completed' });
    // An upload without an answer may have been stored (then it is processed like any other) or not.
    const storedUnanswered = [];
    for (const a of unanswered) {
      const found = await listSubjectVerifications(second.baseUrl, clientKey, a.subjectId);
      expect(found.length).toBeLessThanOrEqual(1);
      storedUnanswered.push(...found.map((v) => v.id));
    }
    await waitUntilFinal(second.baseUrl, clientKey, storedUnanswered, 90_000);
    await second.stop();

    const rows = readDb<{
      id: string;
      status: string;
      verdict: string | null;
      blobKey: string | null;
      fileSha256: string;
      jobs: number;
      succeeded: number;
      completions: number;
    }>(
      dataDir,
      `select v.id, v.status, v.verdict, v.blob_key as blobKey, v.file_sha256 as fileSha256,
         (select count(*) from jobs j where j.subject_ref = v.id) as jobs,
         (select count(*) from jobs j where j.subject_ref = v.id and j.status = 'succeeded') as succeeded,
         (select count(*) from audit_records a where a.entity_id = v.id and a.action = 'verification.completed') as completions
       from verifications v`,
    );
    expect(rows).toHaveLength(acknowledged.length + storedUnanswered.length);
    const before = blobFiles(path.join(dataDir, 'blobs'));
    const sealer = createSealer([
      parseKey(fs.readFileSync(path.join(dataDir, 'secrets/data-encryption.key'), 'utf8')),
    ]);
    for (const row of rows) {
      // One job, run to success once, one verdict: a job killed mid-run was taken over, not doubled.
      expect(row).toMatchObject({ status: 'completed', jobs: 1, succeeded: 1, completions: 1 });
      expect(row.verdict).not.toBeNull();
      // The blob is whole: it opens (every chunk authenticates) to bytes that hash to its name.
      const file = before.blobs.get(String(row.blobKey));
      expect(file, `blob of ${row.id}`).toBeDefined();
      const original = await openBlob(fs.readFileSync(String(file)), String(row.blobKey), sealer);
      expect(sha256(original)).toBe(row.fileSha256);
    }

    // The sweeper, once the grace period has passed, removes exactly the blobs no row references
    // (an upload killed between its blob write and its row insert) and nothing else.
    const referenced = new Set(rows.map((r) => r.blobKey));
    const strays = [...before.blobs.keys()].filter((key) => !referenced.has(key));
    const past = new Date(Date.now() - STRAY_GRACE_MS - 60_000);
    // A write cut short stays a temp file of the killed process, never a blob under its final name.
    expect(before.temps).toEqual(crashed.temps);
    for (const temp of before.temps) {
      expect(path.basename(temp)).toMatch(
        new RegExp(`^[0-9a-f]{64}\\.${first.child.pid}\\.[0-9a-f]+\\.tmp$`),
      );
    }
    for (const file of [...before.blobs.values(), ...before.temps]) fs.utimesSync(file, past, past);
    const { stdout } = await runCli(['sweep'], { DATA_DIR: dataDir });
    // Stray blobs and half-written temp files past the grace period both go.
    expect(stdout).toContain(
      `swept: 0 expired originals, ${strays.length + before.temps.length} stray blobs`,
    );
    const after = blobFiles(path.join(dataDir, 'blobs'));
    expect([...after.blobs.keys()].sort()).toEqual([...referenced].sort());
    expect(after.temps).toEqual([]);
  });

  it('during webhook deliveries: every verdict event is delivered after the restart, same id, valid signature', async () => {
    const rng = new Rng('crash-webhooks-1');
    const env = crashEnv('webhooks', {
      // Deliveries and verifications share the runner: room for several slow deliveries at once.
      JOB_CONCURRENCY: '4',
      WEBHOOK_TIMEOUT_MS: '10000',
      WEBHOOK_RETRY_BASE_MS: '200',
      // The receiver listens on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    });
    const receiverDelayMs = 3000;
    receiver = await startWebhookReceiver(() => 200, { delayMs: receiverDelayMs });
    const first = await start(env);
    const adminKey = bootstrapAdminKey(first);
    const clientKey = await createKeyVia(first.baseUrl, adminKey, 'client');
    const registered = await fetch(`${first.baseUrl}/v1/admin/webhooks`, {
      method: 'POST',
      headers: { ...bearer(adminKey), 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, eventTypes: ['verification.completed'] }),
    });
    expect(registered.status).toBe(201);
    const { secret } = (await registered.json()) as { secret: string };

    const png = await makeTextPng('webhook crash test');
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) {
      const res = await uploadDocument(first.baseUrl, clientKey, {
        bytes: stampPng(png, `webhook ${n}`),
        subjectId: `crash-hook-${n}`,
        filename: 'photo.png',
      });
      expect(res.status).toBe(202);
      ids.push(String(locationId(res)));
      await res.body?.cancel();
    }
    // The first delivery is waiting on the slow receiver; kill well before it answers.
    await waitFor(
      () => receiver?.received.length ?? 0,
      (n) => n >= 1,
      60_000,
    );
    await sleep(rng.int(0, receiverDelayMs / 2));
    const killedAt = Date.now();
    await first.kill9();
    const inFlight = receiver.received.filter((r) => r.answeredAt === null || r.answeredAt >= killedAt);
    expect(inFlight.length).toBeGreaterThan(0);

    const restartedAt = Date.now();
    const second = await start(env);
    await waitUntilFinal(second.baseUrl, clientKey, ids, 90_000);
    const eventIds = readDb<{ id: string; verificationId: string }>(
      dataDir,
      "select id, verification_id as verificationId from webhook_events where type = 'verification.completed'",
    );
    // One verdict, one event: a verification job killed mid-run published nothing twice.
    expect(eventIds.map((e) => e.verificationId).sort()).toEqual([...ids].sort());
    const deliveries = async () => {
      const statuses: string[] = [];
      for (const event of eventIds) {
        const res = await fetch(`${second.baseUrl}/v1/admin/webhooks/events/${event.id}`, {
          headers: bearer(adminKey),
        });
        const body = (await res.json()) as { deliveries: { status: string }[] };
        statuses.push(...body.deliveries.map((d) => d.status));
      }
      return statuses;
    };
    expect(
      await waitFor(deliveries, (s) => s.every((status) => status === 'delivered'), 90_000),
    ).toHaveLength(ids.length);
    await second.stop();

    const received = receiver.received;
    for (const r of received) {
      const body = JSON.parse(r.body) as { id: string; data: { verificationId: string } };
      expect(r.headers['webhook-id']).toBe(body.id);
      expect(signedWith(r, secret)).toBe(true);
    }
    // Receivers deduplicate on the id: every copy of an event carries the same id and body.
    const byId = new Map<string, typeof received>();
    for (const r of received) {
      const id = String(r.headers['webhook-id']);
      byId.set(id, [...(byId.get(id) ?? []), r]);
    }
    expect([...byId.keys()].sort()).toEqual(eventIds.map((e) => e.id).sort());
    for (const copies of byId.values()) expect(new Set(copies.map((c) => c.body)).size).toBe(1);
    // What was in flight when the server died was sent again after the restart.
    for (const lost of inFlight) {
      const again = byId.get(String(lost.headers['webhook-id'])) ?? [];
      expect(again.some((r) => r.receivedAt >= restartedAt && r.answer === 200)).toBe(true);
    }
  });
});
