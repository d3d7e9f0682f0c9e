import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInForTest } from '../src/review/review.test-support.js';
import { seedVerification } from './support/seed.js';
import { createTestApp, type TestApp } from './support/test-services.js';

/**
 * Every route of the app, for every caller: nobody, each API role and a second client. The list
 * of routes comes from the app itself, so a new route without a row here fails the first test.
 *
 * - `ok`: the caller got past authorization (any status but 401, 403 and 5xx; a 400 for the
 *   empty body we send, or a 404 for a made-up id, still means "allowed").
 * - 401 / 403 / 404: exactly that status (404 is how another client's verification looks).
 * - `sign-in`: a review page's 303 redirect to the sign-in form.
 * - `any`: a public route; only "no 5xx" is checked.
 */
type Caller = 'none' | 'client' | 'client2' | 'engine' | 'reviewer' | 'admin';
type Expect = 'ok' | 401 | 403 | 404 | 'sign-in' | 'any';
type Row = Record<Caller, Expect>;

const CALLERS: Caller[] = ['none', 'client', 'client2', 'engine', 'reviewer', 'admin'];

const publicRoute: Row = {
  none: 'any',
  client: 'any',
  client2: 'any',
  engine: 'any',
  reviewer: 'any',
  admin: 'any',
};
/** Bearer API: 401 without a key, 403 for a role not listed, admin passes every check. */
const api = (...allowed: Exclude<Caller, 'none' | 'admin' | 'client2'>[]): Row => {
  const cell = (role: 'client' | 'engine' | 'reviewer'): Expect => (allowed.includes(role) ? 'ok' : 403);
  return {
    none: 401,
    client: cell('client'),
    client2: cell('client'),
    engine: cell('engine'),
    reviewer: cell('reviewer'),
    admin: 'ok',
  };
};
/** Review pages: only a signed-in reviewer (or admin); anybody else cannot sign in and is sent to the form. */
const reviewPage: Row = {
  none: 'sign-in',
  client: 'sign-in',
  client2: 'sign-in',
  engine: 'sign-in',
  reviewer: 'ok',
  admin: 'ok',
};

const MATRIX: Record<string, Row> = {
  'GET /healthz': publicRoute,
  'GET /readyz': publicRoute,
  'GET /metrics': publicRoute,
  'GET /openapi.json': publicRoute,
  'GET /docs': publicRoute,
  'GET /docs/assets/swagger-ui-dist/:file{swagger-ui\\.css|swagger-ui-bundle\\.js}': publicRoute,

  'POST /v1/verifications': api('client'),
  // IDOR: the second client cannot tell another client's verification from a missing one.
  'GET /v1/verifications/:id': { ...api('client', 'engine', 'reviewer'), client2: 404 },
  // A subject is its creator's: the second client cannot tell it from a missing one.
  'GET /v1/subjects/:subjectId/verifications': { ...api('client', 'engine', 'reviewer'), client2: 404 },
  'PUT /v1/subjects/:subjectId/identity': { ...api('client'), client2: 404 },
  'POST /v1/verifications/:id/revoke': api('reviewer'),
  'POST /v1/verifications/:id/corrections': api('reviewer'),
  'GET /v1/verifications/:id/approvals': api('reviewer'),
  'POST /v1/verifications/:id/approvals': api('reviewer'),
  'GET /v1/verifications/:id/audit': api('engine', 'reviewer'),
  'GET /v1/subjects/:subjectId/eligibility': api('engine'),
  'DELETE /v1/subjects/:subjectId': api(),
  'POST /v1/admin/keys': api(),
  'GET /v1/admin/keys': api(),
  'POST /v1/admin/keys/:keyId/revoke': api(),
  'POST /v1/admin/keys/:keyId/rotate': api(),
  'POST /v1/admin/webhooks': api(),
  'GET /v1/admin/webhooks': api(),
  'DELETE /v1/admin/webhooks/:endpointId': api(),
  'GET /v1/admin/webhooks/events/:eventId': api(),
  'POST /v1/admin/webhooks/events/:eventId/replay': api(),
  'PATCH /v1/admin/webhooks/endpoints/:endpointId': api(),
  'POST /v1/admin/webhooks/endpoints/:endpointId/disable': api(),
  'POST /v1/admin/webhooks/endpoints/:endpointId/enable': api(),
  'POST /v1/admin/webhooks/endpoints/:endpointId/rotate-secret': api(),
  'POST /v1/admin/webhooks/endpoints/:endpointId/ping': api(),
  'GET /v1/review/queue': api('reviewer'),
  'GET /v1/review/metrics': api('reviewer'),

  'GET /review/assets/:file{review\\.(?:css|js)}': publicRoute,
  'GET /review/sign-in': publicRoute,
  'POST /review/sign-in': publicRoute,
  'POST /review/sign-out': reviewPage,
  'GET /review': reviewPage,
  'GET /review/cases/:id': reviewPage,
  'GET /review/cases/:id/image': reviewPage,
  'POST /review/cases/:id': reviewPage,
  'POST /review/cases/:id/fixture': reviewPage,
  'POST /review/cases/:id/approvals': reviewPage,
  'GET /review/metrics': reviewPage,
  'GET /review/fixtures': reviewPage,
  'GET /review/fixtures/:scope/:caseId': reviewPage,
  'POST /review/fixtures/:scope/:caseId': reviewPage,
};

let t: TestApp;
let clientKeyId: string;

beforeAll(async () => {
  t = await createTestApp();
  const key = await t.services.authenticator.authenticate(t.keys.client);
  if (!key) throw new Error('no client key');
  clientKeyId = key.id;
});
afterAll(() => t.close());

/** The routes the app serves (middleware-only entries left out), as `METHOD path`. */
const appRoutes = () =>
  [...new Set(t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].sort();

/** A concrete URL for a route pattern, over a fresh verification of `client` (so no cell depends on another). */
function urlFor(pattern: string, verificationId: string, subjectId: string): string {
  return pattern
    .replace(/:file\{swagger[^}]*\}/, 'swagger-ui.css')
    .replace(/:file\{review[^}]*\}/, 'review.css')
    .replace(':subjectId', subjectId)
    .replace(':id', verificationId)
    .replace(':endpointId', 'whe_missing')
    .replace(':keyId', 'key_missing')
    .replace(':eventId', 'evt_missing')
    .replace(':scope', 'public')
    .replace(':caseId', 'case-missing');
}

async function call(route: string, caller: Caller): Promise<Response> {
  const [method = 'GET', pattern = '/'] = route.split(' ');
  const subjectId = `subj-${Math.random().toString(36).slice(2, 10)}`;
  const verificationId = await seedVerification(t.services, {
    subjectId,
    documentType: 'cet_score_report',
    clientKeyId,
  });
  const url = urlFor(pattern, verificationId, subjectId);
  const headers: Record<string, string> = { origin: 'http://localhost' };
  if (pattern.startsWith('/review') && pattern !== '/review/sign-in') {
    // Cookie sessions: sign in with the caller's key (refused for every role but reviewer/admin).
    if (caller !== 'none') {
      const session = await signInForTest(t, t.keys[caller]);
      if (session.cookie.includes('=')) headers.cookie = session.cookie;
      if (method === 'POST') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        return t.app.request(url, {
          method,
          headers,
          body: new URLSearchParams({ _csrf: session.csrf }).toString(),
        });
      }
    } else if (method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      return t.app.request(url, { method, headers, body: '' });
    }
    return t.app.request(url, { method, headers });
  }
  if (caller !== 'none') headers.authorization = `Bearer ${t.keys[caller]}`;
  if (pattern === '/review/sign-in' && method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const key = caller === 'none' ? 'dv_nobody' : t.keys[caller];
    return t.app.request(url, { method, headers, body: new URLSearchParams({ key }).toString() });
  }
  if (route === 'POST /v1/verifications') {
    const form = new FormData();
    form.append('subjectId', subjectId);
    return t.app.request(url, { method, headers, body: form });
  }
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    return t.app.request(url, { method, headers, body: '{}' });
  }
  if (method === 'PUT') {
    // A valid body (the seeded subject's own identity), so only the caller decides the answer.
    headers['content-type'] = 'application/json';
    const body = JSON.stringify({ name: '张伟', idNumber: '11010519491231002X' });
    return t.app.request(url, { method, headers, body });
  }
  return t.app.request(url, { method, headers });
}

describe('authorization matrix', () => {
  it('has a row for every route the app serves, and the OpenAPI document lists only served routes', () => {
    const routes = appRoutes();
    expect(routes).toEqual(Object.keys(MATRIX).sort());
    const doc = t.app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'docverify', version: 'test' },
    });
    const documented = Object.entries(doc.paths ?? {}).flatMap(([p, ops]) =>
      Object.keys(ops ?? {}).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThan(10);
    for (const route of documented) expect(routes).toContain(route);
  });

  it.each(Object.keys(MATRIX))('%s', async (route) => {
    const row = MATRIX[route];
    if (!row) throw new Error(`no row for ${route}`);
    const got: Record<string, number | string> = {};
    const want: Record<string, number | string> = {};
    for (const caller of CALLERS) {
      const expected = row[caller];
      const res = await call(route, caller);
      const status = res.status;
      await res.arrayBuffer();
      const location = res.headers.get('location') ?? '';
      const actual =
        status >= 500
          ? `5xx(${status})`
          : expected === 'ok'
            ? status === 401 || status === 403
              ? status
              : 'ok'
            : expected === 'any'
              ? 'any'
              : expected === 'sign-in'
                ? status === 303 && location.startsWith('/review/sign-in')
                  ? 'sign-in'
                  : `${status} ${location}`
                : status;
      got[caller] = actual;
      want[caller] = expected;
    }
    expect(got).toEqual(want);
  });
});

describe('a second client (IDOR)', () => {
  it("cannot list, read, correct, revoke or erase the first client's subject", async () => {
    const subjectId = 'subj-idor';
    const id = await seedVerification(t.services, {
      subjectId,
      documentType: 'cet_score_report',
      clientKeyId,
    });
    const list = async (role: 'client' | 'client2') => {
      const res = await t.app.request(`/v1/subjects/${subjectId}/verifications`, { headers: t.auth(role) });
      return (await res.json()) as { items: { id: string }[] };
    };
    expect((await list('client')).items.map((v) => v.id)).toEqual([id]);
    const theirs = await t.app.request(`/v1/subjects/${subjectId}/verifications`, {
      headers: t.auth('client2'),
    });
    expect(theirs.status).toBe(404);

    const read = await t.app.request(`/v1/verifications/${id}`, { headers: t.auth('client2') });
    expect(read.status).toBe(404);
    expect(await read.text()).not.toContain(subjectId);

    const json = { ...t.auth('client2'), 'content-type': 'application/json' };
    const revoke = await t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ reason: 'other' }),
    });
    expect(revoke.status).toBe(403);
    const correct = await t.app.request(`/v1/verifications/${id}/corrections`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ verdict: 'rejected' }),
    });
    expect(correct.status).toBe(403);
    const erase = await t.app.request(`/v1/subjects/${subjectId}`, {
      method: 'DELETE',
      headers: t.auth('client2'),
    });
    expect(erase.status).toBe(403);
    // Nothing changed.
    const after = await t.services.verifications.findById(id);
    expect(after?.revocation).toBeNull();
    expect(after?.erasedAt).toBeNull();
    expect(after?.outcome?.verdict).toBe('verified');
  });
});
