import { createRoute, z } from '@hono/zod-openapi';
import type { Metrics } from '../observability/metrics.js';
import { createRouter } from './openapi-app.js';

const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({
      database: z.boolean().openapi({ description: 'The database answers' }),
      queue: z.boolean().openapi({ description: 'The job queue can count its jobs' }),
    }),
  })
  .openapi('Readiness');

/** Liveness, readiness and Prometheus metrics: unauthenticated, for the platform. */
export function createSystemRoutes(deps: {
  metrics: Metrics;
  ready: () => Promise<{ database: boolean; queue: boolean }>;
}) {
  const router = createRouter();

  const health = createRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tags: ['system'],
    summary: 'Liveness: the process answers',
    security: [],
    responses: {
      200: {
        description: 'Alive',
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
      },
    },
  });
  router.openapi(health, (c) => c.json({ status: 'ok' as const }, 200));

  const readiness = createRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    tags: ['system'],
    summary: 'Readiness: the database and the job queue answer',
    security: [],
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: ReadinessSchema } } },
      503: {
        description: 'Not ready: take this process out of rotation',
        content: { 'application/json': { schema: ReadinessSchema } },
      },
    },
  });
  router.openapi(readiness, async (c) => {
    let checks: { database: boolean; queue: boolean };
    try {
      checks = await deps.ready();
    } catch {
      checks = { database: false, queue: false };
    }
    return checks.database && checks.queue
      ? c.json({ status: 'ready' as const, checks }, 200)
      : c.json({ status: 'not_ready' as const, checks }, 503);
  });

  const metrics = createRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tags: ['system'],
    summary: 'Prometheus metrics (text exposition format 0.0.4)',
    security: [],
    responses: {
      200: {
        description: 'The metrics of this process',
        content: {
          'text/plain': {
            schema: z.string().openapi({
              example: 'docverify_http_requests_total{method="GET",route="/healthz",status="200"} 1',
            }),
          },
        },
      },
    },
  });
  router.openapi(metrics, async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.text(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });

  return router;
}
