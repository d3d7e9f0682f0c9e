import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { AppEnv } from '../http/app-env.js';
import type { Authenticator } from '../http/middleware.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import { WEBHOOK_EVENT_TYPES, type WebhookDelivery, type WebhookEndpoint } from './webhooks.models.js';
import type { WebhookTargets } from './webhooks.outbound.js';
import type { WebhooksRepository } from './webhooks.repository.js';
import type { WebhookPublisher } from './webhooks.usecases.js';

/** What the webhook admin routes need, built in services.ts. */
export interface WebhookRouteDeps {
  authenticator: Authenticator;
  audit: AuditRepository;
  webhooks: WebhooksRepository;
  webhookTargets: WebhookTargets;
  publisher: WebhookPublisher;
  queue: JobQueue;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  ids: IdGenerator;
}

export const EndpointSchema = z
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

export const DeliverySchema = z
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
export const endpointJson = (e: WebhookEndpoint, now: Date) => ({
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
export const deliveryJson = (d: WebhookDelivery) => ({
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

export const IdParam = (name: string) =>
  z.object({
    [name]: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name, in: 'path' } }),
  });

export const UrlSchema = z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).max(2048);
export const DescriptionSchema = z.string().trim().min(1).max(200);
export const EventTypesSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length)
  .openapi({ description: 'Omit or leave empty for every event type' });

export const actorOf = (c: Context<AppEnv>): Actor => {
  const key = c.get('apiKey');
  return { type: 'key', id: key.id, role: key.role };
};
