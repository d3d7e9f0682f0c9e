import { createRoute } from '@hono/zod-openapi';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses, RATE_LIMIT_HEADERS, responseHeaders } from '../http/openapi-schemas.js';
import { perKeyRateLimit } from '../http/rate-limit.js';
import { SubjectParamSchema } from '../subjects/subjects.schemas.js';
import { EligibilitySchema } from './eligibility.schemas.js';
import { decisionToJson, type EligibilityService } from './eligibility.usecases.js';

export function createEligibilityRoutes(deps: {
  authenticator: Authenticator;
  eligibility: EligibilityService;
  perKeyPerMinute: number;
}) {
  const router = createRouter();
  const read = createRoute({
    method: 'get',
    path: '/v1/subjects/{subjectId}/eligibility',
    operationId: 'getEligibility',
    tags: ['eligibility'],
    summary: "The limit-raise decision over the subject's verified documents (recorded in the audit trail)",
    // Each read evaluates the policy and may append to the audit chain: a poller gets 429 too.
    middleware: [requireRole(deps.authenticator, 'engine'), perKeyRateLimit(deps.perKeyPerMinute)] as const,
    request: { params: SubjectParamSchema },
    responses: {
      200: {
        description: 'The decision',
        headers: responseHeaders(...RATE_LIMIT_HEADERS),
        content: { 'application/json': { schema: EligibilitySchema } },
      },
      ...problemResponses(401, 403, 429),
    },
  });
  router.openapi(read, async (c) => {
    const { subjectId } = c.req.valid('param');
    const key = c.get('apiKey');
    c.header('cache-control', 'no-store');
    const decision = await deps.eligibility.decide(subjectId, { type: 'key', id: key.id, role: key.role });
    return c.json(decisionToJson(decision), 200);
  });
  return router;
}
