import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { jobsTable } from '../jobs/jobs.table.js';
import type { Sealer } from '../privacy/sealer.js';
import { webhookDeliveriesTable } from './webhook-deliveries.table.js';
import { webhookEndpointsTable } from './webhook-endpoints.table.js';
import { webhookEventsTable } from './webhook-events.table.js';
import type { WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType } from './webhooks.models.js';

type JobRow = typeof jobsTable.$inferInsert;
type EndpointRow = typeof webhookEndpointsTable.$inferSelect;
type DeliveryRow = typeof webhookDeliveriesTable.$inferSelect;

const attemptsPlusOne = sql`${webhookDeliveriesTable.attempts} + 1`;

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;

const endpointModel = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: row.eventTypes as WebhookEventType[],
  createdAt: row.createdAt,
  disabledAt: row.disabledAt,
});

const deliveryModel = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  eventId: row.eventId,
  endpointId: row.endpointId,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.lastStatusCode,
  lastError: row.lastError,
  deliveredAt: row.deliveredAt,
  replayOf: row.replayOf,
  createdAt: row.createdAt,
});

/** Signing secrets are sealed here, at the storage boundary, and opened only to sign. */
export function createWebhooksRepository(db: Db, sealer: Sealer) {
  const insertDeliveries = (
    eventId: string,
    deliveries: { id: string; endpointId: string; job: JobRow }[],
    replayOf: string | null,
    now: Date,
  ) => {
    db.transaction(() => {
      for (const d of deliveries) {
        db.insert(webhookDeliveriesTable)
          .values({
            id: d.id,
            eventId,
            endpointId: d.endpointId,
            status: 'pending',
            replayOf,
            createdAt: now,
            updatedAt: now,
          })
          .run();
        db.insert(jobsTable).values(d.job).run();
      }
    });
  };

  return {
    insertEndpoint(endpoint: WebhookEndpoint, secret: string, createdByKeyId: string | null) {
      db.insert(webhookEndpointsTable)
        .values({
          id: endpoint.id,
          url: endpoint.url,
          description: endpoint.description,
          eventTypes: endpoint.eventTypes,
          secretSealed: sealer.seal(secret),
          createdByKeyId,
          createdAt: endpoint.createdAt,
          updatedAt: endpoint.createdAt,
        })
        .run();
    },

    listActiveEndpoints(): WebhookEndpoint[] {
      return db
        .select()
        .from(webhookEndpointsTable)
        .where(isNull(webhookEndpointsTable.disabledAt))
        .orderBy(asc(webhookEndpointsTable.createdAt), asc(webhookEndpointsTable.id))
        .all()
        .map(endpointModel);
    },

    /** The endpoint and its secret, for signing one delivery. */
    findEndpointWithSecret(id: string): { endpoint: WebhookEndpoint; secret: string } | null {
      const row = db.select().from(webhookEndpointsTable).where(eq(webhookEndpointsTable.id, id)).get();
      return row ? { endpoint: endpointModel(row), secret: sealer.open(row.secretSealed) } : null;
    },

    /** False when there is no such active endpoint. */
    disableEndpoint(id: string, now: Date): boolean {
      return (
        db
          .update(webhookEndpointsTable)
          .set({ disabledAt: now, updatedAt: now })
          .where(and(eq(webhookEndpointsTable.id, id), isNull(webhookEndpointsTable.disabledAt)))
          .run().changes > 0
      );
    },

    /**
     * The outbox write: the event, one delivery per endpoint and the job that carries each out.
     * Called inside the transaction of the change the event announces.
     */
    insertEvent(event: WebhookEvent, deliveries: { id: string; endpointId: string; job: JobRow }[]) {
      db.transaction(() => {
        db.insert(webhookEventsTable).values(event).run();
        insertDeliveries(event.id, deliveries, null, event.createdAt);
      });
    },

    insertDeliveries,

    findEvent(id: string): WebhookEvent | null {
      const row = db.select().from(webhookEventsTable).where(eq(webhookEventsTable.id, id)).get();
      return row ? { ...row, type: row.type as WebhookEventType } : null;
    },

    listEventsBySubject(subjectId: string): WebhookEvent[] {
      return db
        .select()
        .from(webhookEventsTable)
        .where(eq(webhookEventsTable.subjectId, subjectId))
        .orderBy(asc(webhookEventsTable.createdAt))
        .all()
        .map((row) => ({ ...row, type: row.type as WebhookEventType }));
    },

    findDelivery(id: string): WebhookDelivery | null {
      const row = db.select().from(webhookDeliveriesTable).where(eq(webhookDeliveriesTable.id, id)).get();
      return row ? deliveryModel(row) : null;
    },

    listDeliveries(eventId: string): WebhookDelivery[] {
      return db
        .select()
        .from(webhookDeliveriesTable)
        .where(eq(webhookDeliveriesTable.eventId, eventId))
        .orderBy(asc(webhookDeliveriesTable.createdAt), asc(webhookDeliveriesTable.id))
        .all()
        .map(deliveryModel);
    },

    recordAttempt(id: string, attempt: { statusCode: number | null; error: string }, now: Date) {
      db.update(webhookDeliveriesTable)
        .set({
          attempts: attemptsPlusOne,
          lastStatusCode: attempt.statusCode,
          lastError: attempt.error,
          updatedAt: now,
        })
        .where(and(eq(webhookDeliveriesTable.id, id), eq(webhookDeliveriesTable.status, 'pending')))
        .run();
    },

    /** The receiver acknowledged (2xx): this delivery is never sent again. */
    markDelivered(id: string, statusCode: number, now: Date) {
      db.update(webhookDeliveriesTable)
        .set({
          status: 'delivered',
          attempts: attemptsPlusOne,
          lastStatusCode: statusCode,
          lastError: null,
          deliveredAt: now,
          updatedAt: now,
        })
        .where(and(eq(webhookDeliveriesTable.id, id), eq(webhookDeliveriesTable.status, 'pending')))
        .run();
    },

    markFinished(id: string, status: 'failed' | 'cancelled', error: string, now: Date) {
      db.update(webhookDeliveriesTable)
        .set({ status, lastError: error, updatedAt: now })
        .where(and(eq(webhookDeliveriesTable.id, id), eq(webhookDeliveriesTable.status, 'pending')))
        .run();
    },
  };
}
