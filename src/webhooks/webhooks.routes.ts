import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { AppEnv } from '../http/app-env.js';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses, responseHeaders } from '../http/openapi-schemas.js';
import { ProblemError } from '../http/problems.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import {
  DEFAULT_SECRET_OVERLAP_SECONDS,
  MAX_SECRET_OVERLAP_SECONDS,
  pingEndpoint,
  registerEndpoint,
  removeEndpoint,
  rotateEndpointSecret,
  setEndpointEnabled,
  updateEndpoint,
} from './webhooks.endpoints.usecases.js';
import {
  PING_EVENT_TYPE,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './webhooks.models.js';
import type { WebhookTargets } from './webhooks.outbound.js';
import type { WebhooksRepository } from './webhooks.repository.js';
import type { WebhookPublisher } from './webhooks.usecases.js';

const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    createdAt: z.string(),
    disabledAt: z.string().nullable().openapi({ description: 'Set while disabled: nothing is delivered' }),
    previousSecretExpiresAt: z.string().nullable().openapi({
      description: 'After a secret rotation: until then deliveries carry a signature with the old secret too',
    }),
  })
  .openapi('WebhookEndpoint');

const DeliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    replayOf: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('WebhookDelivery');

/** `now` hides an overlap that has ended. */
const endpointJson = (e: WebhookEndpoint, now: Date) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  createdAt: e.createdAt.toISOString(),
  disabledAt: e.disabledAt?.toISOString() ?? null,
  previousSecretExpiresAt:
    e.previousSecretExpiresAt && e.previousSecretExpiresAt > now
      ? e.previousSecretExpiresAt.toISOString()
      : null,
});
const deliveryJson = (d: WebhookDelivery) => ({
  id: d.id,
  endpointId: d.endpointId,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  replayOf: d.replayOf,
  createdAt: d.createdAt.toISOString(),
});

const IdParam = (name: string) =>
  z.object({
    [name]: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name, in: 'path' } }),
  });

const UrlSchema = z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).max(2048);
const DescriptionSchema = z.string().trim().min(1).max(200);
const EventTypesSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length)
  .openapi({ description: 'Omit or leave empty for every event type' });

const actorOf = (c: Context<AppEnv>): Actor => {
  const key = c.get('apiKey');
  return { type: 'key', id: key.id, role: key.role };
};

export function createWebhookRoutes(deps: {
  authenticator: Authenticator;
  audit: AuditRepository;
  webhooks: WebhooksRepository;
  webhookTargets: WebhookTargets;
  publisher: WebhookPublisher;
  queue: JobQueue;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  ids: IdGenerator;
}) {
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
