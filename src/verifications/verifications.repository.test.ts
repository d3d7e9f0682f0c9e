import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../test/support/databases.js';
import type { DatabaseHandle } from '../db/database.js';
import { createSealer, parseKey } from '../privacy/sealer.js';
import type { VerificationOutcome } from './verifications.models.js';
import { createVerificationsRepository, type VerificationsRepository } from './verifications.repository.js';

/**
 * The verdict is written once: a retried job whose first worker was only slow (or died after
 * committing) must not write a second verdict. On SQLite and, with TEST_DATABASE_URL, PostgreSQL.
 */

const outcome = (verdict: VerificationOutcome['verdict']): VerificationOutcome => ({
  documentType: 'cet_score_report',
  fields: { name: '张伟' },
  evidence: {},
  verdict,
  confidence: 0.9,
  reasons: [],
  versions: { pipeline: 'test' },
  timingsMs: { total: 1 },
  perceptualHash: null,
  documentKey: null,
});

describe.each(databaseTargets)('verifications repository on $name', ({ open, skip }) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let verifications: VerificationsRepository;
  beforeEach(async (context) => {
    if (skip) context.skip();
    ({ database, drop } = await open());
    verifications = createVerificationsRepository(
      database,
      createSealer([parseKey('a'.repeat(64))], { blindIndexKey: parseKey('b'.repeat(64)) }),
    );
    const now = new Date();
    await verifications.insert({
      id: 'ver_1',
      subjectId: 'u-1',
      clientKeyId: 'key_1',
      idempotencyKey: null,
      status: 'queued',
      documentTypeHint: null,
      applicant: { name: '张伟', idNumber: '11010519491231002X' },
      fileSha256: '0'.repeat(64),
      fileMime: 'image/jpeg',
      fileBytes: 10,
      blobKey: null,
      createdAt: now,
      updatedAt: now,
    });
  });
  afterEach(async () => {
    if (skip) return;
    await database.close();
    await drop();
  });

  it('stores the first verdict and refuses a second one', async () => {
    expect(await verifications.complete('ver_1', outcome('verified'), new Date())).toBe(true);
    expect(await verifications.complete('ver_1', outcome('rejected'), new Date())).toBe(false);
    expect(await verifications.markFailed('ver_1', 'PROCESSING_FAILED', new Date())).toBe(false);
    const stored = await verifications.findById('ver_1');
    expect(stored?.status).toBe('completed');
    expect(stored?.outcome?.verdict).toBe('verified');
    expect(stored?.outcome?.fields).toEqual({ name: '张伟' });
  });

  it('records a failure once, and no verdict after it', async () => {
    expect(await verifications.markFailed('ver_1', 'BLOB_MISSING', new Date())).toBe(true);
    expect(await verifications.complete('ver_1', outcome('verified'), new Date())).toBe(false);
    expect((await verifications.findById('ver_1'))?.failureCode).toBe('BLOB_MISSING');
  });

  it('keeps a verdict but not the data when the subject was erased while it was read', async () => {
    await verifications.eraseSubject('u-1', new Date());
    expect(await verifications.complete('ver_1', outcome('verified'), new Date())).toBe(true);
    const stored = await verifications.findById('ver_1');
    expect(stored?.outcome?.verdict).toBe('verified');
    expect(stored?.outcome?.fields).toEqual({});
    expect(stored?.applicant).toBeNull();
  });
});
