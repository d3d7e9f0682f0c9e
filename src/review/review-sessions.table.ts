import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from '../db/columns.js';

/**
 * Reviewer sign-ins. The cookie holds a random 256-bit session id; only its sha256 is stored, so
 * a copy of the database does not let anyone sign in. Sign-out deletes the row.
 */
export const reviewSessionsTable = sqliteTable(
  'review_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    keyId: text('key_id').notNull(),
    /** Per-session CSRF token, put into every form and checked on every POST. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [index('review_sessions_expires_idx').on(t.expiresAt)],
);
