import { and, asc, desc, eq, gt, or, sql } from 'drizzle-orm';
import type { Role } from '../auth/api-keys.models.js';
import type { Db } from '../db/database.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import {
  type Actor,
  type AuditEntry,
  type AuditRecord,
  type AuditSnapshot,
  canonicalRecord,
  chainHash,
  GENESIS_HASH,
} from './audit.models.js';
import { auditTable } from './audit.table.js';

type Row = typeof auditTable.$inferSelect;

export type AuditRepository = ReturnType<typeof createAuditRepository>;

const parse = (text: string | null): AuditSnapshot => (text === null ? null : JSON.parse(text));

function toModel(row: Row): AuditRecord {
  const actor: Actor =
    row.actorType === 'key' && row.actorId && row.actorRole
      ? { type: 'key', id: row.actorId, role: row.actorRole as Role }
      : { type: 'system' };
  return {
    seq: row.seq,
    id: row.id,
    entityType: row.entityType,
    entityId: row.entityId,
    subjectId: row.subjectId,
    action: row.action as AuditRecord['action'],
    actor,
    at: row.at,
    before: parse(row.before),
    after: parse(row.after),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export function createAuditRepository(db: Db, deps: { clock: Clock; ids: IdGenerator }) {
  return {
    /**
     * Appends one record to the chain. Call it inside the transaction of the change it records;
     * it opens its own (a savepoint when nested) so the read of the last hash and the insert are
     * one step.
     */
    append(entry: AuditEntry): AuditRecord {
      return db.transaction(() => {
        const last = db
          .select({ hash: auditTable.hash })
          .from(auditTable)
          .orderBy(desc(auditTable.seq))
          .limit(1)
          .get();
        const prevHash = last?.hash ?? GENESIS_HASH;
        const base = { ...entry, id: deps.ids('aud'), at: deps.clock.now() };
        const hash = chainHash(prevHash, canonicalRecord(base));
        const row = db
          .insert(auditTable)
          .values({
            id: base.id,
            entityType: base.entityType,
            entityId: base.entityId,
            subjectId: base.subjectId,
            action: base.action,
            actorType: base.actor.type,
            actorId: base.actor.type === 'key' ? base.actor.id : null,
            actorRole: base.actor.type === 'key' ? base.actor.role : null,
            at: base.at,
            before: base.before === null ? null : JSON.stringify(base.before),
            after: base.after === null ? null : JSON.stringify(base.after),
            prevHash,
            hash,
          })
          .returning()
          .get();
        return toModel(row);
      });
    },

    /**
     * A verification's own records, and the eligibility decisions that counted it, oldest first.
     */
    listForVerification(verificationId: string, subjectId: string): AuditRecord[] {
      const citedBy = sql`exists (select 1 from json_each(${auditTable.after}, '$.verificationIds') where value = ${verificationId})`;
      return db
        .select()
        .from(auditTable)
        .where(
          or(
            eq(auditTable.entityId, verificationId),
            and(eq(auditTable.subjectId, subjectId), eq(auditTable.action, 'eligibility.decided'), citedBy),
          ),
        )
        .orderBy(asc(auditTable.seq))
        .all()
        .map(toModel);
    },

    /** The whole chain in order, a page at a time, so a long chain is checked in bounded memory. */
    *iterateAll(pageSize = 1000): Generator<AuditRecord> {
      let after = 0;
      while (true) {
        const rows = db
          .select()
          .from(auditTable)
          .where(gt(auditTable.seq, after))
          .orderBy(asc(auditTable.seq))
          .limit(pageSize)
          .all();
        for (const row of rows) yield toModel(row);
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) return;
        after = last.seq;
      }
    },
  };
}
