import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { call, type EdgeTestContext, setUpEdge } from './edge.test-support.js';
import { buildEdgeServices } from './edge-services.js';

let edge: EdgeTestContext;
beforeAll(async () => {
  edge = await setUpEdge();
});

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = await response.json();
  expect(body).toMatchObject({
    status,
    code,
    type: expect.stringMatching(/^https:\/\/docverify\.dev\/problems\//),
  });
  expect(body.requestId).toEqual(expect.any(String));
  return body;
}

describe('edge Worker: authentication', () => {
  it('refuses a request without a key, with a malformed header or with an unknown key (401)', async () => {
    const id = await edge.seed({ subjectId: edge.subject('auth'), documentType: 'cet_score_report' });
    await expectProblem(await call(`/v1/verifications/${id}`), 401, 'UNAUTHORIZED');
    await expectProblem(
      await call(`/v1/verifications/${id}`, { headers: { authorization: 'Basic abc' } }),
      401,
      'UNAUTHORIZED',
    );
    await expectProblem(
      await call(`/v1/verifications/${id}`, { key: 'dv_client_not-a-key' }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses a revoked key at once (the hashed key is looked up on every request)', async () => {
    const { createApiKey } = await import('../auth/api-keys.usecases.js');
    const { key, secret } = await createApiKey(edge.services, { role: 'engine', name: 'revoked' });
    const subjectId = edge.subject('revoked');
    expect((await call(`/v1/subjects/${subjectId}/eligibility`, { key: secret })).status).toBe(200);
    await edge.services.apiKeys.revoke(key.id, new Date());
    await expectProblem(
      await call(`/v1/subjects/${subjectId}/eligibility`, { key: secret }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('edge Worker: roles', () => {
  it.each([
    ['client', '/v1/subjects/s/eligibility'],
    ['reviewer', '/v1/subjects/s/eligibility'],
    ['client', '/v1/review/queue'],
    ['engine', '/v1/review/queue'],
    ['engine', '/v1/review/metrics'],
  ] as const)('refuses the %s role on %s (403)', async (caller, path) => {
    await expectProblem(await call(path, { key: edge.keys[caller].secret }), 403, 'FORBIDDEN');
  });
});

describe('edge Worker: a client reads only its own verifications (IDOR)', () => {
  it("answers another client's verification exactly as a missing one (404)", async () => {
    const id = await edge.seed({
      subjectId: edge.subject('idor'),
      documentType: 'graduation_certificate',
      clientKeyId: edge.keys.client.id,
    });
    const foreign = await expectProblem(
      await call(`/v1/verifications/${id}`, { key: edge.keys.client2.secret }),
      404,
      'NOT_FOUND',
    );
    const missing = await expectProblem(
      await call('/v1/verifications/ver_missing', { key: edge.keys.client2.secret }),
      404,
      'NOT_FOUND',
    );
    expect(foreign.detail).toBe(`No verification ${id}.`);
    expect(missing.detail).toBe('No verification ver_missing.');
    expect(Object.keys(foreign).sort()).toEqual(Object.keys(missing).sort());
  });

  it("leaves another client's verifications out of a subject's history", async () => {
    const subjectId = edge.subject('shared-subject');
    const mine = await edge.seed({
      subjectId,
      documentType: 'chsi_record',
      clientKeyId: edge.keys.client.id,
    });
    await edge.seed({ subjectId, documentType: 'chsi_record', clientKeyId: edge.keys.client2.id });
    const response = await call(`/v1/subjects/${subjectId}/verifications`, { key: edge.keys.client.secret });
    expect(response.status).toBe(200);
    expect((await response.json()).items.map((v: { id: string }) => v.id)).toEqual([mine]);
  });
});

describe('edge Worker: bad input and writes', () => {
  it('validates the query like the service (400 problem with the failing path)', async () => {
    const body = await expectProblem(
      await call('/v1/subjects/s/verifications?limit=0', { key: edge.keys.engine.secret }),
      400,
      'VALIDATION_FAILED',
    );
    expect(body.errors).toEqual([expect.objectContaining({ path: 'limit' })]);
  });

  it.each([
    ['POST', '/v1/verifications'],
    ['POST', '/v1/verifications/ver_1/corrections'],
    ['POST', '/v1/verifications/ver_1/revoke'],
    ['DELETE', '/v1/subjects/s'],
    ['PUT', '/v1/subjects/s/identity'],
  ])('sends %s %s to the cluster (405: the edge only reads)', async (method, path) => {
    const body = await expectProblem(
      await call(path, { method, key: edge.keys.admin.secret }),
      405,
      'METHOD_NOT_ALLOWED',
    );
    expect(body.detail).toContain('cluster');
  });

  it('answers an unknown route with a 404 problem', async () => {
    await expectProblem(await call('/v1/nowhere'), 404, 'NOT_FOUND');
  });
});

describe('edge Worker: configuration', () => {
  it('refuses to start without the data encryption key (a secret, never generated at the edge)', () => {
    const { DATA_ENCRYPTION_KEY: _omitted, ...rest } = env;
    expect(() => buildEdgeServices({ ...rest })).toThrow(ConfigError);
    expect(() => buildEdgeServices({ ...rest })).toThrow(/wrangler secret put DATA_ENCRYPTION_KEY/);
  });

  it('refuses to start without the audit chain key (its decisions join the cluster’s keyed chain)', () => {
    const { AUDIT_HMAC_KEY: _omitted, ...rest } = env;
    expect(() => buildEdgeServices({ ...rest })).toThrow(/wrangler secret put AUDIT_HMAC_KEY/);
  });

  it('refuses a policy file setting, since the policy is bundled', () => {
    expect(() => buildEdgeServices({ ...env, ELIGIBILITY_POLICY_FILE: '/etc/policy.json' })).toThrow(
      /bundles policies\/limit-raise\.v1\.json/,
    );
  });
});
