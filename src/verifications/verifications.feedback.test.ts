import { afterEach, describe, expect, it } from 'vitest';
import { makeTextPng } from '../../test/support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';
import { startWebhookReceiver, type WebhookReceiver, waitFor } from '../../test/support/webhook-receiver.js';
import { verifyAuditChain } from '../audit/audit.usecases.js';
import type { Pipeline } from '../pipeline/pipeline.types.js';

describe('upload: instant eligibility feedback, audit and the completion event', () => {
  let t: TestApp;
  let receiver: WebhookReceiver | null = null;
  afterEach(async () => {
    await t.close();
    await receiver?.close();
  });

  const upload = async (subjectId: string, prefer?: string, fields: Record<string, string> = {}) =>
    t.app.request('/v1/verifications', {
      method: 'POST',
      headers: { ...t.auth('client'), ...(prefer ? { prefer } : {}) },
      body: uploadForm({ file: fileBlob(await makeTextPng(), 'image/png'), subjectId, ...fields }),
    });

  it('a real upload: the verdict, its audit record and its outbox event commit together; the event is delivered', async () => {
    // The receiver listens on 127.0.0.1, a private target.
    t = await createTestApp({ env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
    receiver = await startWebhookReceiver();
    await t.app.request('/v1/admin/webhooks', {
      method: 'POST',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, eventTypes: ['verification.completed'] }),
    });

    const res = await upload('u-real', 'wait=30');
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.status).toBe('completed');
    expect(body.eligibility).toMatchObject({
      subjectId: 'u-real',
      eligible: false,
      tier: null,
      policyVersion: 'limit-raise.v1',
    });

    const audit = await (
      await t.app.request(`/v1/verifications/${body.id}/audit`, { headers: t.auth('reviewer') })
    ).json();
    expect(audit.items.map((r: { action: string }) => r.action)).toEqual([
      'verification.created',
      'verification.completed',
    ]);
    expect(audit.items[0].actor).toMatchObject({ type: 'key', role: 'client' });
    expect(audit.items[1]).toMatchObject({
      actor: { type: 'system' },
      before: { status: 'processing', verdict: null },
      after: { status: 'completed', verdict: body.verdict },
    });

    const acked = await waitFor(
      () => receiver?.acknowledged() ?? [],
      (a) => a.length === 1,
    );
    expect(JSON.parse(acked[0]?.body ?? 'null')).toMatchObject({
      type: 'verification.completed',
      data: { verificationId: body.id, subjectId: 'u-real', status: 'completed', verdict: body.verdict },
    });
    expect(await verifyAuditChain(t.services)).toMatchObject({ ok: true });
  });

  it('a verified graduation certificate within the wait comes back with the subject’s limit raise', async () => {
    const scripted = (): Pipeline => ({
      async process() {
        return {
          documentType: 'graduation_certificate',
          fields: { educationLevel: '硕士研究生', graduationDate: `${new Date().getUTCFullYear()}-01` },
          evidence: {},
          verdict: 'verified',
          confidence: 0.97,
          reasons: [],
          versions: { pipeline: 'scripted' },
          timingsMs: { total: 1 },
          perceptualHash: null,
          documentKey: null,
        };
      },
      async close() {},
    });
    t = await createTestApp({ overrides: { pipeline: scripted } });
    // Only a document read with the subject's identity counts: the upload gives it.
    const res = await upload('u-grad', 'wait=10', {
      applicantName: '张伟',
      applicantIdNumber: '11010519491231002X',
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.eligibility).toMatchObject({
      eligible: true,
      tier: 't4',
      suggestedIncrease: { amount: 8000, currency: 'CNY' },
      signals: [{ kind: 'new_graduate', tier: 't4', verificationIds: [body.id] }],
    });
    expect(body.eligibility.decisionId).toMatch(/^dec_/);

    // without a wait the answer is 202 and carries no decision
    const queued = await upload('u-grad');
    expect(queued.status).toBe(202);
    expect((await queued.json()).eligibility).toBeUndefined();
  });
});
