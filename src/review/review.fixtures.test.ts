import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import type { Applicant, Fields, SupportedDocumentType } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import { exportFixture } from './review.fixture-export.js';
import { SAMPLE, seedReviewCase, signInForTest } from './review.test-support.js';

describe('fixture cases from reviews', () => {
  let t: TestApp;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-fixtures-'));
    fs.writeFileSync(
      path.join(dir, 'manifest.jsonl'),
      '{"file":"old/input.jpg","subjectId":"u","applicant":null,"caseId":"old"}',
    );
    t = await createTestApp({ env: { FIXTURES_DIR: dir } });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const reviewer = { type: 'key' as const, id: 'key_r', role: 'reviewer' as const };
  const review = async (id: string) => {
    const queue = await (await t.app.request('/v1/review/queue', { headers: t.auth('reviewer') })).json();
    const version = queue.items.find((i: { id: string }) => i.id === id).version;
    const res = await t.app.request(`/v1/verifications/${id}/corrections`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ expectedVersion: version, verdict: 'verified', fields: { major: '土木工程' } }),
    });
    expect(res.status).toBe(200);
  };

  it('an unreviewed case cannot be exported', async () => {
    const id = await seedReviewCase(t);
    await expect(
      exportFixture(t.services, { id, actor: reviewer, imageHasNoRealPerson: false }),
    ).rejects.toThrow(/reviewed/);
  });

  it('a public export (synthetic image) lands in <FIXTURES_DIR>/<case>/ with a manifest line and no real names', async () => {
    const id = await seedReviewCase(t);
    await review(id);
    const out = await exportFixture(t.services, { id, actor: reviewer, imageHasNoRealPerson: true });
    expect(out.scope).toBe('public');
    const expected = JSON.parse(fs.readFileSync(path.join(dir, out.caseId, 'expected.json'), 'utf8'));
    expect(expected).toMatchObject({
      caseId: out.caseId,
      kind: 'reviewed',
      variant: 'photo',
      documentType: 'graduation_certificate',
      // the manifest line binds no applicant, so the pipeline can give it at most needs_review
      verdict: 'needs_review',
      acceptableVerdicts: ['needs_review'],
      reviewerVerdict: 'verified',
      private: false,
      redactedFields: ['name', 'birthDate', 'certificateNumber'],
      sourceVerificationId: id,
    });
    expect(expected.fields.major).toBe('土木工程');
    const text = fs.readFileSync(path.join(dir, out.caseId, 'expected.json'), 'utf8');
    expect(text).not.toContain(SAMPLE.applicant.name);
    expect(text).not.toContain(SAMPLE.applicant.idNumber);
    expect(text).not.toContain(SAMPLE.subjectId);
    expect(fs.readFileSync(path.join(dir, out.caseId, 'input.jpg')).length).toBeGreaterThan(1000);
    const lines = fs.readFileSync(path.join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      file: `${out.caseId}/input.jpg`,
      subjectId: expected.subjectId,
      applicant: null,
      caseId: out.caseId,
    });
    await expect(
      exportFixture(t.services, { id, actor: reviewer, imageHasNoRealPerson: true }),
    ).rejects.toThrow(/exists/);
  });

  it('by default the case is private: written under private/ with its own manifest', async () => {
    const id = await seedReviewCase(t);
    await review(id);
    const out = await exportFixture(t.services, { id, actor: reviewer, imageHasNoRealPerson: false });
    expect(out.dir).toBe(path.join(dir, 'private', out.caseId));
    expect(fs.readFileSync(path.join(dir, 'private', 'manifest.jsonl'), 'utf8')).toContain(out.caseId);
    expect(fs.readFileSync(path.join(dir, 'manifest.jsonl'), 'utf8')).not.toContain(out.caseId);
  });

  it('editing a fixture: a stale version is 409 and leaves the file alone; path tricks are 404', async () => {
    fs.mkdirSync(path.join(dir, 'case-1'));
    const file = path.join(dir, 'case-1', 'expected.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        caseId: 'case-1',
        kind: 'clean',
        subjectId: 'u',
        applicant: null,
        documentType: 'cet_score_report',
        fields: { totalScore: 500, name: 'x' },
        verdict: 'verified',
      }),
    );
    const { cookie, csrf, origin } = await signInForTest(t, t.keys.reviewer);
    const page = await (
      await t.app.request('/review/fixtures/public/case-1', { headers: { cookie } })
    ).text();
    const version = /name="version" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const post = (v: string, score: string) =>
      t.app.request('/review/fixtures/public/case-1', {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          _csrf: csrf,
          version: v,
          'field.totalScore': score,
          'field.name': 'x',
          verdict: 'rejected',
        }).toString(),
      });
    expect((await post(version, '521')).status).toBe(303);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.fields.totalScore).toBe(521);
    expect(saved.verdict).toBe('rejected');
    expect((await post(version, '400')).status).toBe(409);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).fields.totalScore).toBe(521);
    const listing = await (await t.app.request('/review/fixtures', { headers: { cookie } })).text();
    expect(listing).toContain('case-1');
    for (const bad of ['/review/fixtures/public/..%2F..%2Fetc', '/review/fixtures/secret/case-1']) {
      expect((await t.app.request(bad, { headers: { cookie } })).status).toBe(404);
    }
  });

  describe('an exported case names nobody: every identifying value is synthetic and passes its own rules', () => {
    const IDENTIFYING = [
      'name',
      'idNumber',
      'birthDate',
      'certificateNumber',
      'verificationCode',
      'admissionTicketNumber',
      'reportNumber',
      'oralTicketNumber',
    ];
    const samples = [
      'sample-01-cet-photo',
      'sample-02-grad-photo',
      'sample-03-degree-photo',
      'sample-04-chsi-photo',
    ];

    it.each(samples)('%s', async (sample) => {
      const sampleDir = path.resolve('fixtures', sample);
      const labels = JSON.parse(fs.readFileSync(path.join(sampleDir, 'expected.json'), 'utf8')) as {
        documentType: SupportedDocumentType;
        fields: Fields;
        applicant: Applicant;
      };
      const bytes = fs.readFileSync(path.join(sampleDir, 'input.jpg'));
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      const id = await seedVerification(t.services, {
        subjectId: 'u-real-person',
        documentType: labels.documentType as 'graduation_certificate',
        verdict: 'needs_review',
        fields: labels.fields,
        applicant: labels.applicant,
        blob: {
          key: await t.services.blobs.put(sha256, bytes),
          sha256,
          mime: 'image/jpeg',
          bytes: bytes.length,
        },
      });
      const version = String((await t.services.verifications.findById(id))?.updatedAt.getTime());
      const reviewed = await t.app.request(`/v1/verifications/${id}/corrections`, {
        method: 'POST',
        headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
        body: JSON.stringify({ expectedVersion: version, verdict: 'verified' }),
      });
      expect(reviewed.status).toBe(200);
      const { cookie, csrf, origin } = await signInForTest(t, t.keys.reviewer);
      const res = await t.app.request(`/review/cases/${id}/fixture`, {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      });
      expect(res.status).toBe(303);
      const caseId = (
        new URL(res.headers.get('location') ?? '', 'http://x').searchParams.get('exported') ?? ''
      )
        .split('/')
        .at(-1);
      const text = fs.readFileSync(path.join(dir, 'private', caseId ?? '', 'expected.json'), 'utf8');
      const expected = JSON.parse(text) as { fields: Fields; applicant: Applicant; redactedFields: string[] };

      const originals = IDENTIFYING.filter((f) => typeof labels.fields[f] === 'string');
      expect([...expected.redactedFields].sort()).toEqual([...originals].sort());
      const birthDigits = String(labels.applicant.idNumber).slice(6, 14);
      const birthIso = `${birthDigits.slice(0, 4)}-${birthDigits.slice(4, 6)}-${birthDigits.slice(6)}`;
      for (const secret of [
        ...originals.map((f) => String(labels.fields[f])),
        labels.applicant.name,
        labels.applicant.idNumber,
        birthDigits,
        birthIso,
      ]) {
        expect(text).not.toContain(secret);
      }
      for (const field of originals) expect(typeof expected.fields[field]).toBe('string');

      // The synthetic values pass the type's rules exactly as the real ones did: no new reason.
      const module = documentModuleFor(labels.documentType);
      const now = t.services.clock.now();
      const codes = (fields: Fields, applicant: Applicant) =>
        module
          .validate({ fields, evidence: {} }, { now, applicant })
          .map((r) => `${r.severity}:${r.code}:${r.field ?? ''}`)
          .sort();
      const synthetic = codes(expected.fields, expected.applicant);
      expect(synthetic.filter((c) => c.startsWith('hard:'))).toEqual([]);
      expect(synthetic).toEqual(codes(labels.fields, labels.applicant));
    });
  });
});
