import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import createClient, { type Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from './support/docverify-api.generated.js';
import { createConformanceChecker } from './support/openapi-conformance.js';
import { CLIENT_TYPES_FILE, clientTypesSource } from './support/openapi-types.js';
import { createTestApp, type TestApp } from './support/test-services.js';

/**
 * An integrator's view: a client generated from the document the server serves (openapi-typescript
 * types, committed and checked for staleness here; openapi-fetch), driving the real app over HTTP.
 * Every answer it gets is checked against the document.
 */

// A CET report with a text layer: read without OCR, verified for this applicant.
const SAMPLE = path.resolve(import.meta.dirname, '../fixtures/sample-05-cet-pdf-text');
const expected = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'expected.json'), 'utf8')) as {
  subjectId: string;
  applicant: { name: string; idNumber: string };
  fields: Record<string, unknown>;
};

describe('a client generated from the served OpenAPI document', () => {
  let t: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let document: Record<string, unknown>;
  const answers: { method: string; schemaPath: string; status: number; headers: Headers; body: string }[] =
    [];
  /** Records every raw answer the client receives, for the check against the document. */
  const recorder: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      const { status, headers } = response;
      answers.push({
        method: request.method,
        schemaPath,
        status,
        headers,
        body: await response.clone().text(),
      });
      return response;
    },
  };
  const clientFor = (role: 'client' | 'engine' | null) => {
    const client = createClient<paths>({ baseUrl, headers: role ? t.auth(role) : {} });
    client.use(recorder);
    return client;
  };

  beforeAll(async () => {
    t = await createTestApp();
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Record<string, unknown>;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await t?.close();
  });

  it('uses types generated from the document the server serves (npm run openapi:types when this fails)', async () => {
    expect(fs.readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await clientTypesSource(document));
  });

  it('uploads, polls, reads the eligibility and gets a problem, each answer as the document says', async () => {
    const client = clientFor('client');
    const uploaded = await client.POST('/v1/verifications', {
      body: {
        file: new Blob([fs.readFileSync(path.join(SAMPLE, 'input.pdf'))], { type: 'application/pdf' }),
        subjectId: expected.subjectId,
        applicantName: expected.applicant.name,
        applicantIdNumber: expected.applicant.idNumber,
      },
      bodySerializer: (body) => {
        const form = new FormData();
        for (const [name, value] of Object.entries(body)) if (value !== undefined) form.append(name, value);
        return form;
      },
    });
    expect(uploaded.response.status).toBe(202);
    const id = uploaded.data?.id ?? '';
    expect(uploaded.response.headers.get('location')).toBe(`/v1/verifications/${id}`);
    const pollAfter = Number(uploaded.response.headers.get('retry-after'));
    expect(pollAfter).toBeGreaterThan(0);

    const engine = clientFor('engine');
    const poll = () => engine.GET('/v1/verifications/{id}', { params: { path: { id } } });
    let result: Awaited<ReturnType<typeof poll>>['data'];
    for (let i = 0; i < 120 && result?.status !== 'completed'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 250));
      const polled = await poll();
      expect(polled.response.status).toBe(200);
      result = polled.data;
    }
    expect(result).toMatchObject({
      id,
      status: 'completed',
      verdict: 'verified',
      documentType: 'cet_score_report',
    });
    expect(result?.fields).toEqual(expected.fields);

    const history = await client.GET('/v1/subjects/{subjectId}/verifications', {
      params: { path: { subjectId: expected.subjectId }, query: { limit: 10 } },
    });
    expect(history.data?.items.map((v) => v.id)).toEqual([id]);

    const eligibility = await engine.GET('/v1/subjects/{subjectId}/eligibility', {
      params: { path: { subjectId: expected.subjectId } },
    });
    expect(eligibility.response.status).toBe(200);
    expect(eligibility.data?.signals.flatMap((s) => s.verificationIds)).toContain(id);

    const missing = await engine.GET('/v1/verifications/{id}', { params: { path: { id: 'ver_missing' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.code).toBe('NOT_FOUND');
    expect(missing.error?.requestId).toBe(missing.response.headers.get('x-request-id'));

    const anonymous = await clientFor(null).GET('/v1/verifications/{id}', { params: { path: { id } } });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.code).toBe('UNAUTHORIZED');

    const check = createConformanceChecker(document);
    expect(answers.map((a) => `${a.method} ${a.schemaPath} ${a.status}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/verifications 202',
        'GET /v1/verifications/{id} 200',
        'GET /v1/subjects/{subjectId}/verifications 200',
        'GET /v1/subjects/{subjectId}/eligibility 200',
        'GET /v1/verifications/{id} 404',
        'GET /v1/verifications/{id} 401',
      ]),
    );
    expect(answers.flatMap(check)).toEqual([]);
  });

  it('the check finds an answer the document does not describe', () => {
    const check = createConformanceChecker(document);
    const headers = new Headers({ 'content-type': 'application/json', 'x-request-id': 'r-1' });
    const answer = {
      method: 'GET',
      schemaPath: '/v1/subjects/{subjectId}/eligibility',
      status: 200,
      headers,
    };
    const decision = {
      decisionId: 'dec_1',
      subjectId: 'u-1',
      eligible: false,
      tier: null,
      suggestedIncrease: { amount: 0, currency: 'CNY' },
      signals: [],
      expiresAt: '2026-01-02T00:00:00.000Z',
      decidedAt: '2026-01-01T00:00:00.000Z',
      policyVersion: 'limit-raise.v1',
    };
    expect(check({ ...answer, body: JSON.stringify(decision) })).toEqual([]);
    expect(check({ ...answer, body: JSON.stringify({ ...decision, undeclared: 1 }) })).toHaveLength(1);
    expect(check({ ...answer, body: JSON.stringify({ ...decision, eligible: 'no' }) })).toHaveLength(1);
    expect(
      check({ ...answer, headers: new Headers({ 'content-type': 'application/json' }), body: '{}' }),
    ).toEqual(expect.arrayContaining([expect.stringContaining('X-Request-Id is required and missing')]));
    // An allOf (UploadResult extends VerificationResult) takes the properties of both parts, and no others.
    const upload = { method: 'POST', schemaPath: '/v1/verifications', status: 201 };
    const uploadHeaders = new Headers({
      'content-type': 'application/json',
      'x-request-id': 'r-2',
      location: '/v1/verifications/ver_1',
    });
    const result = {
      id: 'ver_1',
      subjectId: 'u-1',
      status: 'completed',
      documentType: 'unknown',
      fields: {},
      evidence: {},
      verdict: 'rejected',
      reasons: [{ code: 'UNSUPPORTED_DOCUMENT', message: 'Not a supported document', severity: 'hard' }],
      confidence: 0.9,
      versions: {},
      timingsMs: {},
      failure: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      completedAt: '2026-01-01T00:00:01.000Z',
      revocation: null,
      eligibility: decision,
    };
    expect(check({ ...upload, headers: uploadHeaders, body: JSON.stringify(result) })).toEqual([]);
    expect(
      check({
        ...upload,
        headers: uploadHeaders,
        body: JSON.stringify({ ...result, fields: { name: 'x' } }),
      }),
    ).toHaveLength(1);
    expect(
      check({ ...upload, headers: uploadHeaders, body: JSON.stringify({ ...result, undeclared: true }) }),
    ).toHaveLength(1);
    expect(check({ ...answer, status: 418, body: '' })).toEqual([
      'GET /v1/subjects/{subjectId}/eligibility 418: the status is not declared',
    ]);
  });
});
