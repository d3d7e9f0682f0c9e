import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp, timestamps } from '../db/columns.js';

/**
 * Progress of `docverify keys rotate-data-key`: which table it is in and the last id done, so a
 * run that stopped (a crash, `--max-batches`) continues where it left off. A run belongs to one
 * pair of keys (by id, never the keys themselves); a run for other keys starts again from the top.
 */
export const keyRotationsTable = sqliteTable(
  'key_rotations',
  {
    id: text('id').primaryKey(),
    /** Id of the data key everything is sealed with at the end (src/privacy/sealer.ts keyId). */
    dataKeyId: text('data_key_id').notNull(),
    /** Id of the blind index key every hash is computed with at the end. */
    blindIndexKeyId: text('blind_index_key_id').notNull(),
    phase: text('phase', {
      enum: ['verifications', 'subjects', 'review_approvals', 'webhook_endpoints', 'done'],
    }).notNull(),
    /** The last id done in the phase; null at its start. */
    cursor: text('cursor'),
    /** Counts over every invocation of the run so far. */
    valuesResealed: integer('values_resealed').notNull(),
    hashesRewritten: integer('hashes_rewritten').notNull(),
    unindexable: integer('unindexable').notNull(),
    blobsResealed: integer('blobs_resealed').notNull(),
    completedAt: timestamp('completed_at'),
    ...timestamps,
  },
  (t) => [index('key_rotations_keys_idx').on(t.dataKeyId, t.blindIndexKeyId, t.completedAt)],
);
