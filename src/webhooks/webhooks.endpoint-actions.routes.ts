import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses } from '../http/openapi-schemas.js';
import {
  DEFAULT_SECRET_OVERLAP_SECONDS,
  MAX_SECRET_OVERLAP_SECONDS,
  pingEndpoint,
  rotateEndpointSecret,
  setEndpointEnabled,
  updateEndpoint,
} from './webhooks.endpoints.usecases.js';
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

/** An endpoint's life after registration: update, disable and enable, secret rotation, a test ping. */
export function createEndpointActionRoutes(deps: WebhookRouteDeps) {
  const router = createRouter();
  const admin = requireRole(deps.authenticator, 'admin');

  const endpointResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: EndpointSchema } },
  });

  const update = createRoute({
    method: 'patch',
    path: '/v1/admin/webhooks/endpoints/{endpointId}',
    operationId: 'updateWebhookEndpoint',
    tags: ['webhooks'],
    summary: 'Change an endpoint: its URL (checked like at registration), event types or description',
    middleware: [admin] as const,
    request: {
      params: IdParam('endpointId'),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .strictObject({
                url: UrlSchema.optional(),
                description: DescriptionSchema.nullable()
                  .optional()
                  .openapi({ description: 'null clears it' }),
                eventTypes: EventTypesSchema.optional(),
              })
              .refine(
                (body) => Object.keys(body).length > 0,
                'give at least one of url, description, eventTypes',
              ),
          },
        },
      },
    },
    responses: { 200: endpointResponse('The endpoint as changed'), ...problemResponses(400, 401, 403, 404) },
  });
  router.openapi(update, async (c) => {
    const endpoint = await updateEndpoint(deps, {
      id: String(c.req.valid('param').endpointId),
      changes: c.req.valid('json'),
      actor: actorOf(c),
    });
    return c.json(endpointJson(endpoint, deps.clock.now()), 200);
  });

  for (const enabled of [false, true]) {
    const route = createRoute({
      method: 'post',
      path: `/v1/admin/webhooks/endpoints/{endpointId}/${enabled ? 'enable' : 'disable'}`,
      operationId: enabled ? 'enableWebhookEndpoint' : 'disableWebhookEndpoint',
      tags: ['webhooks'],
      summary: enabled
        ? 'Enable a disabled endpoint: later events are delivered to it again'
        : 'Disable an endpoint: nothing is delivered to it, its pending deliveries are cancelled',
      middleware: [admin] as const,
      request: { params: IdParam('endpointId') },
      responses: { 200: endpointResponse('The endpoint'), ...problemResponses(401, 403, 404) },
    });
    router.openapi(route, async (c) => {
      const endpoint = await setEndpointEnabled(deps, {
        id: String(c.req.valid('param').endpointId),
        enabled,
        actor: actorOf(c),
      });
      return c.json(endpointJson(endpoint, deps.clock.now()), 200);
    });
  }

  const rotate = createRoute({
    method: 'post',
    path: '/v1/admin/webhooks/endpoints/{endpointId}/rotate-secret',
    operationId: 'rotateWebhookEndpointSecret',
    tags: ['webhooks'],
    summary: 'A new signing secret (shown once); the old one keeps signing too during the overlap',
    middleware: [admin] as const,
    request: {
      params: IdParam('endpointId'),
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z.strictObject({
              overlapSeconds: z
                .number()
                .int()
                .min(0)
                .max(MAX_SECRET_OVERLAP_SECONDS)
                .optional()
                .openapi({
                  description: `How long deliveries also carry the old secret's signature (default ${DEFAULT_SECRET_OVERLAP_SECONDS}, 24 h; 0 ends it now)`,
                }),
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The endpoint and its new secret',
        content: { 'application/json': { schema: EndpointSchema.extend({ secret: z.string() }) } },
      },
      ...problemResponses(400, 401, 403, 404, 409),
    },
  });
  router.openapi(rotate, async (c) => {
    const body = c.req.valid('json') ?? {};
    const { endpoint, secret } = await rotateEndpointSecret(deps, {
      id: String(c.req.valid('param').endpointId),
      overlapSeconds: body.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS,
      actor: actorOf(c),
    });
    return c.json({ ...endpointJson(endpoint, deps.clock.now()), secret }, 200);
  });

  const ping = createRoute({
    method: 'post',
    path: '/v1/admin/webhooks/endpoints/{endpointId}/ping',
    operationId: 'pingWebhookEndpoint',
    tags: ['webhooks'],
    summary: 'Send the endpoint a `ping` event, signed and retried like any other',
    middleware: [admin] as const,
    request: { params: IdParam('endpointId') },
    responses: {
      202: {
        description: 'The ping event and its delivery, queued',
        content: {
          'application/json': { schema: z.object({ eventId: z.string(), delivery: DeliverySchema }) },
        },
      },
      ...problemResponses(401, 403, 404),
    },
  });
  router.openapi(ping, async (c) => {
    const { event, deliveryId } = await pingEndpoint(deps, {
      id: String(c.req.valid('param').endpointId),
      actor: actorOf(c),
    });
    deps.queue.wake();
    const delivery = await deps.webhooks.findDelivery(deliveryId);
    if (!delivery) throw new Error(`delivery ${deliveryId} vanished`);
    return c.json({ eventId: event.id, delivery: deliveryJson(delivery) }, 202);
  });

  return router;
}
