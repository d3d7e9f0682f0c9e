import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses, responseHeaders } from '../http/openapi-schemas.js';
import { ProblemError } from '../http/problems.js';
import { createEndpointActionRoutes } from './webhooks.endpoint-actions.routes.js';
import { registerEndpoint, removeEndpoint } from './webhooks.endpoints.usecases.js';
import { PING_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from './webhooks.models.js';
import {
  actorOf,
  DeliverySchema,
  DescriptionSchema,
  deliveryJson,
  EndpointSchema,
  EventTypesSchema,
  endpointJson,
  IdParam,
  UrlSchema,
  type WebhookRouteDeps,
} from './webhooks.route-schemas.js';

export function createWebhookRoutes(deps: WebhookRouteDeps) {
  const router = createRouter();
  const admin = requireRole(deps.authenticator, 'admin');

  const create = createRoute({
    method: 'post',
    path: '/v1/admin/webhooks',
    operationId: 'createWebhookEndpoint',
    tags: ['webhooks'],
    summary: 'Register a webhook endpoint (its signing secret is shown once)',
    middleware: [admin] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({
              url: UrlSchema,
              description: DescriptionSchema.optional(),
              eventTypes: EventTypesSchema.optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The endpoint and its secret',
        headers: responseHeaders('Location'),
        content: { 'application/json': { schema: EndpointSchema.extend({ secret: z.string() }) } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const { endpoint, secret } = await registerEndpoint(deps, {
      url: body.url,
      description: body.description ?? null,
      eventTypes: body.eventTypes ?? [],
      actor: actorOf(c),
    });
    c.header('Location', `/v1/admin/webhooks/${endpoint.id}`);
    return c.json({ ...endpointJson(endpoint, deps.clock.now()), secret }, 201);
  });

  const list = createRoute({
    method: 'get',
    path: '/v1/admin/webhooks',
    operationId: 'listWebhookEndpoints',
    tags: ['webhooks'],
    summary: 'The webhook endpoints, disabled ones included (never their secrets)',
    middleware: [admin] as const,
    responses: {
      200: {
        description: 'Endpoints',
        content: { 'application/json': { schema: z.object({ items: z.array(EndpointSchema) }) } },
      },
      ...problemResponses(401, 403),
    },
  });
  router.openapi(list, async (c) => {
    const now = deps.clock.now();
    return c.json({ items: (await deps.webhooks.listEndpoints()).map((e) => endpointJson(e, now)) }, 200);
  });

  const remove = createRoute({
    method: 'delete',
    path: '/v1/admin/webhooks/{endpointId}',
    operationId: 'deleteWebhookEndpoint',
    tags: ['webhooks'],
    summary: 'Remove an endpoint: nothing more is sent to it, pending deliveries are cancelled',
    middleware: [admin] as const,
    request: { params: IdParam('endpointId') },
    responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404) },
  });
  router.openapi(remove, async (c) => {
    const { endpointId } = c.req.valid('param');
    await removeEndpoint(deps, { id: String(endpointId), actor: actorOf(c) });
    return c.body(null, 204);
  });

  const event = createRoute({
    method: 'get',
    path: '/v1/admin/webhooks/events/{eventId}',
    operationId: 'getWebhookEvent',
    tags: ['webhooks'],
    summary: 'An event, its payload and every delivery of it',
    middleware: [admin] as const,
    request: { params: IdParam('eventId') },
    responses: {
      200: {
        description: 'The event and its deliveries',
        content: {
          'application/json': {
            schema: z.object({
              id: z.string(),
              type: z.enum([...WEBHOOK_EVENT_TYPES, PING_EVENT_TYPE]),
              subjectId: z.string(),
              verificationId: z.string().nullable(),
              createdAt: z.string(),
              payload: z.record(z.string(), z.unknown()),
              deliveries: z.array(DeliverySchema),
            }),
          },
        },
      },
      ...problemResponses(401, 403, 404),
    },
  });
  router.openapi(event, async (c) => {
    const eventId = String(c.req.valid('param').eventId);
    const found = await deps.webhooks.findEvent(eventId);
    const deliveries = await deps.webhooks.listDeliveries(eventId);
    if (!found) throw new ProblemError('NOT_FOUND', `No webhook event ${eventId}.`);
    return c.json(
      {
        id: found.id,
        type: found.type,
        subjectId: found.subjectId,
        verificationId: found.verificationId,
        createdAt: found.createdAt.toISOString(),
        payload: JSON.parse(found.body) as Record<string, unknown>,
        deliveries: deliveries.map(deliveryJson),
      },
      200,
    );
  });

  const replay = createRoute({
    method: 'post',
    path: '/v1/admin/webhooks/events/{eventId}/replay',
    operationId: 'replayWebhookEvent',
    tags: ['webhooks'],
    summary: 'Send an event again (same Webhook-Id) to every endpoint that takes it, or to one',
    middleware: [admin] as const,
    request: {
      params: IdParam('eventId'),
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z.strictObject({ endpointId: z.string().min(1).max(64).optional() }),
          },
        },
      },
    },
    responses: {
      202: {
        description: 'The new deliveries, queued: read the event again, not before Retry-After seconds',
        headers: responseHeaders('Retry-After'),
        content: { 'application/json': { schema: z.object({ deliveries: z.array(DeliverySchema) }) } },
      },
      ...problemResponses(400, 401, 403, 404),
    },
  });
  router.openapi(replay, async (c) => {
    const eventId = String(c.req.valid('param').eventId);
    const body = c.req.valid('json') ?? {};
    // The new deliveries and their jobs commit together.
    const deliveries = await deps.transaction(() => deps.publisher.replay(eventId, body.endpointId ?? null));
    deps.queue.wake();
    // Deliveries go out within the second unless the target is slow; then poll the event.
    c.header('Retry-After', '1');
    return c.json({ deliveries: deliveries.map(deliveryJson) }, 202);
  });

  router.route('/', createEndpointActionRoutes(deps));
  return router;
}
