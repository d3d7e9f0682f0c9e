import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { Sealer } from '../privacy/sealer.js';
import type { WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType } from './webhooks.models.js';

type EndpointRow = Tables['webhookEndpointsTable']['$inferSelect'];
type DeliveryRow = Tables['webhookDeliveriesTable']['$inferSelect'];

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
export function createWebhooksRepository(database: DatabaseHandle, sealer: Sealer) {
  const { db } = database;
  const { webhookDeliveriesTable, webhookEndpointsTable, webhookEventsTable } = database.tables;

  const attemptsPlusOne = sql`${webhookDeliveriesTable.attempts} + 1`;

  const insertDeliveries = async (
    eventId: string,
    deliveries: { id: string; endpointId: string }[],
    replayOf: string | null,
    now: Date,
  ): Promise<void> => {
    await database.transaction(async () => {
      for (const d of deliveries) {
        await db.insert(webhookDeliveriesTable).values({
          id: d.id,
          eventId,
          endpointId: d.endpointId,
          status: 'pending',
          replayOf,
          createdAt: now,
          updatedAt: now,
        });
      }
    });
  };

  return exclusively(database, {
    async insertEndpoint(
      endpoint: WebhookEndpoint,
      secret: string,
      createdByKeyId: string | null,
    ): Promise<void> {
      await db.insert(webhookEndpointsTable).values({
        id: endpoint.id,
        url: endpoint.url,
        description: endpoint.description,
        eventTypes: endpoint.eventTypes,
        secretSealed: sealer.seal(secret),
        createdByKeyId,
        createdAt: endpoint.createdAt,
        updatedAt: endpoint.createdAt,
      });
    },

    async listActiveEndpoints(): Promise<WebhookEndpoint[]> {
      const rows = await db
        .select()
        .from(webhookEndpointsTable)
        .where(isNull(webhookEndpointsTable.disabledAt))
        .orderBy(asc(webhookEndpointsTable.createdAt), asc(webhookEndpointsTable.id));
      return rows.map(endpointModel);
    },

    /** The endpoint and its secret, for signing one delivery. */
    async findEndpointWithSecret(id: string): Promise<{ endpoint: WebhookEndpoint; secret: string } | null> {
      const [row] = await db
        .select()
        .from(webhookEndpointsTable)
        .where(eq(webhookEndpointsTable.id, id))
        .limit(1);
      return row ? { endpoint: endpointModel(row), secret: sealer.open(row.secretSealed) } : null;
    },

    /**
     * Key rotation over one page of endpoints after `afterId` (id order): a secret not sealed with
     * the current key is sealed again, written only if unchanged since it was read.
     */
    async resealSecretsPage(input: {
      afterId: string | null;
      limit: number;
      dryRun: boolean;
    }): Promise<{ lastId: string | null; rows: number; valuesResealed: number }> {
      const rows = await db
        .select({ id: webhookEndpointsTable.id, secretSealed: webhookEndpointsTable.secretSealed })
        .from(webhookEndpointsTable)
        .where(input.afterId ? gt(webhookEndpointsTable.id, input.afterId) : undefined)
        .orderBy(asc(webhookEndpointsTable.id))
        .limit(input.limit);
      let valuesResealed = 0;
      for (const row of rows) {
        if (sealer.keyIdOf(row.secretSealed) === sealer.currentKeyId) continue;
        valuesResealed++;
        if (input.dryRun) continue;
        // A secret never changes after the endpoint is made, so the compare only guards a delete.
        await db
          .update(webhookEndpointsTable)
          .set({ secretSealed: sealer.seal(sealer.open(row.secretSealed)) })
          .where(
            and(
              eq(webhookEndpointsTable.id, row.id),
              eq(webhookEndpointsTable.secretSealed, row.secretSealed),
            ),
          );
      }
      return { lastId: rows.at(-1)?.id ?? null, rows: rows.length, valuesResealed };
    },

    /** False when there is no such active endpoint. */
    async disableEndpoint(id: string, now: Date): Promise<boolean> {
      const updated = await db
        .update(webhookEndpointsTable)
        .set({ disabledAt: now, updatedAt: now })
        .where(and(eq(webhookEndpointsTable.id, id), isNull(webhookEndpointsTable.disabledAt)))
        .returning({ id: webhookEndpointsTable.id });
      return updated.length > 0;
    },

    /**
     * The outbox write: the event and one delivery per endpoint. Called inside the transaction
     * of the change the event announces, which also enqueues each delivery's job.
     */
    async insertEvent(event: WebhookEvent, deliveries: { id: string; endpointId: string }[]): Promise<void> {
      await database.transaction(async () => {
        await db.insert(webhookEventsTable).values(event);
        await insertDeliveries(event.id, deliveries, null, event.createdAt);
      });
    },

    insertDeliveries,

    async findEvent(id: string): Promise<WebhookEvent | null> {
      const [row] = await db.select().from(webhookEventsTable).where(eq(webhookEventsTable.id, id)).limit(1);
      return row ? { ...row, type: row.type as WebhookEventType } : null;
    },

    async listEventsBySubject(subjectId: string): Promise<WebhookEvent[]> {
      const rows = await db
        .select()
        .from(webhookEventsTable)
        .where(eq(webhookEventsTable.subjectId, subjectId))
        .orderBy(asc(webhookEventsTable.createdAt));
      return rows.map((row) => ({ ...row, type: row.type as WebhookEventType }));
    },

    async findDelivery(id: string): Promise<WebhookDelivery | null> {
      const [row] = await db
        .select()
        .from(webhookDeliveriesTable)
        .where(eq(webhookDeliveriesTable.id, id))
        .limit(1);
      return row ? deliveryModel(row) : null;
    },

    async listDeliveries(eventId: string): Promise<WebhookDelivery[]> {
      const rows = await db
        .select()
        .from(webhookDeliveriesTable)
        .where(eq(webhookDeliveriesTable.eventId, eventId))
        .orderBy(asc(webhookDeliveriesTable.createdAt), asc(webhookDeliveriesTable.id));
      return rows.map(deliveryModel);
    },

    async recordAttempt(
      id: string,
      attempt: { statusCode: number | null; error: string },
      now: Date,
    ): Promise<void> {
      await db
        .update(webhookDeliveriesTable)
        .set({
          attempts: attemptsPlusOne,
          lastStatusCode: attempt.statusCode,
          lastError: attempt.error,
          updatedAt: now,
        })
        .where(and(eq(webhookDeliveriesTable.id, id), eq(webhookDeliveriesTable.status, 'pending')));
    },

    /** The receiver acknowledged (2xx): this delivery is never sent again. */
    async markDelivered(id: string, statusCode: number, now: Date): Promise<void> {
      await db
        .update(webhookDeliveriesTable)
        .set({
          status: 'delivered',
          attempts: attemptsPlusOne,
          lastStatusCode: statusCode,
          lastError: null,
          deliveredAt: now,
          updatedAt: now,
        })
        .where(and(eq(webhookDeliveriesTable.id, id), eq(webhookDeliveriesTable.status, 'pending')));
    },

    async markFinished(id: string, status: 'failed' | 'cancelled', error: string, now: Date): Promise<void> {
      await db
        .update(webhookDeliveriesTable)
        .set({ status, lastError: error, updatedAt: now })
        .where(and(eq(webhookDeliveriesTable.id, id), eq(webhookDeliveriesTable.status, 'pending')));
    },
  });
}
