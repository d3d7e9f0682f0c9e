import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpRows } from '../../test/support/db-rows.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

describe('webhooks: security', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('every webhook endpoint needs the admin role', async () => {
    const calls: [string, string][] = [
      ['POST', '/v1/admin/webhooks'],
      ['GET', '/v1/admin/webhooks'],
      ['DELETE', '/v1/admin/webhooks/whe_1'],
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
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks' }),
    });
    const { secret } = await res.json();
    const dump = await dumpRows(t.services, ['webhookEndpointsTable']);
    expect(dump).not.toContain(secret);
    expect(dump).toContain('"secretSealed":"v1.');
  });
});
