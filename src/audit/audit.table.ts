import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamp } from '../db/columns.js';

/**
 * Append-only audit trail. Each record stores `hash = HMAC-SHA256(AUDIT_HMAC_KEY, prevHash +
 * canonical(record))` (audit.models.ts, chainHash), so changing, removing or reordering a record
 * breaks the chain from that record on, and only the key's holder can link a record. Rows are
 * never deleted by the service, and updated only by erasure, which replaces sealed parts by the
 * digests the chain already hashes (docs/adr/0006-erasure.md).
 */
export const auditTable = sqliteTable(
  'audit_records',
  {
    /** Chain order. */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    /** 'verification', 'subject' (eligibility decisions, erasure), 'data_key' (key rotations), 'webhook_endpoint', 'api_key' or 'audit' (the chain's own records). */
    entityType: text('entity_type', {
      enum: ['verification', 'subject', 'data_key', 'webhook_endpoint', 'api_key', 'audit'],
    }).notNull(),
    entityId: text('entity_id').notNull(),
    subjectId: text('subject_id').notNull(),
    action: text('action').notNull(),
    actorType: text('actor_type', { enum: ['key', 'system'] }).notNull(),
    actorId: text('actor_id'),
    actorRole: text('actor_role'),
    at: timestamp('at').notNull(),
    /** JSON without personal data: names, ID numbers and free text are sealed or left out. */
    before: text('before'),
    after: text('after'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_records_id_idx').on(t.id),
    // Two writers can never fork the chain: a previous hash is followed at most once.
    uniqueIndex('audit_records_prev_hash_idx').on(t.prevHash),
    index('audit_records_entity_idx').on(t.entityId, t.seq),
    index('audit_records_subject_idx').on(t.subjectId, t.action),
  ],
);
