import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTextPng } from '../../test/support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

describe('headers integrators rely on', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('every answer carries X-Request-Id, and a problem body names the same id', async () => {
    const answers = [
      await t.app.request('/healthz'),
      await t.app.request('/openapi.json'),
      await t.app.request('/v1/verifications/ver_missing'),
      await t.app.request('/v1/verifications/ver_missing', { headers: t.auth('engine') }),
      await t.app.request('/v1/subjects/u-1/eligibility', { headers: t.auth('client') }),
      await t.app.request('/v1/subjects/u-1/verifications?limit=0', { headers: t.auth('engine') }),
      await t.app.request('/no/such/route'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 403, 400, 404]);
    for (const res of answers) {
      const id = res.headers.get('x-request-id');
      expect(id, res.url).toMatch(/^[0-9a-f-]{36}$/);
      if (res.headers.get('content-type') === 'application/problem+json') {
        expect((await res.json()).requestId, res.url).toBe(id);
      }
    }
  });

  it('keeps a well-formed incoming X-Request-Id and replaces one that is not', async () => {
    const kept = await t.app.request('/v1/verifications/ver_missing', {
      headers: { ...t.auth('engine'), 'x-request-id': 'gateway.7f3a-01' },
    });
    expect(kept.headers.get('x-request-id')).toBe('gateway.7f3a-01');
    expect((await kept.json()).requestId).toBe('gateway.7f3a-01');
    const replaced = await t.app.request('/healthz', { headers: { 'x-request-id': 'a b\u00e9<script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a 401 carries a Bearer challenge, naming the refused token when one was sent (RFC 6750)', async () => {
    const none = await t.app.request('/v1/verifications/ver_1');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="docverify"');
    const bad = await t.app.request('/v1/verifications/ver_1', {
      headers: { authorization: 'Bearer dv_not_a_key' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="docverify", error="invalid_token"');
    // Other problems carry no challenge.
    const forbidden = await t.app.request('/v1/admin/webhooks', { headers: t.auth('client') });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toBeNull();
  });

  it('an accepted upload (202) says when to poll its Location', async () => {
    const res = await t.app.request('/v1/verifications', {
      method: 'POST',
      headers: t.auth('client'),
      body: uploadForm({ file: fileBlob(await makeTextPng(), 'image/png'), subjectId: 'u-1' }),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/^\/v1\/verifications\/\S+$/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
