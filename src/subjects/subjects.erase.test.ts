import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

function seedPersonal(subjectId: string, blob: Awaited<ReturnType<typeof putBlob>>) {
  return seedVerification(t.services, {
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

/** Every cell of every table, as text. */
function dumpRows(): string {
  const db = new Database(sqliteFile(), { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
      name: string;
    }[];
    return tables.map(({ name }) => JSON.stringify(db.prepare(`select * from "${name}"`).all())).join('\n');
  } finally {
    db.close();
  }
}

describe('DELETE /v1/subjects/{subjectId}', () => {
  it("erases the subject's personal data and unshared originals, keeps anonymised verdicts and a valid audit chain", async () => {
    const own = await putBlob('only this subject');
    const shared = await putBlob('shared with another subject');
    const first = seedPersonal('subj-erase', own);
    const second = seedPersonal('subj-erase', shared);
    const other = seedVerification(t.services, {
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

    const db = new Database(sqliteFile(), { readonly: true });
    const sealedBefore = db
      .prepare(
        'select applicant_sealed a, applicant_id_hash h, result_sealed r, revocation_note_sealed n from verifications where subject_id = ?',
      )
      .all('subj-erase') as Record<string, string | null>[];
    db.close();
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
    const erased = t.services.verifications.findById(second);
    expect(erased?.applicant).toBeNull();
    expect(erased?.blobKey).toBeNull();
    expect(erased?.erasedAt).toBeInstanceOf(Date);

    // The unshared original is gone; the one another subject still uses stays.
    expect(await t.services.blobs.has(own.key)).toBe(false);
    expect(await t.services.blobs.has(shared.key)).toBe(true);
    expect(t.services.verifications.findById(other)?.blobKey).toBe(shared.key);

    expect(verifyAuditChain(t.services)).toEqual({ ok: true, records: expect.any(Number) });
    const records = [...t.services.audit.iterateAll()];
    const erasure = records.find((r) => r.action === 'subject.erased');
    expect(erasure).toMatchObject({
      entityType: 'subject',
      entityId: 'subj-erase',
      actor: { type: 'key', role: 'admin' },
      after: { verificationsErased: 2, blobsReleased: 2 },
    });

    // No trace of the name, the ID number or their sealed forms in the rows or the raw file.
    const rows = dumpRows();
    const checkpoint = new Database(sqliteFile());
    checkpoint.pragma('wal_checkpoint(TRUNCATE)');
    checkpoint.close();
    const raw = [sqliteFile(), `${sqliteFile()}-wal`]
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString('latin1'))
      .join('');
    for (const needle of [NAME, ID_NUMBER, ...secrets]) {
      expect(rows).not.toContain(needle);
      expect(raw).not.toContain(Buffer.from(needle).toString('latin1'));
    }
  });

  it('a verdict that arrives after the erasure (the document was being read) keeps no personal data', async () => {
    const id = seedPersonal('subj-late', await putBlob('being read'));
    await t.app.request('/v1/subjects/subj-late', { method: 'DELETE', headers: t.auth('admin') });
    t.services.verifications.complete(
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
    const late = t.services.verifications.findById(id);
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
    expect(dumpRows()).not.toContain(NAME);
  });

  it('is idempotent and needs the admin role', async () => {
    seedPersonal('subj-twice', await putBlob('twice'));
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
    expect(verifyAuditChain(t.services).ok).toBe(true);
  });
});
