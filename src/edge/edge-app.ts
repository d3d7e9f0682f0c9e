import { createEligibilityRoutes } from '../eligibility/eligibility.routes.js';
import { problemResponse } from '../http/errors.js';
import { apiResponseHeaders, requestContext } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { ProblemError } from '../http/problems.js';
import { createReviewQueueRoutes } from '../review/review.queue.routes.js';
import { createVerificationReadRoutes } from '../verifications/verifications.read.routes.js';
import { edgeMetrics } from './edge-logger.js';
import type { EdgeServices } from './edge-services.js';

/**
 * The read side of the API as a Worker: the service's own route modules (same auth, problem+json
 * and result shapes), mounted over D1. Writes are the cluster's: it is the one writer, and its
 * changes reach D1 by replication (docs/deploy.md), so a write accepted here would be overwritten
 * or lost. They are answered 405 with where to send them.
 */
export function createEdgeApp(services: EdgeServices) {
  const app = createRouter();
  app.use('*', requestContext({ logger: services.logger, metrics: edgeMetrics }));
  app.use('/v1/*', apiResponseHeaders);
  app.onError((error, c) => problemResponse(c, error));
  app.notFound((c) =>
    problemResponse(c, new ProblemError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`)),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const database = await services.database.ping().catch(() => false);
    return c.json({ status: database ? 'ready' : 'not_ready', checks: { database } }, database ? 200 : 503);
  });
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/v1/*', (c) => {
    throw new ProblemError(
      'METHOD_NOT_ALLOWED',
      `${c.req.method} ${c.req.path} is served by the cluster API: the edge only reads.`,
    );
  });

  app.route('/', createVerificationReadRoutes(services));
  app.route(
    '/',
    createEligibilityRoutes({ ...services, perKeyPerMinute: services.settings.perKeyPerMinute }),
  );
  app.route('/', createReviewQueueRoutes(services));
  return app;
}

export type EdgeApp = ReturnType<typeof createEdgeApp>;
