import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpRows } from '../../test/support/db-rows.js';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

// A CET-4 report with a total of 512: verified and bound, it is worth tier t1 (policies/limit-raise.v1.json).
const sample = path.resolve(import.meta.dirname, '../../fixtures/sample-05-cet-pdf-text');
const CET_PDF = fs.readFileSync(path.join(sample, 'input.pdf'));
const HOLDER = JSON.parse(fs.readFileSync(path.join(sample, 'expected.json'), 'utf8')).applicant as {
  name: string;
  idNumber: string;
};
/** A valid ID number of somebody else (check digit right). */
const OTHER_ID = '11010519491231002X';

describe('subjects: identity binding', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const upload = (subjectId: string, applicant: Record<string, string> = {}) =>
    t.app.request('/v1/verifications', {
      method: 'POST',
      headers: { ...t.auth('client'), prefer: 'wait=120' },
      body: uploadForm({ file: fileBlob(CET_PDF, 'application/pdf'), subjectId, ...applicant }),
    });
  const registerIdentity = (
    subjectId: string,
    identity: { name: string; idNumber: string },
    role = 'client',
  ) =>
    t.app.request(`/v1/subjects/${subjectId}/identity`, {
      method: 'PUT',
      headers: { ...t.auth(role as 'client'), 'content-type': 'application/json' },
      body: JSON.stringify(identity),
    });
  const eligibility = async (subjectId: string) =>
    (await t.app.request(`/v1/subjects/${subjectId}/eligibility`, { headers: t.auth('engine') })).json();

  it("a stranger's certificate uploaded with no identity known is needs_review (APPLICANT_UNKNOWN) and pays nothing", async () => {
    const res = await upload('u-anonymous');
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.documentType).toBe('cet_score_report');
    expect(body.verdict).toBe('needs_review');
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('APPLICANT_UNKNOWN');
    expect(body.eligibility).toMatchObject({ eligible: false, tier: null, suggestedIncrease: { amount: 0 } });
    expect(await eligibility('u-anonymous')).toMatchObject({ eligible: false, tier: null, signals: [] });
  });

  it('an identity given on the upload registers it: that upload and later ones without it are bound', async () => {
    const first = await (
      await upload('u-given', { applicantName: HOLDER.name, applicantIdNumber: HOLDER.idNumber })
    ).json();
    expect(first.verdict).toBe('verified');
    expect(first.eligibility).toMatchObject({ eligible: true, tier: 't1' });
    const second = await (await upload('u-given')).json();
    expect(second.verdict).not.toBe('needs_retake');
    expect(second.reasons.map((r: { code: string }) => r.code)).not.toContain('APPLICANT_UNKNOWN');
    // The identity is stored sealed, never in plain text.
    const dump = await dumpRows(t.services);
    expect(dump).not.toContain(HOLDER.name);
    expect(dump).not.toContain(HOLDER.idNumber);
  });

  it('an identity registered first binds the uploads that give none', async () => {
    const put = await registerIdentity('u-registered', HOLDER);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ subjectId: 'u-registered', identityRegistered: true });
    const body = await (await upload('u-registered')).json();
    expect(body.verdict).toBe('verified');
    expect(await eligibility('u-registered')).toMatchObject({ eligible: true, tier: 't1' });
  });

  it("a registered identity that is not the document's holder rejects the document", async () => {
    expect((await registerIdentity('u-someone-else', { name: '张伟', idNumber: OTHER_ID })).status).toBe(200);
    const body = await (await upload('u-someone-else')).json();
    expect(body.verdict).toBe('rejected');
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('APPLICANT_NAME_MISMATCH');
    expect(await eligibility('u-someone-else')).toMatchObject({ eligible: false });
  });

  it('refuses an upload whose identity differs from the registered one (409), and stores nothing', async () => {
    expect((await registerIdentity('u-conflict', HOLDER)).status).toBe(200);
    const res = await upload('u-conflict', { applicantName: '张伟', applicantIdNumber: OTHER_ID });
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('SUBJECT_IDENTITY_CONFLICT');
    const list = await (
      await t.app.request('/v1/subjects/u-conflict/verifications', { headers: t.auth('engine') })
    ).json();
    expect(list.items).toEqual([]);
  });

  it('refuses to re-bind a subject with documents to another identity (409); the same identity again is fine', async () => {
    expect((await registerIdentity('u-rebind', { name: '张伟', idNumber: OTHER_ID })).status).toBe(200);
    // No documents yet: a correction of the identity is allowed.
    expect((await registerIdentity('u-rebind', HOLDER)).status).toBe(200);
    expect((await upload('u-rebind')).status).toBe(201);
    const rebind = await registerIdentity('u-rebind', { name: '张伟', idNumber: OTHER_ID });
    expect(rebind.status).toBe(409);
    expect((await rebind.json()).code).toBe('SUBJECT_IDENTITY_CONFLICT');
    expect(
      (
        await registerIdentity('u-rebind', {
          name: ` ${HOLDER.name}`,
          idNumber: HOLDER.idNumber.toLowerCase(),
        })
      ).status,
    ).toBe(200);
  });

  it('refuses an ID number with a wrong check digit, a masked one, or half an identity with 400', async () => {
    const wrongCheck = `${HOLDER.idNumber.slice(0, 17)}${HOLDER.idNumber.endsWith('1') ? '2' : '1'}`;
    for (const idNumber of [
      wrongCheck,
      `${HOLDER.idNumber.slice(0, 6)}********${HOLDER.idNumber.slice(14)}`,
    ]) {
      const res = await registerIdentity('u-bad-id', { name: HOLDER.name, idNumber });
      expect(res.status).toBe(400);
      expect((await res.json()).code).toBe('VALIDATION_FAILED');
      const up = await upload('u-bad-id', { applicantName: HOLDER.name, applicantIdNumber: idNumber });
      expect(up.status).toBe(400);
    }
    const half = await upload('u-bad-id', { applicantName: HOLDER.name });
    expect(half.status).toBe(400);
    expect((await half.json()).errors.map((e: { path: string }) => e.path)).toContain('applicantIdNumber');
  });

  it('never counts a verified document that was not bound to the registered identity (older rows)', async () => {
    const owner = await t.services.authenticator.authenticate(t.keys.client);
    if (!owner) throw new Error('no client key');
    // A verdict from before identities: verified, but with no applicant at all.
    await seedVerification(t.services, {
      subjectId: 'u-legacy',
      documentType: 'cet_score_report',
      fields: { level: 'CET6', totalScore: 600 },
      applicant: null,
      clientKeyId: owner.id,
    });
    expect(await eligibility('u-legacy')).toMatchObject({ eligible: false });
    expect((await registerIdentity('u-legacy', HOLDER)).status).toBe(200);
    expect(await eligibility('u-legacy')).toMatchObject({ eligible: false, signals: [] });
  });

  it("erasing the subject (PIPL) removes its registered identity; the subject stays its owner's", async () => {
    expect((await registerIdentity('u-erase', HOLDER)).status).toBe(200);
    const sealed = (await dumpRows(t.services, ['subjectsTable'])).match(/"identitySealed":"([^"]+)"/)?.[1];
    expect(sealed).toBeTruthy();
    const erase = await t.app.request('/v1/subjects/u-erase', { method: 'DELETE', headers: t.auth('admin') });
    expect(erase.status).toBe(200);
    expect(await dumpRows(t.services)).not.toContain(String(sealed));
    expect((await t.services.subjects.findById('u-erase'))?.identity).toBeNull();
    const list = await t.app.request('/v1/subjects/u-erase/verifications', { headers: t.auth('client2') });
    expect(list.status).toBe(404);
  });
});
