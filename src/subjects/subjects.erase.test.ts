import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpRows } from '../../test/support/db-rows.js';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { verifyAuditChain } from '../audit/audit.usecases.js';

const NAME = '司马懿';
const ID_NUMBER = '320102199001011234';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

async function putBlob(text: string) {
  const bytes = Buffer.from(text);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const key = await t.services.blobs.put(sha256, bytes);
  return { key, sha256, mime: 'image/jpeg', bytes: bytes.length };
}

function seedPersonal(
  subjectId: string,
  blob: Awaited<ReturnType<typeof putBlob>>,
  options: { processing?: boolean } = {},
) {
  return seedVerification(t.services, {
    ...options,
    subjectId,
    documentType: 'graduation_certificate',
    applicant: { name: NAME, idNumber: ID_NUMBER },
    fields: { name: NAME, idNumber: ID_NUMBER },
    evidence: { name: { text: NAME, box: [1, 2, 3, 4], confidence: 0.9, source: 'rules' } },
    reasons: [
      { code: 'DATE_IMPLAUSIBLE', severity: 'hard', field: 'birthDate', message: `${ID_NUMBER} says 1990` },
    ],
    blob,
  });
}

const sqliteFile = () => path.join(t.dataDir, 'docverify.sqlite');

describe('DELETE /v1/subjects/{subjectId}', () => {
  it("erases the subject's personal data and unshared originals, keeps anonymised verdicts and a valid audit chain", async () => {
    const own = await putBlob('only this subject');
    const shared = await putBlob('shared with another subject');
    const first = await seedPersonal('subj-erase', own);
    const second = await seedPersonal('subj-erase', shared);
    const other = await seedVerification(t.services, {
      subjectId: 'subj-keep',
      documentType: 'cet_score_report',
      blob: shared,
    });
    const revoke = await t.app.request(`/v1/verifications/${first}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'applicant_request', note: `${NAME} asked, ID ${ID_NUMBER}` }),
    });
    expect(revoke.status).toBe(200);

    const { db, tables } = t.services.database;
    const v = tables.verificationsTable;
    const sealedBefore: Record<string, string | null>[] = await t.services.database.exclusive(async () =>
      db
        .select({ a: v.applicantSealed, h: v.applicantIdHash, r: v.resultSealed, n: v.revocationNoteSealed })
        .from(v)
        .where(eq(v.subjectId, 'subj-erase')),
    );
    const secrets = sealedBefore.flatMap((row) => Object.values(row)).filter((v): v is string => !!v);
    expect(secrets.length).toBeGreaterThanOrEqual(7);

    const res = await t.app.request('/v1/subjects/subj-erase', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subjectId: 'subj-erase', verificationsErased: 2, blobsDeleted: 1 });

    const read = await t.app.request(`/v1/verifications/${first}`, { headers: t.auth('reviewer') });
    const body = (await read.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      fields: null,
      evidence: null,
      verdict: 'verified',
      documentType: 'graduation_certificate',
      reasons: [
        { code: 'DATE_IMPLAUSIBLE', field: 'birthDate', severity: 'hard', message: 'DATE_IMPLAUSIBLE' },
      ],
      revocation: { reason: 'applicant_request' },
    });
    const erased = await t.services.verifications.findById(second);
    expect(erased?.applicant).toBeNull();
    expect(erased?.blobKey).toBeNull();
    expect(erased?.erasedAt).toBeInstanceOf(Date);

    // The unshared original is gone; the one another subject still uses stays.
    expect(await t.services.blobs.has(own.key)).toBe(false);
    expect(await t.services.blobs.has(shared.key)).toBe(true);
    expect((await t.services.verifications.findById(other))?.blobKey).toBe(shared.key);

    expect(await verifyAuditChain(t.services)).toEqual({ ok: true, records: expect.any(Number) });
    const records = [];
    for await (const record of t.services.audit.iterateAll()) records.push(record);
    const erasure = records.find((r) => r.action === 'subject.erased');
    expect(erasure).toMatchObject({
      entityType: 'subject',
      entityId: 'subj-erase',
      actor: { type: 'key', role: 'admin' },
      after: { verificationsErased: 2, blobsReleased: 2 },
    });

    // No trace of the name, the ID number or their sealed forms in the rows or (SQLite) the raw file.
    const rows = await dumpRows(t.services);
    let raw = '';
    if (t.services.database.dialect === 'sqlite') {
      const checkpoint = new Database(sqliteFile());
      checkpoint.pragma('wal_checkpoint(TRUNCATE)');
      checkpoint.close();
      raw = [sqliteFile(), `${sqliteFile()}-wal`]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('');
      expect(raw.length).toBeGreaterThan(0);
    }
    for (const needle of [NAME, ID_NUMBER, ...secrets]) {
      expect(rows).not.toContain(needle);
      expect(raw).not.toContain(Buffer.from(needle).toString('latin1'));
    }
  });

  it('a verdict that arrives after the erasure (the document was being read) keeps no personal data', async () => {
    const id = await seedPersonal('subj-late', await putBlob('being read'), { processing: true });
    await t.app.request('/v1/subjects/subj-late', { method: 'DELETE', headers: t.auth('admin') });
    const written = await t.services.verifications.complete(
      id,
      {
        documentType: 'graduation_certificate',
        fields: { name: NAME, idNumber: ID_NUMBER },
        evidence: {},
        verdict: 'rejected',
        confidence: 0.9,
        reasons: [
          {
            code: 'APPLICANT_NAME_MISMATCH',
            severity: 'hard',
            field: 'name',
            message: `${NAME} is not 张三`,
          },
        ],
        versions: {},
        timingsMs: {},
        perceptualHash: 'ffff0000ffff0000',
        documentKey: `graduation_certificate:${ID_NUMBER}`,
      },
      t.services.clock.now(),
    );
    expect(written).toBe(true);
    const late = await t.services.verifications.findById(id);
    expect(late?.outcome?.verdict).toBe('rejected');
    expect(late?.outcome?.fields).toEqual({});
    expect(late?.outcome?.reasons).toEqual([
      {
        code: 'APPLICANT_NAME_MISMATCH',
        severity: 'hard',
        field: 'name',
        message: 'APPLICANT_NAME_MISMATCH',
      },
    ]);
    expect(await dumpRows(t.services)).not.toContain(NAME);
  });

  it('is idempotent and needs the admin role', async () => {
    await seedPersonal('subj-twice', await putBlob('twice'));
    for (const role of ['client', 'engine', 'reviewer'] as const) {
      const res = await t.app.request('/v1/subjects/subj-twice', { method: 'DELETE', headers: t.auth(role) });
      expect(res.status).toBe(403);
    }
    const first = await t.app.request('/v1/subjects/subj-twice', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(await first.json()).toMatchObject({ verificationsErased: 1, blobsDeleted: 1 });
    const again = await t.app.request('/v1/subjects/subj-twice', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ blobsDeleted: 0 });
    expect((await verifyAuditChain(t.services)).ok).toBe(true);
  });
});
