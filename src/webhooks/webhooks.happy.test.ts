import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import {
  signedWith,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from '../../test/support/webhook-receiver.js';

// The receiver listens on 127.0.0.1, a private target: allowed only with the development setting.
const FAST = {
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
};

describe('webhooks: delivery', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    t = await createTestApp({ env: FAST });
  });
  afterEach(async () => {
    await t.close();
    await receiver?.close();
  });

  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    t.app.request(path, {
      method: init.method ?? 'GET',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const register = async (body: Record<string, unknown> = {}) => {
    const res = await admin('/v1/admin/webhooks', { method: 'POST', body: { url: receiver.url, ...body } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string };
  };
  const revoke = (id: string) =>
    t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'document_invalid' }),
    });
  const eventOf = async (eventId: string) => (await admin(`/v1/admin/webhooks/events/${eventId}`)).json();

  it('registers, lists and removes endpoints; the secret is shown once', async () => {
    receiver = await startWebhookReceiver();
    const created = await register({ description: 'credit engine', eventTypes: ['verification.revoked'] });
    expect(created.secret).toMatch(/^whsec_/);
    const list = await (await admin('/v1/admin/webhooks')).json();
    expect(list.items).toEqual([
      expect.objectContaining({ id: created.id, url: receiver.url, eventTypes: ['verification.revoked'] }),
    ]);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    expect((await admin(`/v1/admin/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await (await admin('/v1/admin/webhooks')).json()).items).toEqual([]);
  });

  it('survives a 500 and a timeout, then delivers once, signed; nothing acknowledged is sent again', async () => {
    // 1st: 500, 2nd: no answer (times out), then 200
    receiver = await startWebhookReceiver((n) => (n === 0 ? 500 : n === 1 ? 'hang' : 200));
    const { secret } = await register();
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'degree_certificate',
      fields: { degree: '工学学士' },
    });
    expect((await revoke(id)).status).toBe(200);

    const [event] = await t.services.webhooks.listEventsBySubject('u-1');
    if (!event) throw new Error('no event was written');
    const settled = await waitFor(
      () => eventOf(event.id),
      (e) => e.deliveries[0]?.status === 'delivered',
    );
    expect(settled.deliveries[0]).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
    expect(receiver.received.map((r) => r.answer)).toEqual([500, 'hang', 200]);

    for (const request of receiver.received) {
      expect(request.headers['webhook-id']).toBe(event.id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(signedWith(request, secret)).toBe(true);
    }
    const payload = JSON.parse(receiver.received[2]?.body ?? 'null');
    expect(payload).toMatchObject({
      id: event.id,
      type: 'verification.revoked',
      data: {
        verificationId: id,
        subjectId: 'u-1',
        verdict: 'verified',
        revocation: { reason: 'document_invalid' },
        revokedBy: { role: 'reviewer' },
        eligibility: { eligible: false, tier: null, policyVersion: 'limit-raise.v1' },
      },
    });
    expect(receiver.received[2]?.body).not.toContain('张伟');

    // a later event goes out once too, and the acknowledged one is never repeated
    const second = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'unknown',
      verdict: 'rejected',
    });
    await revoke(second);
    await waitFor(
      () => receiver.acknowledged().length,
      (n) => n >= 2,
    );
    await new Promise((r) => setTimeout(r, 600));
    const ids = receiver.acknowledged().map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('replays an event with the same Webhook-Id on request', async () => {
    receiver = await startWebhookReceiver();
    await register();
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'unknown',
      verdict: 'rejected',
    });
    await revoke(id);
    const [event] = await t.services.webhooks.listEventsBySubject('u-1');
    await waitFor(
      () => receiver.acknowledged().length,
      (n) => n === 1,
    );

    const replay = await t.app.request(`/v1/admin/webhooks/events/${event?.id}/replay`, {
      method: 'POST',
      headers: t.auth('admin'),
    });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('retry-after')).toBe('1');
    const { deliveries } = await replay.json();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].replayOf).toBeTruthy();
    await waitFor(
      () => receiver.acknowledged().length,
      (n) => n === 2,
    );
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([event?.id, event?.id]);
    expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
  });

  it('sends an endpoint only the event types it asked for, and nothing once removed', async () => {
    receiver = await startWebhookReceiver();
    const onlyCompleted = await register({ eventTypes: ['verification.completed'] });
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'unknown',
      verdict: 'rejected',
    });
    await revoke(id);
    const [event] = await t.services.webhooks.listEventsBySubject('u-1');
    expect((await eventOf(String(event?.id))).deliveries).toEqual([]);
    await admin(`/v1/admin/webhooks/${onlyCompleted.id}`, { method: 'DELETE' });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toEqual([]);
  });
});
