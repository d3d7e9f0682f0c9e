import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from '../db/columns.js';

export const apiKeysTable = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    role: text('role', { enum: ['client', 'engine', 'reviewer', 'admin'] }).notNull(),
    name: text('name'),
    /** First characters of the current secret, to recognise it in lists; the secret itself is never stored. */
    prefix: text('prefix').notNull(),
    /** sha256 of the whole current secret (secrets are 32 random bytes, so a fast hash is enough). */
    keyHash: text('key_hash').notNull().unique(),
    createdAt: timestamp('created_at').notNull(),
    /** Written on use, at most once a minute per key (api-keys.usecases.ts), so reads stay reads. */
    lastUsedAt: timestamp('last_used_at'),
    /** Past it the key no longer authenticates; null: no expiry. */
    expiresAt: timestamp('expires_at'),
    revokedAt: timestamp('revoked_at'),
    rotatedAt: timestamp('rotated_at'),
    /** The secret a rotation replaced: still accepted until `previousKeyExpiresAt`, the grace period. */
    previousKeyHash: text('previous_key_hash').unique(),
    previousKeyExpiresAt: timestamp('previous_key_expires_at'),
  },
  (t) => [index('api_keys_role_idx').on(t.role)],
);
