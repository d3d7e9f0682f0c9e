import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { ProblemError } from '../http/problems.js';
import type { JobHandler, JobQueue } from '../jobs/job-queue.js';
import { PermanentJobError } from '../jobs/job-queue.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import { setEndpointEnabled } from './webhooks.endpoints.usecases.js';
import {
  DELIVER_WEBHOOK_JOB,
  type DeliveredEventType,
  isActive,
  PING_EVENT_TYPE,
  retryDelayAfter,
  retrySchedule,
  signingSecrets,
  signWebhook,
  subscribes,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEvent,
  type WebhookEventType,
} from './webhooks.models.js';
import { DeliveryFailed, type WebhookTargets } from './webhooks.outbound.js';
import type { WebhooksRepository } from './webhooks.repository.js';

export interface WebhookSettings {
  timeoutMs: number;
  retryBaseMs: number;
}

interface OutboxDeps {
  webhooks: WebhooksRepository;
  queue: Pick<JobQueue, 'enqueue'>;
  clock: Clock;
  ids: IdGenerator;
  webhookSettings: WebhookSettings;
}

export type WebhookPublisher = ReturnType<typeof createWebhookPublisher>;

/**
 * Writes events to the outbox. `publish` must run inside the transaction of the change it
 * announces: the change, the event and its delivery jobs commit together or not at all. `ping`
 * and `replay` are their own change: callers run them in a transaction of their own.
 */
export function createWebhookPublisher(deps: OutboxDeps) {
  const maxAttempts = retrySchedule(deps.webhookSettings.retryBaseMs).length + 1;
  const deliveriesFor = (endpoints: WebhookEndpoint[]) =>
    endpoints.map((endpoint) => ({ id: deps.ids('dlv'), endpointId: endpoint.id }));
  // Each delivery is carried out by a durable job, enqueued in the same transaction.
  const enqueueAll = async (deliveries: { id: string }[]) => {
    for (const delivery of deliveries) {
      await deps.queue.enqueue({ kind: DELIVER_WEBHOOK_JOB, subjectRef: delivery.id, maxAttempts });
    }
  };

  /** Writes the event and its deliveries, and enqueues the deliveries' jobs. */
  const write = async (
    type: DeliveredEventType,
    input: { subjectId: string; verificationId: string | null; data: Record<string, unknown> },
    deliveries: { id: string; endpointId: string }[],
  ): Promise<WebhookEvent> => {
    const now = deps.clock.now();
    const id = deps.ids('evt');
    const createdAt = now.toISOString();
    // `timestamp` is Standard Webhooks' name for when the event happened; `createdAt` was first.
    const body = JSON.stringify({ id, type, timestamp: createdAt, createdAt, data: input.data });
    const event: WebhookEvent = {
      id,
      type,
      subjectId: input.subjectId,
      verificationId: input.verificationId,
      body,
      createdAt: now,
    };
    await deps.webhooks.insertEvent(event, deliveries);
    await enqueueAll(deliveries);
    return event;
  };

  return {
    async publish(
      type: WebhookEventType,
      input: { subjectId: string; verificationId: string | null; data: Record<string, unknown> },
    ): Promise<WebhookEvent> {
      const endpoints = (await deps.webhooks.listActiveEndpoints()).filter((e) => subscribes(e, type));
      return write(type, input, deliveriesFor(endpoints));
    },

    /** A `ping` event for one endpoint, delivered (signed, retried) like any other. */
    async ping(endpoint: WebhookEndpoint): Promise<{ event: WebhookEvent; deliveryId: string }> {
      const delivery = { id: deps.ids('dlv'), endpointId: endpoint.id };
      const event = await write(
        PING_EVENT_TYPE,
        { subjectId: '', verificationId: null, data: { endpointId: endpoint.id } },
        [delivery],
      );
      return { event, deliveryId: delivery.id };
    },

    /**
     * Sends an event again, with the same Webhook-Id, to every endpoint that takes it now (or to
     * one). Receivers deduplicate on the id; the new deliveries retry like the first ones.
     */
    async replay(eventId: string, endpointId: string | null): Promise<WebhookDelivery[]> {
      const event = await deps.webhooks.findEvent(eventId);
      if (!event) throw new ProblemError('NOT_FOUND', `No webhook event ${eventId}.`);
      const earlier = await deps.webhooks.listDeliveries(eventId);
      // A ping went to one endpoint: only that one takes it again.
      const takes = (e: WebhookEndpoint) =>
        event.type === PING_EVENT_TYPE
          ? earlier.some((d) => d.endpointId === e.id)
          : subscribes(e, event.type);
      const endpoints = (await deps.webhooks.listActiveEndpoints()).filter(
        (e) => takes(e) && (endpointId === null || e.id === endpointId),
      );
      if (endpointId !== null && endpoints.length === 0) {
        throw new ProblemError('NOT_FOUND', `No active endpoint ${endpointId} that takes ${event.type}.`);
      }
      const now = deps.clock.now();
      const deliveries = deliveriesFor(endpoints);
      await deps.webhooks.insertDeliveries(
        eventId,
        deliveries,
        earlier.find((d) => endpoints.some((e) => e.id === d.endpointId))?.id ?? null,
        now,
      );
      await enqueueAll(deliveries);
      const stored: WebhookDelivery[] = [];
      for (const d of deliveries) {
        const delivery = await deps.webhooks.findDelivery(d.id);
        if (delivery) stored.push(delivery);
      }
      return stored;
    },
  };
}

/**
 * Delivers one event to one endpoint: a signed POST with a timeout, to a checked address only
 * (`WebhookTargets`). A 2xx acknowledges it for
 * good (the job commits 'delivered' and never sends it again); a 410 disables the endpoint;
 * anything else is retried on the schedule of `retrySchedule`, across restarts, until the last
 * attempt fails.
 */
export function createWebhookDeliveryHandler(deps: {
  webhooks: WebhooksRepository;
  webhookTargets: WebhookTargets;
  audit: Pick<AuditRepository, 'append'>;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  logger: Logger;
  webhookSettings: WebhookSettings;
}): JobHandler {
  const schedule = retrySchedule(deps.webhookSettings.retryBaseMs);
  return {
    async run(job) {
      const delivery = await deps.webhooks.findDelivery(job.subjectRef);
      if (!delivery) throw new PermanentJobError(`delivery ${job.subjectRef} not found`, 'NOT_FOUND');
      if (delivery.status !== 'pending') return async () => {};
      const target = await deps.webhooks.findSigningTarget(delivery.endpointId);
      const event = await deps.webhooks.findEvent(delivery.eventId);
      // Disabling or removing an endpoint cancels its pending deliveries; this catches one whose
      // attempt had already started then.
      if (!target || !event || !isActive(target.endpoint)) {
        const reason =
          !target || target.endpoint.removedAt
            ? 'endpoint_removed'
            : target.endpoint.disabledAt
              ? 'endpoint_disabled'
              : 'event_missing';
        return async () => {
          await deps.webhooks.markFinished(delivery.id, 'cancelled', reason, deps.clock.now());
        };
      }
      const now = deps.clock.now();
      const timestamp = Math.floor(now.getTime() / 1000);
      let status: number;
      try {
        status = await deps.webhookTargets.post(target.endpoint.url, {
          headers: {
            'content-type': 'application/json',
            'user-agent': 'docverify-webhooks/1',
            'webhook-id': event.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook({
              secrets: signingSecrets(target, now),
              id: event.id,
              timestamp,
              body: event.body,
            }),
          },
          body: event.body,
          timeoutMs: deps.webhookSettings.timeoutMs,
        });
      } catch (error) {
        // Admins read lastError over the API: a category only. The error itself (addresses,
        // ports, system messages) is for the operator's log.
        const failure = error instanceof DeliveryFailed ? error.failure : 'connection_failed';
        deps.logger.warn(
          {
            err: error instanceof DeliveryFailed ? (error.cause ?? error) : error,
            deliveryId: delivery.id,
            failure,
          },
          'webhook delivery failed',
        );
        await deps.webhooks.recordAttempt(
          delivery.id,
          { statusCode: null, error: failure },
          deps.clock.now(),
        );
        throw new Error(failure);
      }
      if (status >= 200 && status < 300) {
        return async () => {
          await deps.webhooks.markDelivered(delivery.id, status, deps.clock.now());
        };
      }
      if (status === 410) {
        // Standard Webhooks ("Delivery success and failure"): 410 Gone says the receiver wants no
        // more, and the sender should disable the endpoint. An admin can enable it again.
        return async () => {
          const gone = `http_status:${status}`;
          await deps.webhooks.recordAttempt(
            delivery.id,
            { statusCode: status, error: gone },
            deps.clock.now(),
          );
          await deps.webhooks.markFinished(delivery.id, 'failed', gone, deps.clock.now());
          await setEndpointEnabled(deps, {
            id: delivery.endpointId,
            enabled: false,
            actor: SYSTEM_ACTOR,
            reason: 'receiver_gone',
          });
        };
      }
      const message = `http_status:${status}`;
      await deps.webhooks.recordAttempt(
        delivery.id,
        { statusCode: status, error: message },
        deps.clock.now(),
      );
      throw new Error(message);
    },
    retryDelayMs: (job) => retryDelayAfter(schedule, job.attempts),
    async onFailed(job, error) {
      await deps.webhooks.markFinished(job.subjectRef, 'failed', error.message, deps.clock.now());
    },
  };
}
