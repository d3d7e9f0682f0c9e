import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpRows } from '../../test/support/db-rows.js';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { startWebhookReceiver, type WebhookReceiver, waitFor } from '../../test/support/webhook-receiver.js';
import { fakeDns } from './webhooks.test-support.js';

const FAST = { WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_RETRY_BASE_MS: '50' };
const PUBLIC_ADDRESS = '93.184.216.34';

describe('webhooks: security', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({
      overrides: { resolveHost: fakeDns({ 'hooks.example.com': [PUBLIC_ADDRESS] }).resolve },
    });
  });
  afterEach(async () => {
    await t.close();
  });

  it('every webhook endpoint needs the admin role', async () => {
    const calls: [string, string][] = [
      ['POST', '/v1/admin/webhooks'],
      ['GET', '/v1/admin/webhooks'],
      ['DELETE', '/v1/admin/webhooks/whe_1'],
      ['PATCH', '/v1/admin/webhooks/endpoints/whe_1'],
      ['POST', '/v1/admin/webhooks/endpoints/whe_1/disable'],
      ['POST', '/v1/admin/webhooks/endpoints/whe_1/enable'],
      ['POST', '/v1/admin/webhooks/endpoints/whe_1/rotate-secret'],
      ['POST', '/v1/admin/webhooks/endpoints/whe_1/ping'],
      ['GET', '/v1/admin/webhooks/events/evt_1'],
      ['POST', '/v1/admin/webhooks/events/evt_1/replay'],
    ];
    for (const [method, path] of calls) {
      expect((await t.app.request(path, { method })).status).toBe(401);
      for (const role of ['client', 'engine', 'reviewer'] as const) {
        const res = await t.app.request(path, { method, headers: t.auth(role) });
        expect(res.status, `${method} ${path} as ${role}`).toBe(403);
      }
    }
  });

  it('stores the signing secret sealed, never in plain text', async () => {
    const res = await t.app.request('/v1/admin/webhooks', {
      method: 'POST',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.com/in' }),
    });
    expect(res.status).toBe(201);
    const { secret } = await res.json();
    const dump = await dumpRows(t.services, ['webhookEndpointsTable']);
    expect(dump).not.toContain(secret);
    expect(dump).toContain('"secretSealed":"v1.');
  });
});

describe('webhooks: no requests to internal addresses (SSRF)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver | null = null;
  afterEach(async () => {
    await t.close();
    await receiver?.close();
    receiver = null;
  });

  const register = (url: string) =>
    t.app.request('/v1/admin/webhooks', {
      method: 'POST',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
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
  const firstAttempt = (eventId: string) =>
    waitFor(
      () => t.services.webhooks.listDeliveries(eventId),
      (d) => (d[0]?.attempts ?? 0) >= 1,
    ).then((d) => d[0]);

  it.each([
    ['loopback', 'http://127.0.0.1:8787/v1/admin/keys'],
    ['loopback, short form', 'http://127.1/'],
    ['loopback, decimal form', 'http://2130706433/'],
    ['unspecified', 'http://0.0.0.0:22/'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data/'],
    ['private 10/8', 'http://10.1.2.3/'],
    ['private 172.16/12', 'https://172.16.0.1/'],
    ['private 192.168/16', 'http://192.168.1.1/'],
    ['carrier-grade NAT', 'http://100.64.0.1/'],
    ['multicast', 'http://224.0.0.1/'],
    ['reserved', 'http://240.0.0.1/'],
    ['IPv6 loopback', 'http://[::1]:8787/'],
    ['IPv6 unspecified', 'http://[::]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['IPv6 unique local', 'http://[fd00::1]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped metadata, hex', 'http://[::ffff:a9fe:a9fe]/'],
    ['NAT64 of the metadata address', 'http://[64:ff9b::a9fe:a9fe]/'],
    ['6to4 of loopback', 'http://[2002:7f00:1::1]/'],
    ['localhost', 'http://localhost:8787/'],
    ['a localhost subdomain', 'http://api.localhost/'],
    ['localhost with a trailing dot', 'http://LOCALHOST./'],
    ['a name that resolves to a private address', 'https://internal.example.com/hooks'],
    ['a name with one private address among public ones', 'https://mixed.example.com/hooks'],
    ['a name that does not resolve', 'https://nowhere.example.com/hooks'],
    ['credentials in the URL', 'https://user:secret@hooks.example.com/hooks'],
  ])('refuses %s at registration (%s)', async (_, url) => {
    const dns = fakeDns({
      'hooks.example.com': [PUBLIC_ADDRESS],
      'internal.example.com': ['10.0.0.5'],
      'mixed.example.com': [PUBLIC_ADDRESS, '127.0.0.1'],
    });
    t = await createTestApp({ overrides: { resolveHost: dns.resolve } });
    const res = await register(url);
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(['url']);
    // One answer for every refusal: it does not tell what is listening where.
    expect(problem.errors[0].message).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/);
    const list = await t.app.request('/v1/admin/webhooks', { headers: t.auth('admin') });
    expect((await list.json()).items).toEqual([]);
  });

  it('accepts a name whose every address is public', async () => {
    t = await createTestApp({
      overrides: {
        resolveHost: fakeDns({ 'hooks.example.com': [PUBLIC_ADDRESS, '2606:2800:220:1::1'] }).resolve,
      },
    });
    expect((await register('https://hooks.example.com/in')).status).toBe(201);
  });

  it('DNS rebinding: a name public at registration and loopback at delivery is refused at delivery; nothing reaches the local receiver', async () => {
    receiver = await startWebhookReceiver();
    const port = new URL(receiver.url).port;
    const dns = fakeDns({ 'rebind.example.com': [PUBLIC_ADDRESS] });
    t = await createTestApp({ env: FAST, overrides: { resolveHost: dns.resolve } });
    expect((await register(`http://rebind.example.com:${port}/hooks`)).status).toBe(201);

    dns.set('rebind.example.com', ['127.0.0.1']);
    const eventId = await revokeOne('u-rebind');
    const delivery = await firstAttempt(eventId);
    expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'target_refused' });
    await waitFor(
      () => t.services.webhooks.listDeliveries(eventId),
      (d) => (d[0]?.attempts ?? 0) >= 2,
    );
    expect(receiver.received).toEqual([]);
  });

  it('WEBHOOK_ALLOW_PRIVATE_TARGETS=true lets a development receiver on 127.0.0.1 in, by address or by name', async () => {
    receiver = await startWebhookReceiver();
    const port = new URL(receiver.url).port;
    const dns = fakeDns({ 'receiver.dev.test': ['127.0.0.1'] });
    t = await createTestApp({
      env: { ...FAST, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
      overrides: { resolveHost: dns.resolve },
    });
    // Connected through the resolver's answer: the address that was checked is the one used.
    expect((await register(`http://receiver.dev.test:${port}/by-name`)).status).toBe(201);
    expect((await register(receiver.url)).status).toBe(201);
    await revokeOne('u-dev');
    await waitFor(
      () => receiver?.acknowledged().length ?? 0,
      (n) => n === 2,
    );
    // Credentials stay refused even here.
    expect((await register(`http://user:pw@127.0.0.1:${port}/`)).status).toBe(400);
  });

  it('shows admins a category for a failed delivery, never the raw error with its address and port', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    receiver = await startWebhookReceiver(() => 500);
    const silent = await startWebhookReceiver(() => 'hang');
    t = await createTestApp({ env: { ...FAST, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
    expect((await register(`http://127.0.0.1:${closedPort}/hooks`)).status).toBe(201);
    expect((await register(receiver.url)).status).toBe(201);
    expect((await register(silent.url)).status).toBe(201);

    const eventId = await revokeOne('u-errors');
    const deliveries = await waitFor(
      () => t.services.webhooks.listDeliveries(eventId),
      (d) => d.length === 3 && d.every((x) => x.attempts >= 1),
    ).finally(() => silent.close());
    const errors = deliveries.map((d) => d.lastError).sort();
    expect(errors).toEqual(['connection_failed', 'http_status:500', 'timeout']);
    const shown = await t.app.request(`/v1/admin/webhooks/events/${eventId}`, { headers: t.auth('admin') });
    const text = await shown.text();
    expect(text).not.toContain(String(closedPort));
    expect(text).not.toContain('ECONNREFUSED');
  });
});
