import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { verifyAuditChain } from '../audit/audit.usecases.js';
import { sweepBlobs } from './retention.usecases.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let t: TestApp;
let now: Date;
beforeEach(async () => {
  now = new Date();
  t = await createTestApp({ overrides: { clock: { now: () => now } } });
});
afterEach(() => t.close());

async function blob(text: string, modifiedAt?: Date) {
  const bytes = Buffer.from(text);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const key = await t.services.blobs.put(sha256, bytes);
  if (modifiedAt) {
    fs.utimesSync(path.join(t.config.blobDir, key.slice(0, 2), key), modifiedAt, modifiedAt);
  }
  return { key, sha256, mime: 'image/jpeg', bytes: bytes.length };
}

const seed = (b: Awaited<ReturnType<typeof blob>>, completedDaysAgo: number) =>
  seedVerification(t.services, {
    subjectId: `subj-${completedDaysAgo}`,
    documentType: 'cet_score_report',
    blob: b,
    completedAt: new Date(now.getTime() - completedDaysAgo * DAY),
  });

const sweep = () => sweepBlobs({ ...t.services, retentionDays: t.config.retention.imageDays });

describe('blob sweeper', () => {
  it('deletes originals past the retention (verdicts stay) and strays older than an hour', async () => {
    expect(t.config.retention.imageDays).toBe(30);
    const old = await blob('old original');
    const recent = await blob('recent original');
    const shared = await blob('old and recent share it');
    const oldId = await seed(old, 31);
    const recentId = await seed(recent, 29);
    const sharedOld = await seed(shared, 40);
    const sharedRecent = await seed(shared, 1);
    const stray = await blob('crash before the row', new Date(now.getTime() - 2 * HOUR));
    const fresh = await blob('upload in flight', new Date(now.getTime() - 10 * 60_000));

    expect(await sweep()).toEqual({ expired: 2, strays: 1 });

    expect(await t.services.blobs.has(old.key)).toBe(false);
    expect(await t.services.blobs.has(recent.key)).toBe(true);
    expect(await t.services.blobs.has(shared.key)).toBe(true);
    expect(await t.services.blobs.has(stray.key)).toBe(false);
    expect(await t.services.blobs.has(fresh.key)).toBe(true);
    const swept = await t.services.verifications.findById(oldId);
    expect(swept?.blobKey).toBeNull();
    expect(swept?.outcome?.verdict).toBe('verified');
    expect((await t.services.verifications.findById(sharedOld))?.blobKey).toBeNull();
    expect((await t.services.verifications.findById(sharedRecent))?.blobKey).toBe(shared.key);
    expect((await t.services.verifications.findById(recentId))?.blobKey).toBe(recent.key);

    // Two days later the recent one has expired too; the fresh stray is now over an hour old.
    now = new Date(now.getTime() + 2 * DAY);
    fs.utimesSync(
      path.join(t.config.blobDir, fresh.key.slice(0, 2), fresh.key),
      new Date(now.getTime() - 2 * HOUR),
      new Date(now.getTime() - 2 * HOUR),
    );
    expect(await sweep()).toEqual({ expired: 1, strays: 1 });
    expect(await t.services.blobs.has(recent.key)).toBe(false);
    expect(await t.services.blobs.has(fresh.key)).toBe(false);
    expect(await sweep()).toEqual({ expired: 0, strays: 0 });

    const deleted = [];
    for await (const r of t.services.audit.iterateAll()) {
      if (r.action === 'verification.image_deleted') deleted.push(r);
    }
    expect(deleted.map((r) => r.entityId).sort()).toEqual([oldId, recentId, sharedOld].sort());
    expect((await verifyAuditChain(t.services)).ok).toBe(true);
  });

  it('re-storing an existing blob makes it fresh, so a stray being re-uploaded is not swept', async () => {
    const stray = await blob('same bytes again', new Date(now.getTime() - 2 * HOUR));
    await blob('same bytes again');
    expect(await sweep()).toEqual({ expired: 0, strays: 0 });
    expect(await t.services.blobs.has(stray.key)).toBe(true);
  });

  it('`docverify sweep` runs one pass from the command line', async () => {
    const stray = await blob('left by a crash', new Date(Date.now() - 2 * HOUR));
    const bin = path.resolve(import.meta.dirname, '../../bin/docverify.mjs');
    const out = execFileSync(process.execPath, [bin, 'sweep'], {
      env: { ...process.env, DATA_DIR: t.dataDir, LOG_LEVEL: 'silent', OCR_POOL_SIZE: '1' },
    }).toString();
    expect(out).toBe('swept: 0 expired originals, 1 stray blobs\n');
    expect(await t.services.blobs.has(stray.key)).toBe(false);
  });
});
