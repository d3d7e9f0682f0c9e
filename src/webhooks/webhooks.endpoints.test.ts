import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import {
  signedWith,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from '../../test/support/webhook-receiver.js';
import type { AuditRecord } from '../audit/audit.models.js';

// The receivers listen on 127.0.0.1, a private target: allowed only with the development setting.
const FAST = {
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
};

describe('webhooks: managing an endpoint', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  beforeEach(async () => {
    t = await createTestApp({ env: FAST });
  });
  afterEach(async () => {
    await t.close();
    for (const r of receivers.splice(0)) await r.close();
  });

  const receiver = async (script?: (n: number) => number | 'hang') => {
    const started = await startWebhookReceiver(script);
    receivers.push(started);
    return started;
  };
  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    t.app.request(path, {
      method: init.method ?? 'GET',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const register = async (url: string, body: Record<string, unknown> = {}) => {
    const res = await admin('/v1/admin/webhooks', { method: 'POST', body: { url, ...body } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string };
  };
  const ping = async (endpointId: string) => {
    const res = await admin(`/v1/admin/webhooks/endpoints/${endpointId}/ping`, { method: 'POST' });
    expect(res.status).toBe(202);
    return (await res.json()) as { eventId: string; delivery: { id: string; status: string } };
  };
  const deliveriesOf = async (eventId: string) =>
    (await (await admin(`/v1/admin/webhooks/events/${eventId}`)).json()).deliveries as {
      status: string;
      endpointId: string;
      lastError: string | null;
    }[];
  const revokeOne = async (subjectId: string) => {
    const id = await seedVerification(t.services, {
      subjectId,
      documentType: 'unknown',
      verdict: 'rejected',
    });
    const res = await t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'other' }),
    });
    expect(res.status).toBe(200);
    const [event] = await t.services.webhooks.listEventsBySubject(subjectId);
    if (!event) throw new Error('no event was written');
    return event.id;
  };
  const endpointAudit = async (endpointId: string) => {
    const records: AuditRecord[] = [];
    for await (const entry of t.services.audit.iterateChain()) {
      if ('entityType' in entry && entry.entityType === 'webhook_endpoint' && entry.entityId === endpointId) {
        records.push(entry);
      }
    }
    return records;
  };

  it('a ping is delivered like any event: one signed POST of type ping, which a Standard Webhooks receiver verifies', async () => {
    const r = await receiver();
    // Subscribed to one type only: a ping goes to the endpoint it names all the same.
    const { id, secret } = await register(r.url, { eventTypes: ['verification.completed'] });
    const { eventId, delivery } = await ping(id);
    expect(delivery.status).toBe('pending');
    await waitFor(
      () => r.acknowledged().length,
      (n) => n === 1,
    );
    const [request] = r.received;
    if (!request) throw new Error('nothing arrived');
    expect(request.headers['webhook-id']).toBe(eventId);
    expect(signedWith(request, secret)).toBe(true);
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ id: eventId, type: 'ping', data: { endpointId: id } });
    expect(body.timestamp).toBe(body.createdAt);
    await waitFor(
      () => deliveriesOf(eventId),
      (d) => d[0]?.status === 'delivered',
    );
    expect((await endpointAudit(id)).map((a) => [a.action, a.actor])).toEqual([
      ['webhook_endpoint.created', expect.objectContaining({ type: 'key', role: 'admin' })],
      ['webhook_endpoint.pinged', expect.objectContaining({ type: 'key', role: 'admin' })],
    ]);
  });

  it('updates the URL, event types and description; later events follow the new settings', async () => {
    const first = await receiver();
    const second = await receiver();
    const { id, secret } = await register(first.url, { description: 'old' });

    const res = await admin(`/v1/admin/webhooks/endpoints/${id}`, {
      method: 'PATCH',
      body: { url: second.url, eventTypes: ['verification.revoked'], description: null },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id,
      url: second.url,
      eventTypes: ['verification.revoked'],
      description: null,
      disabledAt: null,
    });
    const eventId = await revokeOne('u-update');
    await waitFor(
      () => second.acknowledged().length,
      (n) => n === 1,
    );
    const [arrived] = second.received;
    expect(arrived?.headers['webhook-id']).toBe(eventId);
    expect(arrived && signedWith(arrived, secret)).toBe(true);
    expect(first.received).toEqual([]);

    // Only the description: the rest stays.
    const renamed = await admin(`/v1/admin/webhooks/endpoints/${id}`, {
      method: 'PATCH',
      body: { description: 'engine' },
    });
    expect(await renamed.json()).toMatchObject({ url: second.url, description: 'engine' });

    const updates = (await endpointAudit(id)).filter((a) => a.action === 'webhook_endpoint.updated');
    expect(updates.map((a) => [a.before, a.after])).toEqual([
      [
        { url: first.url, description: 'old', eventTypes: [], disabled: false },
        { url: second.url, description: null, eventTypes: ['verification.revoked'], disabled: false },
      ],
      [
        { url: second.url, description: null, eventTypes: ['verification.revoked'], disabled: false },
        { url: second.url, description: 'engine', eventTypes: ['verification.revoked'], disabled: false },
      ],
    ]);
  });

  it('a disabled endpoint gets nothing: its pending delivery is cancelled, new events skip it; enabled, it gets events again', async () => {
    const r = await receiver(() => 500);
    const { id } = await register(r.url);
    const failing = await ping(id);
    await waitFor(
      () => r.received.length,
      (n) => n >= 1,
    );

    const disabled = await admin(`/v1/admin/webhooks/endpoints/${id}/disable`, { method: 'POST' });
    expect(disabled.status).toBe(200);
    expect((await disabled.json()).disabledAt).toEqual(expect.any(String));
    expect(await deliveriesOf(failing.eventId)).toEqual([
      expect.objectContaining({ status: 'cancelled', lastError: 'endpoint_disabled' }),
    ]);
    // Still listed, as disabled; a ping is refused; an event written now has no delivery for it.
    const listed = await (await admin('/v1/admin/webhooks')).json();
    expect(listed.items).toEqual([expect.objectContaining({ id, disabledAt: expect.any(String) })]);
    expect((await admin(`/v1/admin/webhooks/endpoints/${id}/ping`, { method: 'POST' })).status).toBe(404);
    const skipped = await revokeOne('u-disabled');
    expect(await deliveriesOf(skipped)).toEqual([]);
    const seen = r.received.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.received.length).toBe(seen);
    // Disabling twice changes nothing more.
    expect((await admin(`/v1/admin/webhooks/endpoints/${id}/disable`, { method: 'POST' })).status).toBe(200);

    r.setScript(() => 200);
    const enabled = await admin(`/v1/admin/webhooks/endpoints/${id}/enable`, { method: 'POST' });
    expect((await enabled.json()).disabledAt).toBeNull();
    const delivered = await revokeOne('u-enabled');
    await waitFor(
      () => r.acknowledged().map((x) => x.headers['webhook-id']),
      (ids) => ids.includes(delivered),
    );
    expect(r.received.map((x) => x.headers['webhook-id'])).not.toContain(skipped);

    expect((await endpointAudit(id)).map((a) => [a.action, a.after])).toEqual([
      ['webhook_endpoint.created', expect.anything()],
      ['webhook_endpoint.pinged', expect.anything()],
      ['webhook_endpoint.disabled', expect.objectContaining({ disabled: true, deliveriesCancelled: 1 })],
      ['webhook_endpoint.enabled', expect.objectContaining({ disabled: false })],
    ]);
  });

  it('a receiver answering 410 Gone has its endpoint disabled (Standard Webhooks): no retry, audited as the system', async () => {
    const r = await receiver(() => 410);
    const { id } = await register(r.url);
    const { eventId } = await ping(id);
    const [delivery] = await waitFor(
      () => deliveriesOf(eventId),
      (d) => d[0]?.status === 'failed',
    );
    expect(delivery).toMatchObject({ lastError: 'http_status:410' });
    const listed = await (await admin('/v1/admin/webhooks')).json();
    expect(listed.items).toEqual([expect.objectContaining({ id, disabledAt: expect.any(String) })]);
    expect((await endpointAudit(id)).at(-1)).toMatchObject({
      action: 'webhook_endpoint.disabled',
      actor: { type: 'system' },
      after: { disabled: true, reason: 'receiver_gone' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.received).toHaveLength(1);
  });

  it('removing an endpoint cancels its pending deliveries, is audited, and it cannot be enabled again', async () => {
    const r = await receiver(() => 500);
    const { id } = await register(r.url);
    const { eventId } = await ping(id);
    await waitFor(
      () => r.received.length,
      (n) => n >= 1,
    );
    expect((await admin(`/v1/admin/webhooks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await deliveriesOf(eventId)).toEqual([
      expect.objectContaining({ status: 'cancelled', lastError: 'endpoint_removed' }),
    ]);
    expect((await admin(`/v1/admin/webhooks/endpoints/${id}/enable`, { method: 'POST' })).status).toBe(404);
    expect(
      (await admin(`/v1/admin/webhooks/endpoints/${id}`, { method: 'PATCH', body: { description: 'x' } }))
        .status,
    ).toBe(404);
    expect((await endpointAudit(id)).at(-1)).toMatchObject({
      action: 'webhook_endpoint.removed',
      after: { deliveriesCancelled: 1 },
    });
  });
});

describe('webhooks: an endpoint URL changed to an internal address (SSRF)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('is refused like at registration, and the endpoint keeps its URL', async () => {
    t = await createTestApp();
    const headers = { ...t.auth('admin'), 'content-type': 'application/json' };
    // A public address literal: checked without a name server.
    const created = await t.app.request('/v1/admin/webhooks', {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: 'https://93.184.216.34/hooks' }),
    });
    const { id } = await created.json();
    for (const url of [
      'http://127.0.0.1:8787/',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost/',
    ]) {
      const res = await t.app.request(`/v1/admin/webhooks/endpoints/${id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ url }),
      });
      expect(res.status, url).toBe(400);
      expect((await res.json()).errors).toEqual([expect.objectContaining({ path: 'url' })]);
    }
    const list = await (await t.app.request('/v1/admin/webhooks', { headers })).json();
    expect(list.items).toEqual([expect.objectContaining({ id, url: 'https://93.184.216.34/hooks' })]);
  });
});
