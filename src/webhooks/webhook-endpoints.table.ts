import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp, timestamps } from '../db/columns.js';

export const webhookEndpointsTable = sqliteTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  description: text('description'),
  /** Event types this endpoint receives; empty means every type. */
  eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
  /** The signing secret, AES-256-GCM sealed: it must be readable again to sign. */
  secretSealed: text('secret_sealed').notNull(),
  createdByKeyId: text('created_by_key_id'),
  disabledAt: timestamp('disabled_at'),
  ...timestamps,
});
