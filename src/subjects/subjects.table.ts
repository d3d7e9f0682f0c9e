import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp, timestamps } from '../db/columns.js';

/**
 * A subject (the person a client raises a limit for) and whose it is: created by the first client
 * that uploads for it or registers its identity, and readable by that client alone.
 */
export const subjectsTable = sqliteTable(
  'subjects',
  {
    id: text('id').primaryKey(),
    /** The client key that created it: only its uploads reach the subject and count for it. */
    ownerKeyId: text('owner_key_id').notNull(),
    /** The identity documents are bound to, `{name, idNumber}`, AES-256-GCM encrypted JSON. */
    identitySealed: text('identity_sealed'),
    /** Keyed hash of the identity's ID number, to find a person's subjects without decrypting. */
    idNumberHash: text('id_number_hash'),
    identityRegisteredAt: timestamp('identity_registered_at'),
    ...timestamps,
  },
  (t) => [index('subjects_owner_idx').on(t.ownerKeyId), index('subjects_id_number_idx').on(t.idNumberHash)],
);
