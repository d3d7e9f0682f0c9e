import { and, asc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm';
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { Sealer } from '../privacy/sealer.js';
import type {
  DeliveredEventType,
  SigningTarget,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEvent,
  WebhookEventType,
} from './webhooks.models.js';

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
  removedAt: row.removedAt,
  previousSecretExpiresAt: row.previousSecretExpiresAt,
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

  const listWhere = async (condition: SQL | undefined) => {
    const rows = await db
      .select()
      .from(webhookEndpointsTable)
      .where(condition)
      .orderBy(asc(webhookEndpointsTable.createdAt), asc(webhookEndpointsTable.id));
    return rows.map(endpointModel);
  };

  /** One update of an endpoint that was not removed: the row after it, or null when there is none. */
  const updateLive = async (
    id: string,
    values: SQLiteUpdateSetSource<Tables['webhookEndpointsTable']>,
  ): Promise<WebhookEndpoint | null> => {
    const [row] = await db
      .update(webhookEndpointsTable)
      .set(values)
      .where(and(eq(webhookEndpointsTable.id, id), isNull(webhookEndpointsTable.removedAt)))
      .returning();
    return row ? endpointModel(row) : null;
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

    /** Every endpoint not removed, disabled ones included. */
    async listEndpoints(): Promise<WebhookEndpoint[]> {
      return listWhere(isNull(webhookEndpointsTable.removedAt));
    },

    /** The endpoints that receive deliveries: neither disabled nor removed. */
    async listActiveEndpoints(): Promise<WebhookEndpoint[]> {
      return listWhere(
        and(isNull(webhookEndpointsTable.removedAt), isNull(webhookEndpointsTable.disabledAt)),
      );
    },

    /** An endpoint that was not removed. */
    async findEndpoint(id: string): Promise<WebhookEndpoint | null> {
      const [row] = await db
        .select()
        .from(webhookEndpointsTable)
        .where(and(eq(webhookEndpointsTable.id, id), isNull(webhookEndpointsTable.removedAt)))
        .limit(1);
      return row ? endpointModel(row) : null;
    },

    /** The endpoint (removed or not) and its secrets, for signing one delivery. */
    async findSigningTarget(id: string): Promise<SigningTarget | null> {
      const [row] = await db
        .select()
        .from(webhookEndpointsTable)
        .where(eq(webhookEndpointsTable.id, id))
        .limit(1);
      if (!row) return null;
      return {
        endpoint: endpointModel(row),
        secret: sealer.open(row.secretSealed),
        previousSecret: row.previousSecretSealed === null ? null : sealer.open(row.previousSecretSealed),
      };
    },

    /** Changes an endpoint that was not removed; null when there is none. */
    async updateEndpoint(
      id: string,
      changes: { url?: string; description?: string | null; eventTypes?: WebhookEventType[] },
      now: Date,
    ): Promise<WebhookEndpoint | null> {
      return updateLive(id, { ...changes, updatedAt: now });
    },

    /** Disables (a date) or enables (null) an endpoint that was not removed; null when there is none. */
    async setDisabled(id: string, disabledAt: Date | null, now: Date): Promise<WebhookEndpoint | null> {
      return updateLive(id, { disabledAt, updatedAt: now });
    },

    /**
     * A new secret; the current one becomes the previous one, signing too until `previousExpiresAt`.
     * A previous secret still in its overlap is dropped: only the last two are ever kept. The
     * previous one is sealed again under the current data key, so a data-key rotation running
     * meanwhile cannot leave it under a key about to be retired. Null when there is no such
     * endpoint, or another rotation came first.
     */
    async rotateSecret(
      id: string,
      secret: string,
      previousExpiresAt: Date,
      now: Date,
    ): Promise<WebhookEndpoint | null> {
      const [row] = await db
        .select({ secretSealed: webhookEndpointsTable.secretSealed })
        .from(webhookEndpointsTable)
        .where(and(eq(webhookEndpointsTable.id, id), isNull(webhookEndpointsTable.removedAt)))
        .limit(1);
      if (!row) return null;
      const [rotated] = await db
        .update(webhookEndpointsTable)
        .set({
          secretSealed: sealer.seal(secret),
          previousSecretSealed: sealer.seal(sealer.open(row.secretSealed)),
          previousSecretExpiresAt: previousExpiresAt,
          updatedAt: now,
        })
        .where(
          and(
            eq(webhookEndpointsTable.id, id),
            isNull(webhookEndpointsTable.removedAt),
            eq(webhookEndpointsTable.secretSealed, row.secretSealed),
          ),
        )
        .returning();
      return rotated ? endpointModel(rotated) : null;
    },

    /** False when there is no such endpoint left to remove. */
    async removeEndpoint(id: string, now: Date): Promise<boolean> {
      return (await updateLive(id, { removedAt: now, updatedAt: now })) !== null;
    },

    /** Its deliveries still waiting are not sent: `reason` is their lastError. */
    async cancelPendingDeliveries(endpointId: string, reason: string, now: Date): Promise<number> {
      const cancelled = await db
        .update(webhookDeliveriesTable)
        .set({ status: 'cancelled', lastError: reason, updatedAt: now })
        .where(
          and(
            eq(webhookDeliveriesTable.endpointId, endpointId),
            eq(webhookDeliveriesTable.status, 'pending'),
          ),
        )
        .returning({ id: webhookDeliveriesTable.id });
      return cancelled.length;
    },

    /**
     * Key rotation over one page of endpoints after `afterId` (id order): a secret (current or
     * previous) not sealed with the current key is sealed again, written only if neither changed
     * since they were read (a secret rotation meanwhile seals both anew).
     */
    async resealSecretsPage(input: {
      afterId: string | null;
      limit: number;
      dryRun: boolean;
    }): Promise<{ lastId: string | null; rows: number; valuesResealed: number }> {
      const rows = await db
        .select({
          id: webhookEndpointsTable.id,
          secretSealed: webhookEndpointsTable.secretSealed,
          previousSecretSealed: webhookEndpointsTable.previousSecretSealed,
        })
        .from(webhookEndpointsTable)
        .where(input.afterId ? gt(webhookEndpointsTable.id, input.afterId) : undefined)
        .orderBy(asc(webhookEndpointsTable.id))
        .limit(input.limit);
      const stale = (sealed: string | null) =>
        sealed !== null && sealer.keyIdOf(sealed) !== sealer.currentKeyId;
      const resealed = (sealed: string | null) =>
        sealed !== null && stale(sealed) ? sealer.seal(sealer.open(sealed)) : sealed;
      let valuesResealed = 0;
      for (const row of rows) {
        const count = Number(stale(row.secretSealed)) + Number(stale(row.previousSecretSealed));
        if (count === 0) continue;
        valuesResealed += count;
        if (input.dryRun) continue;
        await db
          .update(webhookEndpointsTable)
          .set({
            secretSealed: resealed(row.secretSealed) ?? row.secretSealed,
            previousSecretSealed: resealed(row.previousSecretSealed),
          })
          .where(
            and(
              eq(webhookEndpointsTable.id, row.id),
              eq(webhookEndpointsTable.secretSealed, row.secretSealed),
              row.previousSecretSealed === null
                ? isNull(webhookEndpointsTable.previousSecretSealed)
                : eq(webhookEndpointsTable.previousSecretSealed, row.previousSecretSealed),
            ),
          );
      }
      return { lastId: rows.at(-1)?.id ?? null, rows: rows.length, valuesResealed };
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
      return row ? { ...row, type: row.type as DeliveredEventType } : null;
    },

    async listEventsBySubject(subjectId: string): Promise<WebhookEvent[]> {
      const rows = await db
        .select()
        .from(webhookEventsTable)
        .where(eq(webhookEventsTable.subjectId, subjectId))
        .orderBy(asc(webhookEventsTable.createdAt));
      return rows.map((row) => ({ ...row, type: row.type as DeliveredEventType }));
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
