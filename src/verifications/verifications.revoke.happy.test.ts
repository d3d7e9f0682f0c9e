import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { correctVerification } from './verifications.correct.usecases.js';

describe('revocation and reviewer correction: happy path', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const eligibility = async () =>
    (await t.app.request('/v1/subjects/u-1/eligibility', { headers: t.auth('engine') })).json();

  it('a revoked verification stops counting at once and an event is written with it', async () => {
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'cet_score_report',
      fields: { level: 'CET6', totalScore: 530 },
    });
    expect(await eligibility()).toMatchObject({ eligible: true, tier: 't2' });

    const res = await t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'fraud_suspected', note: 'score altered' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id, verdict: 'verified', revocation: { reason: 'fraud_suspected' } });
    expect(JSON.stringify(body)).not.toContain('score altered');

    expect(await eligibility()).toMatchObject({ eligible: false, tier: null, signals: [] });
    const events = await t.services.webhooks.listEventsBySubject('u-1');
    expect(events.map((e) => e.type)).toEqual(['verification.revoked']);
    expect(JSON.parse(events[0]?.body ?? 'null').data.eligibility).toMatchObject({ eligible: false });
    const read = await (await t.app.request(`/v1/verifications/${id}`, { headers: t.auth('engine') })).json();
    expect(read.revocation).toMatchObject({ reason: 'fraud_suspected' });
  });

  it('the reviewer-correction hook writes the change, a sealed audit record and an event together', async () => {
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'graduation_certificate',
      verdict: 'needs_review',
      fields: { educationLevel: '本科', graduationDate: `${new Date().getUTCFullYear() - 1}-06` },
    });
    const reviewer = { type: 'key' as const, id: 'key_rev', role: 'reviewer' as const };
    await correctVerification(t.services, {
      id,
      actor: reviewer,
      verdict: 'verified',
      fields: { name: '李娜' },
    });
    const after = await t.services.verifications.findById(id);
    expect(after?.outcome).toMatchObject({
      verdict: 'verified',
      fields: { name: '李娜', educationLevel: '本科' },
    });
    expect(after?.outcome?.evidence.name?.source).toBe('reviewer');

    const [record] = await t.services.audit.listForVerification(id, 'u-1');
    expect(record).toMatchObject({
      action: 'verification.corrected',
      actor: reviewer,
      before: { verdict: 'needs_review' },
      after: { verdict: 'verified', changedFields: ['name'] },
    });
    expect(JSON.stringify(record)).not.toContain('李娜');
    const [event] = await t.services.webhooks.listEventsBySubject('u-1');
    expect(JSON.parse(event?.body ?? 'null')).toMatchObject({
      type: 'verification.corrected',
      data: { verdictBefore: 'needs_review', verdict: 'verified', eligibility: { eligible: true } },
    });
  });
});
