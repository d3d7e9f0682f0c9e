import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { ProblemError } from '../http/problems.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import {
  generateWebhookSecret,
  isActive,
  type WebhookEndpoint,
  type WebhookEvent,
  type WebhookEventType,
} from './webhooks.models.js';
import type { WebhookTargets } from './webhooks.outbound.js';
import type { WebhooksRepository } from './webhooks.repository.js';
import type { WebhookPublisher } from './webhooks.usecases.js';

/**
 * An admin's writes to webhook endpoints. Each change and its audit record commit in one
 * transaction; a URL is checked (`WebhookTargets.refusalFor`, a DNS lookup) before it opens.
 */
export interface EndpointDeps {
  webhooks: WebhooksRepository;
  webhookTargets: WebhookTargets;
  audit: Pick<AuditRepository, 'append'>;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  ids: IdGenerator;
}

/** Overlap of the old and new secret after a rotation, unless the request says otherwise. */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 60 * 60;
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

type EndpointAction =
  | 'webhook_endpoint.created'
  | 'webhook_endpoint.updated'
  | 'webhook_endpoint.disabled'
  | 'webhook_endpoint.enabled'
  | 'webhook_endpoint.removed'
  | 'webhook_endpoint.secret_rotated'
  | 'webhook_endpoint.pinged';

/** What the audit keeps of an endpoint: its settings, never a secret. */
const auditView = (e: WebhookEndpoint) => ({
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  disabled: e.disabledAt !== null,
});

function recordChange(
  deps: Pick<EndpointDeps, 'audit'>,
  change: {
    action: EndpointAction;
    endpointId: string;
    actor: Actor;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  },
) {
  return deps.audit.append({
    entityType: 'webhook_endpoint',
    entityId: change.endpointId,
    // Endpoints belong to no subject.
    subjectId: '',
    action: change.action,
    actor: change.actor,
    before: change.before,
    after: change.after,
  });
}

async function refuseTarget(deps: Pick<EndpointDeps, 'webhookTargets'>, url: string): Promise<void> {
  const refusal = await deps.webhookTargets.refusalFor(new URL(url));
  if (refusal) {
    throw new ProblemError('VALIDATION_FAILED', refusal, { errors: [{ path: 'url', message: refusal }] });
  }
}

/** An endpoint that was not removed, or NOT_FOUND. */
async function existing(deps: Pick<EndpointDeps, 'webhooks'>, id: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.webhooks.findEndpoint(id);
  if (!endpoint) throw new ProblemError('NOT_FOUND', `No webhook endpoint ${id}.`);
  return endpoint;
}

export async function registerEndpoint(
  deps: EndpointDeps,
  input: { url: string; description: string | null; eventTypes: WebhookEventType[]; actor: Actor },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await refuseTarget(deps, input.url);
  const secret = generateWebhookSecret();
  const endpoint: WebhookEndpoint = {
    id: deps.ids('whe'),
    url: input.url,
    description: input.description,
    eventTypes: [...new Set(input.eventTypes)],
    createdAt: deps.clock.now(),
    disabledAt: null,
    removedAt: null,
    previousSecretExpiresAt: null,
  };
  await deps.transaction(async () => {
    await deps.webhooks.insertEndpoint(endpoint, secret, input.actor.type === 'key' ? input.actor.id : null);
    await recordChange(deps, {
      action: 'webhook_endpoint.created',
      endpointId: endpoint.id,
      actor: input.actor,
      before: null,
      after: auditView(endpoint),
    });
  });
  return { endpoint, secret };
}

/** Changes the URL (checked like at registration), the event types or the description. */
export async function updateEndpoint(
  deps: EndpointDeps,
  input: {
    id: string;
    changes: { url?: string; description?: string | null; eventTypes?: WebhookEventType[] };
    actor: Actor;
  },
): Promise<WebhookEndpoint> {
  const { url, description, eventTypes } = input.changes;
  if (url !== undefined) await refuseTarget(deps, url);
  return deps.transaction(async () => {
    const before = await existing(deps, input.id);
    const after = await deps.webhooks.updateEndpoint(
      input.id,
      {
        ...(url === undefined ? {} : { url }),
        ...(description === undefined ? {} : { description }),
        ...(eventTypes === undefined ? {} : { eventTypes: [...new Set(eventTypes)] }),
      },
      deps.clock.now(),
    );
    if (!after) throw new ProblemError('NOT_FOUND', `No webhook endpoint ${input.id}.`);
    await recordChange(deps, {
      action: 'webhook_endpoint.updated',
      endpointId: input.id,
      actor: input.actor,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}

/**
 * Disables an endpoint (nothing is delivered to it; deliveries still pending are cancelled, and
 * can be replayed) or enables it again. Asking for the state it is in changes nothing. The
 * delivery handler disables one whose receiver answered 410 Gone (`reason: receiver_gone`).
 */
export async function setEndpointEnabled(
  deps: Pick<EndpointDeps, 'webhooks' | 'audit' | 'transaction' | 'clock'>,
  input: { id: string; enabled: boolean; actor: Actor; reason?: string },
): Promise<WebhookEndpoint> {
  return deps.transaction(async () => {
    const before = await existing(deps, input.id);
    if ((before.disabledAt === null) === input.enabled) return before;
    const now = deps.clock.now();
    const after = await deps.webhooks.setDisabled(input.id, input.enabled ? null : now, now);
    if (!after) throw new ProblemError('NOT_FOUND', `No webhook endpoint ${input.id}.`);
    const cancelled = input.enabled
      ? 0
      : await deps.webhooks.cancelPendingDeliveries(input.id, 'endpoint_disabled', now);
    await recordChange(deps, {
      action: input.enabled ? 'webhook_endpoint.enabled' : 'webhook_endpoint.disabled',
      endpointId: input.id,
      actor: input.actor,
      before: auditView(before),
      after: {
        ...auditView(after),
        ...(input.enabled ? {} : { deliveriesCancelled: cancelled }),
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    return after;
  });
}

/** Removes an endpoint for good: nothing more is sent to it, pending deliveries are cancelled. */
export async function removeEndpoint(deps: EndpointDeps, input: { id: string; actor: Actor }): Promise<void> {
  await deps.transaction(async () => {
    const before = await existing(deps, input.id);
    const now = deps.clock.now();
    if (!(await deps.webhooks.removeEndpoint(input.id, now))) {
      throw new ProblemError('NOT_FOUND', `No webhook endpoint ${input.id}.`);
    }
    const cancelled = await deps.webhooks.cancelPendingDeliveries(input.id, 'endpoint_removed', now);
    await recordChange(deps, {
      action: 'webhook_endpoint.removed',
      endpointId: input.id,
      actor: input.actor,
      before: auditView(before),
      after: { deliveriesCancelled: cancelled },
    });
  });
}

/**
 * A new signing secret, shown once. Until `overlapSeconds` have passed, every delivery carries
 * two signatures (new and old), so a receiver can switch to the new secret at its own pace.
 */
export async function rotateEndpointSecret(
  deps: EndpointDeps,
  input: { id: string; overlapSeconds: number; actor: Actor },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  return deps.transaction(async () => {
    await existing(deps, input.id);
    const now = deps.clock.now();
    const previousExpiresAt = new Date(now.getTime() + input.overlapSeconds * 1000);
    const secret = generateWebhookSecret();
    const endpoint = await deps.webhooks.rotateSecret(input.id, secret, previousExpiresAt, now);
    if (!endpoint) {
      throw new ProblemError('VERSION_CONFLICT', `Webhook endpoint ${input.id} was changed meanwhile.`);
    }
    await recordChange(deps, {
      action: 'webhook_endpoint.secret_rotated',
      endpointId: input.id,
      actor: input.actor,
      before: null,
      after: { previousSecretExpiresAt: previousExpiresAt.toISOString() },
    });
    return { endpoint, secret };
  });
}

/** Sends the endpoint a `ping` event; a disabled endpoint gets nothing (NOT_FOUND, as for replay). */
export async function pingEndpoint(
  deps: EndpointDeps & { publisher: WebhookPublisher },
  input: { id: string; actor: Actor },
): Promise<{ event: WebhookEvent; deliveryId: string }> {
  return deps.transaction(async () => {
    const endpoint = await existing(deps, input.id);
    if (!isActive(endpoint)) {
      throw new ProblemError('NOT_FOUND', `Webhook endpoint ${input.id} is disabled: enable it first.`);
    }
    const sent = await deps.publisher.ping(endpoint);
    await recordChange(deps, {
      action: 'webhook_endpoint.pinged',
      endpointId: input.id,
      actor: input.actor,
      before: null,
      after: { eventId: sent.event.id, deliveryId: sent.deliveryId },
    });
    return sent;
  });
}
