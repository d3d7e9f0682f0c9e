import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.js';
import { RESPONSE_HEADERS, responseHeaders } from './openapi-schemas.js';

type Document = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>;

/**
 * No licence has been granted for docverify (package.json is private and names none). An SPDX
 * `identifier` (OpenAPI 3.1) says so; the generator's types know only 3.0's `url`.
 */
const LICENSE = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } as { name: string };

const TAGS = [
  { name: 'verifications', description: 'Upload a document photo or PDF, read its result, revoke it' },
  { name: 'subjects', description: "A subject's identity, and the erasure of its personal data" },
  { name: 'eligibility', description: "The limit-raise decision over a subject's verified documents" },
  { name: 'review', description: 'Reviewer corrections, second approvals, the review queue and its metrics' },
  { name: 'audit', description: 'The hash-chained audit trail' },
  { name: 'webhooks', description: 'Endpoints that receive signed events, and replays of events' },
  { name: 'admin', description: 'API keys' },
  { name: 'system', description: 'Liveness, readiness and Prometheus metrics, for the platform (no key)' },
];

/**
 * Serves the OpenAPI 3.1 document of `app` at /openapi.json. Call it once every route is mounted:
 * the document is generated on the first request and kept.
 */
export function serveOpenApiDocument(app: OpenAPIHono<AppEnv>, version: string) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`docverify keys create`): `Authorization: Bearer <key>`',
  });
  for (const [name, header] of Object.entries(RESPONSE_HEADERS)) {
    app.openAPIRegistry.registerComponent('headers', name, header);
  }
  let document: Document | undefined;
  app.get('/openapi.json', (c) => {
    document ??= openApiDocument(app, version);
    return c.json(document);
  });
}

export function openApiDocument(app: OpenAPIHono<AppEnv>, version: string): Document {
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'docverify',
      version,
      description: 'Verification of Chinese education documents for consumer-credit limit raises.',
      license: LICENSE,
    },
    // Relative: the server is the one that served this document (OpenAPI 3.1, "Server Object").
    servers: [{ url: '/', description: 'The server this document was read from' }],
    tags: TAGS,
    security: [{ bearer: [] }],
  });
  // The request context (src/http/middleware.ts) puts X-Request-Id on every answer.
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem)) {
      const responses = (operation as { responses?: Record<string, { headers?: object }> }).responses;
      for (const response of Object.values(responses ?? {})) {
        response.headers = { ...responseHeaders('X-Request-Id'), ...response.headers };
      }
    }
  }
  return document;
}
