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
  /**
   * The secret before the last rotation, sealed: deliveries carry its signature too until
   * `previous_secret_expires_at`, so receivers can switch secrets without losing one.
   */
  previousSecretSealed: text('previous_secret_sealed'),
  previousSecretExpiresAt: timestamp('previous_secret_expires_at'),
  createdByKeyId: text('created_by_key_id'),
  /** Disabled by an admin (and enabled again by clearing it): nothing is delivered meanwhile. */
  disabledAt: timestamp('disabled_at'),
  /** Removed for good; it is listed and delivered to no more. */
  removedAt: timestamp('removed_at'),
  ...timestamps,
});
