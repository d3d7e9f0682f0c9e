import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

describe('eligibility: happy path', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ overrides: { clock: { now: () => new Date('2025-03-15T08:00:00Z') } } });
  });
  afterEach(async () => {
    await t.close();
  });

  const eligibility = async (subjectId: string, role: 'engine' | 'admin' = 'engine') => {
    const res = await t.app.request(`/v1/subjects/${subjectId}/eligibility`, { headers: t.auth(role) });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('decides over the verified documents, names the verifications behind each signal, and records the decision', async () => {
    const grad = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'graduation_certificate',
      fields: { educationLevel: '本科', graduationDate: '2024-06' },
    });
    const cet = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'cet_score_report',
      fields: { level: 'CET6', totalScore: 512 },
    });
    await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'degree_certificate',
      verdict: 'needs_review',
      fields: { degree: '工学博士' },
    });
    await seedVerification(t.services, {
      subjectId: 'u-2',
      documentType: 'degree_certificate',
      fields: { degree: '工学博士' },
    });

    const body = await eligibility('u-1');
    expect(body).toMatchObject({
      subjectId: 'u-1',
      eligible: true,
      tier: 't3',
      suggestedIncrease: { amount: 5000, currency: 'CNY' },
      signals: [
        { kind: 'new_graduate', tier: 't3', verificationIds: [grad] },
        { kind: 'cet', tier: 't2', verificationIds: [cet] },
      ],
      expiresAt: '2025-03-16T08:00:00.000Z',
      decidedAt: '2025-03-15T08:00:00.000Z',
      policyVersion: 'limit-raise.v1',
    });
    expect(body.decisionId).toMatch(/^dec_/);

    // nothing changed: the recorded decision is the answer again
    const again = await eligibility('u-1', 'admin');
    expect(again).toEqual(body);

    // the decision is in the audit trail of each verification it counted
    const audit = await (
      await t.app.request(`/v1/verifications/${grad}/audit`, { headers: t.auth('reviewer') })
    ).json();
    const decisions = audit.items.filter((r: { action: string }) => r.action === 'eligibility.decided');
    expect(decisions.map((r: { after: { decisionId: string } }) => r.after.decisionId)).toEqual([
      body.decisionId,
    ]);
  });

  it('a subject without documents is not eligible', async () => {
    const body = await eligibility('nobody');
    expect(body).toMatchObject({
      eligible: false,
      tier: null,
      suggestedIncrease: { amount: 0 },
      signals: [],
    });
  });
});
