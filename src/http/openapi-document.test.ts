import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { documentModules } from '../documents/registry.js';
import { REASON_CODES } from '../verdicts/reasons.js';
import { PROBLEM_CODES } from './problems.js';

interface Operation {
  operationId?: string;
  security?: unknown[];
  responses: Record<
    string,
    { headers?: Record<string, { $ref?: string }>; content?: Record<string, unknown> }
  >;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: {
    servers?: unknown[];
    info: { license?: unknown };
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ where: `${method} ${path}`, ...operation })),
    );

  beforeAll(async () => {
    t = await createTestApp();
    document = await (await t.app.request('/openapi.json')).json();
  });
  afterAll(async () => {
    await t.close();
  });

  it('names a server, a licence and a unique operationId for every operation', () => {
    expect(document.servers).toHaveLength(1);
    expect(document.info.license).toBeDefined();
    const ids = operations().map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares X-Request-Id on every response, WWW-Authenticate on every 401, Retry-After on a 429 or 503 problem', () => {
    for (const operation of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const headers = Object.keys(response.headers ?? {});
        expect(headers, `${operation.where} ${status}`).toContain('X-Request-Id');
        if (status === '401') expect(headers, operation.where).toContain('WWW-Authenticate');
        const problem = response.content?.['application/problem+json'] !== undefined;
        if (problem && ['429', '503'].includes(status))
          expect(headers, operation.where).toContain('Retry-After');
      }
    }
  });

  it('declares the headers the upload answers with', () => {
    const responses = document.paths['/v1/verifications']?.post?.responses ?? {};
    expect(Object.keys(responses['202']?.headers ?? {})).toEqual(
      expect.arrayContaining(['Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy']),
    );
    expect(Object.keys(responses['200']?.headers ?? {})).toContain('Idempotent-Replayed');
  });

  it('lists the closed problem and reason codes', () => {
    const problem = document.components.schemas.Problem?.properties?.code;
    expect(problem).toMatchObject({ enum: Object.keys(PROBLEM_CODES) });
    const result = JSON.stringify(document.components.schemas.VerificationResult);
    expect(result).toContain(JSON.stringify(REASON_CODES));
    // Each problem answer narrows the code to those of its status.
    const notFound = document.paths['/v1/verifications/{id}']?.get?.responses['404'];
    expect(JSON.stringify(notFound)).toContain('"enum":["NOT_FOUND"]');
  });

  it("describes each registered document type's fields from its module's schema", () => {
    for (const module of Object.values(documentModules)) {
      const name = Object.keys(document.components.schemas).find(
        (key) => key.toLowerCase() === `${module.type.replaceAll('_', '')}fields`,
      );
      expect(name, module.type).toBeDefined();
      expect(Object.keys(document.components.schemas[name ?? '']?.properties ?? {})).toEqual(
        Object.keys(module.schema.shape),
      );
    }
  });

  it('describes the platform probes, answered without a key', () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect(document.paths[path]?.get?.security, path).toEqual([]);
    }
    expect(Object.keys(document.paths['/metrics']?.get?.responses['200']?.content ?? {})).toEqual([
      'text/plain',
    ]);
  });
});
