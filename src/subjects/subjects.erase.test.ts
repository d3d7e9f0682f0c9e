import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpRows } from '../../test/support/db-rows.js';
import { makeTextPng } from '../../test/support/images.js';
import { type ScriptedOpenAi, startScriptedOpenAi } from '../../test/support/scripted-openai.js';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';
import { verifyAuditChain } from '../audit/audit.usecases.js';
import { seedReviewCase, signInForTest } from '../review/review.test-support.js';

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
      // soft, so that a reviewer's `verified` applies at once (a HARD one waits for a second reviewer)
      { code: 'LOW_CONFIDENCE', severity: 'soft', field: 'birthDate', message: `${ID_NUMBER} says 1990` },
    ],
    blob,
  });
}

const sqliteFile = () => path.join(t.dataDir, 'docverify.sqlite');

/** Every sealed value (`v1.<key>.<iv>.<tag>.<ciphertext>`) in a text. */
const sealedStringsIn = (text: string) => text.match(/v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+/g) ?? [];

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

    const auditSealedBefore = sealedStringsIn(await dumpRows(t.services, ['auditTable']));
    expect(auditSealedBefore.length).toBeGreaterThanOrEqual(1);

    const res = await t.app.request('/v1/subjects/subj-erase', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      subjectId: 'subj-erase',
      verificationsErased: 2,
      blobsDeleted: 1,
    });

    // No trace of the name, the ID number or their sealed forms in the rows or (SQLite) the raw
    // files, as the erasure leaves them: the write-ahead log was checkpointed and emptied.
    const rows = await dumpRows(t.services);
    let raw = '';
    if (t.services.database.dialect === 'sqlite') {
      const wal = `${sqliteFile()}-wal`;
      expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
      raw = [sqliteFile(), wal]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('');
      expect(raw.length).toBeGreaterThan(0);
    }
    for (const needle of [NAME, ID_NUMBER, ...secrets, ...auditSealedBefore]) {
      expect(rows).not.toContain(needle);
      expect(raw).not.toContain(Buffer.from(needle).toString('latin1'));
    }

    const read = await t.app.request(`/v1/verifications/${first}`, { headers: t.auth('reviewer') });
    const body = (await read.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      fields: null,
      evidence: null,
      verdict: 'verified',
      documentType: 'graduation_certificate',
      reasons: [{ code: 'LOW_CONFIDENCE', field: 'birthDate', severity: 'soft', message: 'LOW_CONFIDENCE' }],
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

  it('erases reviewer notes and corrected fields from the audit trail, and the chain still verifies', async () => {
    const id = await seedPersonal('subj-notes', await putBlob('notes'));
    const version = String((await t.services.verifications.findById(id))?.updatedAt.getTime());
    const corrected = await t.app.request(`/v1/verifications/${id}/corrections`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({
        expectedVersion: version,
        // not `verified`: that would wait for a second reviewer (the corrected fields raise HARD reasons)
        verdict: 'rejected',
        fields: { name: NAME },
        note: `called ${NAME}, ID ${ID_NUMBER}`,
      }),
    });
    expect(corrected.status).toBe(200);
    const revoked = await t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'applicant_request', note: `${NAME} asked` }),
    });
    expect(revoked.status).toBe(200);
    // The attack: the audit rows hold sealed text that opens to the person.
    const opened = sealedStringsIn(await dumpRows(t.services, ['auditTable'])).map((s) =>
      t.services.sealer.open(s),
    );
    expect(opened.filter((text) => text.includes(NAME))).toHaveLength(3);

    const res = await t.app.request('/v1/subjects/subj-notes', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ auditPayloadsErased: 3 });

    expect(sealedStringsIn(await dumpRows(t.services, ['auditTable']))).toEqual([]);
    const audit = await (
      await t.app.request(`/v1/verifications/${id}/audit`, { headers: t.auth('reviewer') })
    ).json();
    const correction = audit.items.find((r: { action: string }) => r.action === 'verification.corrected');
    expect(correction.after).toMatchObject({
      changedFields: ['name'],
      fieldsSealed: { erasedSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      noteSealed: { erasedSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(await verifyAuditChain(t.services)).toEqual({ ok: true, records: expect.any(Number) });
  });

  it('refuses corrections, revocations, reviewer saves and fixture exports of an erased verification (410)', async () => {
    const id = await seedPersonal('subj-gone', await putBlob('gone'));
    await t.app.request('/v1/subjects/subj-gone', { method: 'DELETE', headers: t.auth('admin') });
    const version = String((await t.services.verifications.findById(id))?.updatedAt.getTime());
    const json = { ...t.auth('reviewer'), 'content-type': 'application/json' };

    const correction = await t.app.request(`/v1/verifications/${id}/corrections`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ expectedVersion: version, fields: { name: NAME, idNumber: ID_NUMBER } }),
    });
    expect(correction.status).toBe(410);
    expect(await correction.json()).toMatchObject({ code: 'VERIFICATION_ERASED', status: 410 });

    const revoke = await t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ reason: 'other', note: `${NAME} again` }),
    });
    expect(revoke.status).toBe(410);
    expect(await revoke.json()).toMatchObject({ code: 'VERIFICATION_ERASED' });

    const { cookie, csrf, origin } = await signInForTest(t, t.keys.reviewer);
    const form = { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' };
    const save = await t.app.request(`/review/cases/${id}`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ _csrf: csrf, version, action: 'approve', 'field.name': NAME }).toString(),
    });
    expect(save.status).toBe(410);
    const exported = await t.app.request(`/review/cases/${id}/fixture`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(exported.status).toBe(410);

    expect((await t.services.verifications.findById(id))?.outcome?.fields).toEqual({});
    expect(await dumpRows(t.services)).not.toContain(NAME);
    expect(sealedStringsIn(await dumpRows(t.services, ['verificationsTable', 'auditTable']))).toEqual([]);
  });
});

describe('DELETE /v1/subjects/{subjectId}: exported fixtures', () => {
  let fixturesDir: string;
  beforeEach(async () => {
    await t.close();
    fixturesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-fixtures-'));
    fs.writeFileSync(
      path.join(fixturesDir, 'manifest.jsonl'),
      '{"file":"old/input.jpg","subjectId":"u","applicant":null,"caseId":"old"}\n',
    );
    t = await createTestApp({ env: { FIXTURES_DIR: fixturesDir } });
  });
  afterEach(() => fs.rmSync(fixturesDir, { recursive: true, force: true }));

  async function reviewAndExport(subjectId: string, scope: 'public' | 'private') {
    const id = await seedReviewCase(t, { subjectId });
    const version = String((await t.services.verifications.findById(id))?.updatedAt.getTime());
    const reviewed = await t.app.request(`/v1/verifications/${id}/corrections`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ expectedVersion: version, verdict: 'verified', fields: { major: '土木工程' } }),
    });
    expect(reviewed.status).toBe(200);
    const { cookie, csrf, origin } = await signInForTest(t, t.keys.reviewer);
    const res = await t.app.request(`/review/cases/${id}/fixture`, {
      method: 'POST',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...(scope === 'public' ? { public: 'yes' } : {}) }).toString(),
    });
    expect(res.status).toBe(303);
    const exported =
      new URL(res.headers.get('location') ?? '', 'http://x').searchParams.get('exported') ?? '';
    const caseId = exported.split('/')[1] ?? '';
    const dir =
      scope === 'public' ? path.join(fixturesDir, caseId) : path.join(fixturesDir, 'private', caseId);
    expect(fs.existsSync(path.join(dir, 'expected.json'))).toBe(true);
    return { id, caseId, dir };
  }

  const manifestOf = (scope: 'public' | 'private') => {
    const file = path.join(fixturesDir, ...(scope === 'private' ? ['private'] : []), 'manifest.jsonl');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  };

  it("deletes the subject's exported fixture folders and manifest lines, public and private, and keeps the others", async () => {
    const publicCase = await reviewAndExport('subj-fixture', 'public');
    const privateCase = await reviewAndExport('subj-fixture', 'private');
    const otherCase = await reviewAndExport('subj-other', 'private');
    expect(manifestOf('public')).toContain(publicCase.caseId);
    expect(manifestOf('private')).toContain(privateCase.caseId);

    const res = await t.app.request('/v1/subjects/subj-fixture', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ fixturesDeleted: 2 });

    expect(fs.existsSync(publicCase.dir)).toBe(false);
    expect(fs.existsSync(privateCase.dir)).toBe(false);
    expect(manifestOf('public')).not.toContain(publicCase.caseId);
    expect(manifestOf('public')).toContain('"caseId":"old"');
    expect(manifestOf('private')).not.toContain(privateCase.caseId);
    expect(fs.existsSync(otherCase.dir)).toBe(true);
    expect(manifestOf('private')).toContain(otherCase.caseId);
  });
});

describe('DELETE /v1/subjects/{subjectId}: the LLM reply cache', () => {
  let server: ScriptedOpenAi;
  beforeEach(async () => {
    await t.close();
    server = await startScriptedOpenAi(() => ({
      json: { documentType: 'unknown', instructionsInDocument: false },
    }));
    t = await createTestApp({
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: server.baseUrl,
        LLM_MODEL: 'scripted-model',
        LLM_MODE: 'always',
        MAX_WAIT_SECONDS: '120',
      },
    });
  });
  afterEach(() => server.close());

  it("drops the model's replies about the subject's documents", async () => {
    const page = await makeTextPng(`姓名 ${NAME} 身份证号 ${ID_NUMBER}`, 1200, 600);
    const upload = async (subjectId: string) => {
      const res = await t.app.request('/v1/verifications', {
        method: 'POST',
        headers: { ...t.auth('client'), prefer: 'wait=120' },
        body: uploadForm({ file: fileBlob(page, 'image/png'), subjectId }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { status: string };
    };
    await upload('subj-llm');
    const asked = server.requests.length;
    expect(asked).toBeGreaterThan(0);
    // The same page again is answered from the cache: the model is not asked.
    await upload('subj-llm');
    expect(server.requests.length).toBe(asked);

    await t.app.request('/v1/subjects/subj-llm', { method: 'DELETE', headers: t.auth('admin') });
    await upload('subj-llm-again');
    expect(server.requests.length).toBe(2 * asked);
  });
});
