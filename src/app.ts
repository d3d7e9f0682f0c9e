import { createAuditRoutes } from './audit/audit.routes.js';
import { createApiKeyRoutes } from './auth/api-keys.routes.js';
import { createEligibilityRoutes } from './eligibility/eligibility.routes.js';
import type { AppEnv } from './http/app-env.js';
import { createDocsRoutes } from './http/docs.routes.js';
import { problemResponse } from './http/errors.js';
import { apiResponseHeaders, requestContext } from './http/middleware.js';
import { createRouter } from './http/openapi-app.js';
import { serveOpenApiDocument } from './http/openapi-document.js';
import { ProblemError } from './http/problems.js';
import { createSystemRoutes } from './http/system.routes.js';
import { createReviewApiRoutes } from './review/review.api.routes.js';
import { createReviewRoutes } from './review/review.routes.js';
import type { Services } from './services.js';
import { createSubjectRoutes } from './subjects/subjects.routes.js';
import { createVerificationRoutes } from './verifications/verifications.routes.js';
import { registerWebhookEvents } from './webhooks/webhooks.openapi.js';
import { createWebhookRoutes } from './webhooks/webhooks.routes.js';

export const API_VERSION = '1.0.0';

/** The HTTP app over already-built services: routes stay thin, services do the work. */
export function createApp(services: Services) {
  const { config } = services;
  const app = createRouter();
  app.use('*', requestContext(services));
  app.use('/v1/*', apiResponseHeaders);
  app.onError((error, c) => problemResponse(c, error));
  app.notFound((c) =>
    problemResponse(c, new ProblemError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`)),
  );

  app.route('/', createSystemRoutes({ metrics: services.metrics, ready: services.readiness }));
  app.route(
    '/',
    createVerificationRoutes({
      ...services,
      limits: config.upload,
      admission: config.admission,
      perKeyPerMinute: config.admission.perKeyPerMinute,
      maxAttempts: config.jobs.maxAttempts,
      maxWaitSeconds: config.upload.maxWaitSeconds,
    }),
  );
  app.route('/', createApiKeyRoutes(services));
  app.route('/', createEligibilityRoutes({ ...services, perKeyPerMinute: config.admission.perKeyPerMinute }));
  app.route('/', createAuditRoutes(services));
  app.route('/', createWebhookRoutes(services));
  app.route('/', createSubjectRoutes(services));
  const reviewDeps = {
    ...services,
    settings: {
      qcSampleOneIn: config.review.qcSampleOneIn,
      sessionHours: config.review.sessionHours,
      trustProxy: config.trustProxy,
    },
  };
  app.route('/', createReviewApiRoutes(reviewDeps));
  app.route('/', createReviewRoutes(reviewDeps));

  registerWebhookEvents(app.openAPIRegistry);
  serveOpenApiDocument(app, API_VERSION);
  app.route('/', createDocsRoutes());
  return app;
}

export type App = ReturnType<typeof createApp>;
export type { AppEnv };
