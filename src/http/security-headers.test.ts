import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { seedReviewCase, signInForTest } from '../review/review.test-support.js';

describe('security headers', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('every /v1 answer, errors included, is no-store and nosniff', async () => {
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'degree_certificate',
      fields: { name: '张伟', degree: '工学学士' },
    });
    const answers = [
      await t.app.request(`/v1/verifications/${id}`, { headers: t.auth('engine') }),
      await t.app.request('/v1/subjects/u-1/verifications', { headers: t.auth('engine') }),
      await t.app.request('/v1/admin/webhooks', { headers: t.auth('admin') }),
      await t.app.request(`/v1/verifications/${id}`),
      await t.app.request('/v1/verifications/ver_missing', { headers: t.auth('engine') }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 401, 404]);
    for (const res of answers) {
      expect(res.headers.get('cache-control'), res.url).toBe('no-store');
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
    }
  });

  it("the original image keeps its own sandboxing CSP under the review pages' policy", async () => {
    const id = await seedReviewCase(t);
    const { cookie } = await signInForTest(t, t.keys.reviewer);
    const res = await t.app.request(`/review/cases/${id}/image`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('sandbox');
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('/docs has a CSP that allows only its own assets and its one inline script', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    // Assets come from this server, and every inline script is allowed by its hash.
    for (const [, src] of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)) {
      expect(src).toMatch(/^\/docs\/assets\//);
      expect((await t.app.request(String(src))).status).toBe(200);
    }
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => String(m[1]));
    expect(inline).toHaveLength(1);
    for (const script of inline) {
      const hash = crypto.createHash('sha256').update(script).digest('base64');
      expect(csp).toContain(`'sha256-${hash}'`);
    }
  });
});
