import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp, timestamps } from '../db/columns.js';

/** One event to one endpoint; a durable job ('webhook.deliver') carries it out and retries it. */
export const webhookDeliveriesTable = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at'),
    /** Set when an admin replayed the event: the delivery it repeats. */
    replayOf: text('replay_of'),
    ...timestamps,
  },
  (t) => [
    index('webhook_deliveries_event_idx').on(t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.status),
  ],
);
