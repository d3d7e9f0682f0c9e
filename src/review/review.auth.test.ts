import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { seedReviewCase, signInForTest } from './review.test-support.js';

describe('review pages: sign-in, sessions and CSRF', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('without a session cookie every page redirects to the sign-in page, and the image is not served', async () => {
    const id = await seedReviewCase(t);
    for (const path of [
      '/review',
      `/review/cases/${id}`,
      `/review/cases/${id}/image`,
      '/review/metrics',
      '/review/fixtures',
    ]) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/review\/sign-in\?next=/);
    }
    const bogus = await t.app.request('/review', { headers: { cookie: 'dv_review=not-a-session' } });
    expect(bogus.status).toBe(303);
  });

  it('a reviewer key signs in into an HttpOnly SameSite=Strict session; the page has a strict CSP', async () => {
    const { res, cookie } = await signInForTest(t, t.keys.reviewer);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/review');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toMatch(/Secure/i); // plain http in the test
    const page = await t.app.request('/review', { headers: { cookie } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('without TRUST_PROXY the client-sent X-Forwarded-Host and -Proto are ignored: a cross-site sign-in is 403', async () => {
    const signIn = (headers: Record<string, string>) =>
      t.app.request('/review/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ key: t.keys.reviewer }).toString(),
      });
    // Login CSRF: another site posts the form and claims to be the host it came from.
    const forged = await signIn({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
    // A claimed https does not decide the cookie either.
    const plain = await signIn({ origin: 'http://localhost', 'x-forwarded-proto': 'https' });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('set-cookie')).toMatch(/^dv_review=/);
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/i);
  });

  it('an engine or client key cannot sign in (403), a wrong key is 401, and no cookie is set', async () => {
    for (const [role, status] of [
      ['engine', 403],
      ['client', 403],
    ] as const) {
      const { res } = await signInForTest(t, t.keys[role]);
      expect(res.status, role).toBe(status);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('may not review');
    }
    const { res } = await signInForTest(t, 'dv_reviewer_wrong');
    expect(res.status).toBe(401);
    const admin = await signInForTest(t, t.keys.admin);
    expect(admin.res.status).toBe(303);
  });

  it('a POST without the CSRF token is 403, and one from another origin is 403 even with it', async () => {
    const id = await seedReviewCase(t);
    const { cookie, csrf, origin } = await signInForTest(t, t.keys.reviewer);
    expect(csrf).not.toBe('');
    const form = (extra: Record<string, string>) =>
      new URLSearchParams({ version: '1', action: 'approve', ...extra }).toString();
    const post = (headers: Record<string, string>, body: string) =>
      t.app.request(`/review/cases/${id}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    expect((await post({ origin }, form({}))).status).toBe(403);
    expect((await post({ origin }, form({ _csrf: 'wrong' }))).status).toBe(403);
    expect((await post({ origin: 'https://evil.example' }, form({ _csrf: csrf }))).status).toBe(403);
    expect((await post({}, form({ _csrf: csrf }))).status).toBe(403);
    // nothing changed
    const read = await t.app.request(`/v1/verifications/${id}`, { headers: t.auth('engine') });
    expect((await read.json()).verdict).toBe('needs_review');
  });

  it('sign-out ends the session on the server: the old cookie no longer opens a page', async () => {
    const { cookie, csrf, origin } = await signInForTest(t, t.keys.reviewer);
    const out = await t.app.request('/review/sign-out', {
      method: 'POST',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/i);
    expect((await t.app.request('/review', { headers: { cookie } })).status).toBe(303);
  });

  it('revoking the API key ends its sessions', async () => {
    const { cookie } = await signInForTest(t, t.keys.reviewer);
    const key = await t.services.authenticator.authenticate(t.keys.reviewer);
    if (!key) throw new Error('no key');
    await t.services.apiKeys.revoke(key.id, new Date());
    expect((await t.app.request('/review', { headers: { cookie } })).status).toBe(303);
  });
});

describe('review pages behind a reverse proxy (TRUST_PROXY=true)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
  });
  afterEach(async () => {
    await t.close();
  });

  it("the proxy's X-Forwarded-Host passes the Origin check and https makes the cookie Secure with the __Host- prefix", async () => {
    const res = await t.app.request('/review/sign-in', {
      method: 'POST',
      headers: {
        origin: 'https://review.example',
        host: '10.0.0.7:8787',
        'x-forwarded-host': 'review.example',
        'x-forwarded-proto': 'https',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ key: t.keys.reviewer }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-dv_review=.*Secure/i);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await t.app.request('/review', { headers: { cookie, 'x-forwarded-proto': 'https' } });
    expect(page.status).toBe(200);
  });
});
