import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from '../db/columns.js';

export const apiKeysTable = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    role: text('role', { enum: ['client', 'engine', 'reviewer', 'admin'] }).notNull(),
    name: text('name'),
    /** First characters of the key, to recognise it in lists; the key itself is never stored. */
    prefix: text('prefix').notNull(),
    /** sha256 of the whole key (keys are 32 random bytes, so a fast hash is enough). */
    keyHash: text('key_hash').notNull().unique(),
    createdAt: timestamp('created_at').notNull(),
    lastUsedAt: timestamp('last_used_at'),
    revokedAt: timestamp('revoked_at'),
  },
  (t) => [index('api_keys_role_idx').on(t.role)],
);
