import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import {
  type ReceivedWebhook,
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

describe('webhooks: rotating the signing secret', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    t = await createTestApp({ env: FAST });
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  const admin = (path: string, body?: unknown) =>
    t.app.request(path, {
      method: 'POST',
      headers: { ...t.auth('admin'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const register = async () => {
    const res = await admin('/v1/admin/webhooks', { url: receiver.url });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string };
  };
  const rotate = async (id: string, body?: unknown) => {
    const res = await admin(`/v1/admin/webhooks/endpoints/${id}/rotate-secret`, body);
    expect(res.status).toBe(200);
    return (await res.json()) as { id: string; secret: string; previousSecretExpiresAt: string | null };
  };
  /** Pings the endpoint and answers the request that arrived for it. */
  const pinged = async (id: string): Promise<ReceivedWebhook> => {
    const res = await admin(`/v1/admin/webhooks/endpoints/${id}/ping`);
    expect(res.status).toBe(202);
    const { eventId } = await res.json();
    const arrived = await waitFor(
      () => receiver.acknowledged().find((r) => r.headers['webhook-id'] === eventId),
      (r) => r !== undefined,
    );
    if (!arrived) throw new Error('the ping did not arrive');
    return arrived;
  };
  const signatures = (r: ReceivedWebhook) => String(r.headers['webhook-signature']).split(' ');

  it('during the overlap a delivery carries two signatures, and a receiver with either secret verifies it; after it, only the new one', async () => {
    const { id, secret: old } = await register();
    expect(signatures(await pinged(id))).toHaveLength(1);

    const rotated = await rotate(id, { overlapSeconds: 3 });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(old);
    const overlapEnds = Date.parse(String(rotated.previousSecretExpiresAt));

    const during = await pinged(id);
    expect(Date.now()).toBeLessThan(overlapEnds);
    expect(signatures(during)).toHaveLength(2);
    expect(signedWith(during, old)).toBe(true);
    expect(signedWith(during, rotated.secret)).toBe(true);
    expect(signedWith(during, `whsec_${crypto.randomBytes(32).toString('base64')}`)).toBe(false);

    await new Promise((resolve) => setTimeout(resolve, overlapEnds - Date.now() + 50));
    const after = await pinged(id);
    expect(signatures(after)).toHaveLength(1);
    expect(signedWith(after, rotated.secret)).toBe(true);
    expect(signedWith(after, old)).toBe(false);
    const list = await (await t.app.request('/v1/admin/webhooks', { headers: t.auth('admin') })).json();
    expect(list.items).toEqual([expect.objectContaining({ id, previousSecretExpiresAt: null })]);

    // Audited, without either secret.
    const audit: unknown[] = [];
    for await (const entry of t.services.audit.iterateChain()) audit.push(entry);
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'webhook_endpoint.secret_rotated',
        entityId: id,
        after: { previousSecretExpiresAt: rotated.previousSecretExpiresAt },
      }),
    );
    const trail = JSON.stringify(audit);
    for (const secret of [old, rotated.secret]) {
      expect(trail).not.toContain(secret);
      expect(trail).not.toContain(secret.slice('whsec_'.length));
    }
  });

  it('the overlap lasts 24 hours unless the request says otherwise; 0 ends it at once', async () => {
    const { id, secret: old } = await register();
    const before = Date.now();
    const rotated = await rotate(id);
    const overlap = Date.parse(String(rotated.previousSecretExpiresAt)) - before;
    expect(overlap).toBeGreaterThanOrEqual(24 * 3_600_000 - 1_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);

    const cut = await rotate(id, { overlapSeconds: 0 });
    expect(cut.previousSecretExpiresAt).toBeNull();
    const delivered = await pinged(id);
    expect(signatures(delivered)).toHaveLength(1);
    expect(signedWith(delivered, cut.secret)).toBe(true);
    expect(signedWith(delivered, rotated.secret)).toBe(false);
    expect(signedWith(delivered, old)).toBe(false);
  });

  it('rotating again within the overlap keeps the last two secrets only', async () => {
    const { id, secret: first } = await register();
    const second = await rotate(id);
    const third = await rotate(id);
    const delivered = await pinged(id);
    expect(signatures(delivered)).toHaveLength(2);
    expect(signedWith(delivered, third.secret)).toBe(true);
    expect(signedWith(delivered, second.secret)).toBe(true);
    expect(signedWith(delivered, first)).toBe(false);
  });

  it('an endpoint registered before standard signing keeps its key: its base64url secret, written in base64, verifies; rotating hands it a standard one', async () => {
    // As secrets were issued before: base64url, no padding. Stored as any endpoint's secret is.
    const key = crypto.randomBytes(32);
    const legacy = `whsec_${key.toString('base64url')}`;
    await t.services.webhooks.insertEndpoint(
      {
        id: 'whe_legacy',
        url: receiver.url,
        description: null,
        eventTypes: [],
        createdAt: new Date(),
        disabledAt: null,
        removedAt: null,
        previousSecretExpiresAt: null,
      },
      legacy,
      null,
    );
    const converted = `whsec_${key.toString('base64')}`;
    expect(signedWith(await pinged('whe_legacy'), converted)).toBe(true);

    const rotated = await rotate('whe_legacy');
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    const during = await pinged('whe_legacy');
    expect(signedWith(during, rotated.secret)).toBe(true);
    expect(signedWith(during, converted)).toBe(true);
  });
});
