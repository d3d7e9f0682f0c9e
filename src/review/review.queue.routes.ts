import { createRoute, z } from '@hono/zod-openapi';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses } from '../http/openapi-schemas.js';
import { REASON_CODES } from '../verdicts/reasons.js';
import { VERDICTS, versionOf } from './review.models.js';
import { type ReviewQueueDeps, reviewMetrics, reviewQueue } from './review.queue.js';

const QueueItemSchema = z.object({
  id: z.string(),
  subjectId: z.string(),
  documentType: z.string(),
  verdict: z.enum(VERDICTS),
  priority: z.number().int(),
  qualityCheck: z.boolean(),
  reasonCodes: z.array(z.enum(REASON_CODES)),
  completedAt: z.string(),
  ageSeconds: z.number().int(),
  version: z.string(),
  awaitingApproval: z
    .object({
      approvalId: z.string(),
      proposedVerdict: z.enum(VERDICTS),
      proposedBy: z.object({ keyId: z.string() }),
    })
    .nullable()
    .openapi({
      description: 'A correction waiting for a second reviewer (POST /v1/verifications/{id}/approvals)',
    }),
});

const MetricsSchema = z
  .object({
    queueSize: z.number().int(),
    oldestCaseAgeSeconds: z.number().int().nullable(),
    reviewedCases: z.number().int(),
    agreement: z.number().nullable(),
    correctionsPerField: z.array(
      z.object({ documentType: z.string(), field: z.string(), corrections: z.number().int() }),
    ),
  })
  .openapi('ReviewMetrics');

export interface ReviewQueueRoutesDeps extends ReviewQueueDeps {
  authenticator: Authenticator;
}

/**
 * The review queue and the team's metrics as JSON. They only read, so the edge Worker (src/edge)
 * mounts this module as it is; the correction stays in review.api.routes.ts.
 */
export function createReviewQueueRoutes(deps: ReviewQueueRoutesDeps) {
  const router = createRouter();

  const queue = createRoute({
    method: 'get',
    path: '/v1/review/queue',
    operationId: 'getReviewQueue',
    tags: ['review'],
    summary:
      'The review queue: needs_review cases, cases awaiting a second approval and the quality-check sample, most urgent and oldest first',
    middleware: [requireRole(deps.authenticator, 'reviewer')] as const,
    request: {
      query: z.object({
        type: z.string().max(64).optional(),
        reason: z.string().max(64).optional(),
        pending: z
          .enum(['approval'])
          .optional()
          .openapi({ description: '`approval`: only cases awaiting a second reviewer' }),
      }),
    },
    responses: {
      200: {
        description: 'The queue',
        content: {
          'application/json': {
            schema: z.object({ size: z.number().int(), items: z.array(QueueItemSchema) }),
          },
        },
      },
      ...problemResponses(400, 401, 403),
    },
  });

  router.openapi(queue, async (c) => {
    const q = c.req.valid('query');
    const items = await reviewQueue(deps, { documentType: q.type, reasonCode: q.reason, pending: q.pending });
    return c.json(
      {
        size: items.length,
        items: items.map((item) => ({
          id: item.id,
          subjectId: item.subjectId,
          documentType: item.documentType,
          verdict: item.verdict,
          priority: item.priority,
          qualityCheck: item.qualityCheck,
          reasonCodes: item.reasons.map((r) => r.code),
          completedAt: item.completedAt.toISOString(),
          ageSeconds: Math.round(item.ageMs / 1000),
          version: versionOf(item.updatedAt),
          awaitingApproval: item.awaitingApproval
            ? {
                approvalId: item.awaitingApproval.approvalId,
                proposedVerdict: item.awaitingApproval.proposedVerdict,
                proposedBy: { keyId: item.awaitingApproval.proposedByKeyId },
              }
            : null,
        })),
      },
      200,
    );
  });

  const metrics = createRoute({
    method: 'get',
    path: '/v1/review/metrics',
    operationId: 'getReviewMetrics',
    tags: ['review'],
    summary: 'Queue size, oldest case, corrections per field, machine–reviewer agreement',
    middleware: [requireRole(deps.authenticator, 'reviewer')] as const,
    responses: {
      200: { description: 'The metrics', content: { 'application/json': { schema: MetricsSchema } } },
      ...problemResponses(401, 403),
    },
  });

  router.openapi(metrics, async (c) => c.json(await reviewMetrics(deps), 200));

  return router;
}
