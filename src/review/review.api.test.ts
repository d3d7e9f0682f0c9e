import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { seedReviewCase } from './review.test-support.js';

describe('review API: corrections, queue and metrics', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const queue = async () => {
    const res = await t.app.request('/v1/review/queue', { headers: t.auth('reviewer') });
    expect(res.status).toBe(200);
    return (await res.json()) as { size: number; items: { id: string; version: string; priority: number }[] };
  };
  const correct = (id: string, body: unknown, role: 'reviewer' | 'engine' | 'admin' = 'reviewer') =>
    t.app.request(`/v1/verifications/${id}/corrections`, {
      method: 'POST',
      headers: { ...t.auth(role), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a correction re-validates the fields, sets the verdict, and writes audit, event and eligibility', async () => {
    const id = await seedReviewCase(t);
    const { items, size } = await queue();
    expect(size).toBe(1);
    const version = items[0]?.version ?? '';

    const res = await correct(id, {
      expectedVersion: version,
      fields: { major: '土木工程' },
      verdict: 'verified',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.verification.verdict).toBe('verified');
    expect(body.verification.fields.major).toBe('土木工程');
    expect(body.verification.evidence.major).toMatchObject({ source: 'reviewer', confidence: 1 });
    // the soft LOW_CONFIDENCE on the misread major is gone after re-validation
    const codes = body.verification.reasons.map((r: { code: string }) => r.code);
    expect(codes).not.toContain('LOW_CONFIDENCE');
    expect(codes).toContain('REVIEWER_DECISION');
    expect(body.revalidation.reasons.map((r: { code: string }) => r.code)).not.toContain('LOW_CONFIDENCE');
    expect(body.version).not.toBe(version);
    expect(body.eligibility.subjectId).toBeDefined();

    const audit = await (
      await t.app.request(`/v1/verifications/${id}/audit`, { headers: t.auth('engine') })
    ).json();
    const corrected = audit.items.find((r: { action: string }) => r.action === 'verification.corrected');
    expect(corrected.after.changedFields).toEqual(['major']);
    expect(corrected.actor.role).toBe('reviewer');
    expect(JSON.stringify(corrected)).not.toContain('土木工程'); // sealed

    expect((await queue()).size).toBe(0);
  });

  it('a stale version is 409 VERSION_CONFLICT and changes nothing', async () => {
    const id = await seedReviewCase(t);
    const version = (await queue()).items[0]?.version ?? '';
    expect((await correct(id, { expectedVersion: version, verdict: 'rejected' })).status).toBe(200);
    const stale = await correct(id, {
      expectedVersion: version,
      verdict: 'verified',
      fields: { major: 'X' },
    });
    expect(stale.status).toBe(409);
    expect((await stale.json()).code).toBe('VERSION_CONFLICT');
    const read = await (await t.app.request(`/v1/verifications/${id}`, { headers: t.auth('engine') })).json();
    expect(read.verdict).toBe('rejected');
    expect(read.fields.major).toBe('土木工桯');
  });

  it('a correction that breaks a field is flagged by re-validation; the reviewer verdict stands, and a verified over it waits for a second reviewer', async () => {
    const id = await seedReviewCase(t);
    const version = (await queue()).items[0]?.version ?? '';
    const res = await correct(id, {
      expectedVersion: version,
      fields: { major: '土木工程', name: '李四' },
      verdict: 'needs_review',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.verification.verdict).toBe('needs_review');
    // the name no longer matches the applicant's: the rules would reject, the reviewer's verdict stands
    expect(body.revalidation.verdict).toBe('rejected');
    expect(body.verification.reasons.map((r: { code: string }) => r.code)).toContain(
      'APPLICANT_NAME_MISMATCH',
    );

    // verified over that HARD reason is a proposal (review.approvals.test.ts has the rest)
    const proposed = await correct(id, { expectedVersion: body.version, verdict: 'verified' });
    expect(proposed.status).toBe(202);
    const proposal = await proposed.json();
    expect(proposal).toMatchObject({
      status: 'awaiting_approval',
      verification: { verdict: 'needs_review' },
      revalidation: { verdict: 'rejected' },
    });
    expect(proposal.approval.hardReasonCodes).toEqual(['APPLICANT_NAME_MISMATCH']);
  });

  it('only reviewer (or admin) keys may correct; bad bodies are 400; unknown ids 404', async () => {
    const id = await seedReviewCase(t);
    const version = (await queue()).items[0]?.version ?? '';
    expect((await correct(id, { expectedVersion: version, verdict: 'verified' }, 'engine')).status).toBe(403);
    expect((await correct(id, { expectedVersion: version })).status).toBe(400);
    expect((await correct(id, { verdict: 'verified' })).status).toBe(400);
    expect((await correct('ver_nope', { expectedVersion: version, verdict: 'verified' })).status).toBe(404);
    expect((await t.app.request('/v1/review/queue', { headers: t.auth('client') })).status).toBe(403);
  });

  it('metrics: queue size, oldest case, agreement and corrections per field', async () => {
    const a = await seedReviewCase(t);
    const b = await seedReviewCase(t, {
      reasons: [{ code: 'TAMPER_SUSPECTED', severity: 'soft', message: 'edited' }],
    });
    // the tamper case is at the head of the queue
    expect((await queue()).items.map((i) => i.id)).toEqual([b, a]);
    const versions = Object.fromEntries((await queue()).items.map((i) => [i.id, i.version]));
    await correct(a, { expectedVersion: versions[a], fields: { major: '土木工程' }, verdict: 'verified' });
    await correct(b, { expectedVersion: versions[b], verdict: 'needs_review' });
    const res = await t.app.request('/v1/review/metrics', { headers: t.auth('reviewer') });
    const m = await res.json();
    expect(m.reviewedCases).toBe(2);
    expect(m.agreement).toBe(0.5);
    expect(m.correctionsPerField).toEqual([
      { documentType: 'graduation_certificate', field: 'major', corrections: 1 },
    ]);
    expect(m.queueSize).toBe(1); // b stays: the reviewer kept needs_review
    expect(m.oldestCaseAgeSeconds).toBeGreaterThanOrEqual(0);
  });
});
