import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from '../db/columns.js';

/**
 * The outbox: an event is written in the same transaction as the change it announces, with the
 * exact JSON body every delivery sends.
 */
export const webhookEventsTable = sqliteTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    subjectId: text('subject_id').notNull(),
    verificationId: text('verification_id'),
    body: text('body').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('webhook_events_subject_idx').on(t.subjectId, t.createdAt)],
);
