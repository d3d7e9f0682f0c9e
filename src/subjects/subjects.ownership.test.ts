import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTextPng } from '../../test/support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

const sample = path.resolve(import.meta.dirname, '../../fixtures/sample-05-cet-pdf-text');
const CET_PDF = fs.readFileSync(path.join(sample, 'input.pdf'));
const HOLDER = JSON.parse(fs.readFileSync(path.join(sample, 'expected.json'), 'utf8')).applicant as {
  name: string;
  idNumber: string;
};

describe('subjects: ownership', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const upload = async (
    caller: 'client' | 'client2',
    subjectId: string,
    options: { file?: Blob; applicant?: boolean; wait?: boolean } = {},
  ) =>
    t.app.request('/v1/verifications', {
      method: 'POST',
      headers: { ...t.auth(caller), ...(options.wait ? { prefer: 'wait=120' } : {}) },
      body: uploadForm({
        file: options.file ?? fileBlob(CET_PDF, 'application/pdf'),
        subjectId,
        ...(options.applicant ? { applicantName: HOLDER.name, applicantIdNumber: HOLDER.idNumber } : {}),
      }),
    });

  it("another client's upload for a subject is 404: it sees nothing of it, counts for nothing and cannot lock it out", async () => {
    const mine = await (await upload('client', 'u-owned', { applicant: true, wait: true })).json();
    expect(mine.verdict).toBe('verified');
    expect(mine.eligibility).toMatchObject({ eligible: true, tier: 't1' });

    // The second client, with the same certificate and the right identity, for the same subject.
    const theirs = await upload('client2', 'u-owned', { applicant: true, wait: true });
    expect(theirs.status).toBe(404);
    const text = await theirs.text();
    expect(JSON.parse(text).code).toBe('NOT_FOUND');
    for (const leak of [mine.id, 't1', '1000', HOLDER.name]) expect(text).not.toContain(leak);

    // Ten more of its uploads: none is stored, and the owner is not rate-limited by them.
    for (let i = 0; i < 10; i++) {
      const file = fileBlob(await makeTextPng(`flood ${i}`), 'image/png');
      expect((await upload('client2', 'u-owned', { file })).status).toBe(404);
    }
    const again = await upload('client', 'u-owned', {
      file: fileBlob(await makeTextPng('mine'), 'image/png'),
    });
    expect(again.status).toBe(202);

    const history = await (
      await t.app.request('/v1/subjects/u-owned/verifications', { headers: t.auth('engine') })
    ).json();
    expect(history.items).toHaveLength(2);
    const decision = await (
      await t.app.request('/v1/subjects/u-owned/eligibility', { headers: t.auth('engine') })
    ).json();
    expect(decision.signals).toEqual([{ kind: 'cet', tier: 't1', verificationIds: [mine.id] }]);
  });

  it("another client gets 404 for the subject's history and identity, as for a subject that does not exist", async () => {
    expect(
      (await upload('client', 'u-private', { file: fileBlob(await makeTextPng(), 'image/png') })).status,
    ).toBe(202);
    for (const subjectId of ['u-private', 'u-does-not-exist']) {
      const list = await t.app.request(`/v1/subjects/${subjectId}/verifications`, {
        headers: t.auth('client2'),
      });
      expect(list.status).toBe(404);
      expect((await list.json()).code).toBe('NOT_FOUND');
    }
    const put = await t.app.request('/v1/subjects/u-private/identity', {
      method: 'PUT',
      headers: { ...t.auth('client2'), 'content-type': 'application/json' },
      body: JSON.stringify(HOLDER),
    });
    expect(put.status).toBe(404);
    // The owner, engines and reviewers see it.
    for (const role of ['client', 'engine', 'reviewer'] as const) {
      const list = await t.app.request('/v1/subjects/u-private/verifications', { headers: t.auth(role) });
      expect(list.status).toBe(200);
      expect((await list.json()).items).toHaveLength(1);
    }
  });
});
