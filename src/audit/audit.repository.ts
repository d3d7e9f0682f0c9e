import { and, asc, count, desc, eq, gt, or, sql } from 'drizzle-orm';
import type { Role } from '../auth/api-keys.models.js';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import {
  type Actor,
  type AuditAction,
  type AuditEntry,
  type AuditRecord,
  type AuditSnapshot,
  type ChainEntry,
  type ChainKey,
  canonicalRecord,
  chainHash,
  eraseSealedParts,
  GENESIS_HASH,
  isUnkeyedLink,
  SYSTEM_ACTOR,
} from './audit.models.js';

type Row = Tables['auditTable']['$inferSelect'];

export type AuditRepository = ReturnType<typeof createAuditRepository>;

const parse = (text: string | null): AuditSnapshot => (text === null ? null : JSON.parse(text));

/** Like toModel, but a `before` or `after` that is not JSON is reported instead of thrown. */
function toChainEntry(row: Row): ChainEntry {
  const snapshots: Partial<Record<'before' | 'after', AuditSnapshot>> = {};
  for (const column of ['before', 'after'] as const) {
    try {
      snapshots[column] = parse(row[column]);
    } catch {
      return { seq: row.seq, id: row.id, unreadable: column };
    }
  }
  return toModel(row, snapshots);
}

/** `parsed` carries snapshots already parsed (toChainEntry), so each is parsed once. */
function toModel(row: Row, parsed: Partial<Record<'before' | 'after', AuditSnapshot>> = {}): AuditRecord {
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
    before: 'before' in parsed ? (parsed.before ?? null) : parse(row.before),
    after: 'after' in parsed ? (parsed.after ?? null) : parse(row.after),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export function createAuditRepository(
  database: DatabaseHandle,
  deps: { clock: Clock; ids: IdGenerator; chainKey: ChainKey },
) {
  const { db } = database;
  const { auditTable } = database.tables;

  /** Eligibility decisions list the verifications they counted in `after.verificationIds`. */
  const citesVerification = (verificationId: string) =>
    database.dialect === 'postgres'
      ? sql`((${auditTable.after})::jsonb -> 'verificationIds') @> jsonb_build_array(${verificationId}::text)`
      : sql`exists (select 1 from json_each(${auditTable.after}, '$.verificationIds') where value = ${verificationId})`;

  const readPage = (after: number, pageSize: number): Promise<Row[]> =>
    database.exclusive(async () =>
      db
        .select()
        .from(auditTable)
        .where(gt(auditTable.seq, after))
        .orderBy(asc(auditTable.seq))
        .limit(pageSize),
    );

  async function* pages(pageSize: number): AsyncGenerator<Row[]> {
    let after = 0;
    while (true) {
      const rows = await readPage(after, pageSize);
      yield rows;
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) return;
      after = last.seq;
    }
  }

  /** Inserts one record after `prevHash`; the caller holds the chain (transaction, lock). */
  async function insertLinked(prevHash: string, entry: AuditEntry): Promise<Row> {
    const base = { ...entry, id: deps.ids('aud'), at: deps.clock.now() };
    const hash = chainHash(deps.chainKey, prevHash, canonicalRecord(base));
    const [row] = await db
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
      .returning();
    if (!row) throw new Error('audit append: the insert returned no row');
    return row;
  }

  return exclusively(database, {
    /** The chain's key, for the checker (audit.usecases.ts); never stored in the database. */
    chainKey: deps.chainKey,

    /**
     * Appends one record to the chain. Call it inside the transaction of the change it records;
     * it opens its own (a savepoint when nested) so the read of the last hash and the insert are
     * one step. On PostgreSQL, where several processes may append at once, a transaction-scoped
     * advisory lock serialises appenders until their transactions end.
     */
    async append(entry: AuditEntry): Promise<AuditRecord> {
      return database.transaction(async () => {
        if (database.dialect === 'postgres') {
          const client = database.sqlClient();
          if (!client) throw new Error('audit append: no PostgreSQL transaction to take the chain lock in');
          await client.query('select pg_advisory_xact_lock(7264002)');
        }
        const [last] = await db.select().from(auditTable).orderBy(desc(auditTable.seq)).limit(1);
        let prevHash = last?.hash ?? GENESIS_HASH;
        // The first append with a key after unkeyed records marks the switch (ADR 0007).
        const tail = last ? toChainEntry(last) : null;
        if (tail && !('unreadable' in tail) && isUnkeyedLink(deps.chainKey, tail)) {
          const [{ unkeyed } = { unkeyed: 0 }] = await db.select({ unkeyed: count() }).from(auditTable);
          const marker = await insertLinked(prevHash, {
            entityType: 'audit',
            entityId: 'chain',
            subjectId: '',
            action: 'audit.chain_keyed',
            actor: SYSTEM_ACTOR,
            before: null,
            after: { scheme: 'hmac-sha256', unkeyedRecords: unkeyed },
          });
          prevHash = marker.hash;
        }
        return toModel(await insertLinked(prevHash, entry));
      });
    },

    /**
     * Erases the sealed parts (reviewer notes, corrected fields) of a subject's records (PIPL): each
     * is replaced by the digest of its ciphertext, which is what the chain hashes, so the chain
     * still verifies (docs/adr/0006-erasure.md). The only update the service makes to this table.
     * `legacy` counts sealed strings written before sealed parts existed: the record's hash covers
     * them directly, so they stay.
     */
    async eraseSealedPayloads(subjectId: string): Promise<{ erased: number; legacy: number }> {
      return database.transaction(async () => {
        const rows = await db
          .select({ seq: auditTable.seq, before: auditTable.before, after: auditTable.after })
          .from(auditTable)
          .where(eq(auditTable.subjectId, subjectId));
        let erased = 0;
        let legacy = 0;
        for (const row of rows) {
          const before = eraseSealedParts(parse(row.before));
          const after = eraseSealedParts(parse(row.after));
          legacy += before.legacy + after.legacy;
          if (before.erased + after.erased === 0) continue;
          erased += before.erased + after.erased;
          await db
            .update(auditTable)
            .set({
              before: before.snapshot === null ? null : JSON.stringify(before.snapshot),
              after: after.snapshot === null ? null : JSON.stringify(after.snapshot),
            })
            .where(eq(auditTable.seq, row.seq));
        }
        return { erased, legacy };
      });
    },

    /**
     * A verification's own records, and the eligibility decisions that counted it, oldest first.
     */
    async listForVerification(verificationId: string, subjectId: string): Promise<AuditRecord[]> {
      const citedBy = citesVerification(verificationId);
      const rows = await db
        .select()
        .from(auditTable)
        .where(
          or(
            eq(auditTable.entityId, verificationId),
            and(eq(auditTable.subjectId, subjectId), eq(auditTable.action, 'eligibility.decided'), citedBy),
          ),
        )
        .orderBy(asc(auditTable.seq));
      return rows.map((row) => toModel(row));
    },

    /** The subject's newest record of one action (eligibility decisions: the last one recorded). */
    async lastForSubject(subjectId: string, action: AuditAction): Promise<AuditRecord | null> {
      const [row] = await db
        .select()
        .from(auditTable)
        .where(and(eq(auditTable.subjectId, subjectId), eq(auditTable.action, action)))
        .orderBy(desc(auditTable.seq))
        .limit(1);
      return row ? toModel(row) : null;
    },

    /**
     * The whole chain in order, a page at a time, so a long chain is checked in bounded memory.
     * Each page is one query holding the database; records appended between pages extend the
     * chain at its end and are read too.
     */
    async *iterateAll(pageSize = 1000): AsyncGenerator<AuditRecord> {
      for await (const rows of pages(pageSize)) for (const row of rows) yield toModel(row);
    },

    /** The chain as iterateAll reads it, for the checker: a row whose JSON cannot be read comes as such. */
    async *iterateChain(pageSize = 1000): AsyncGenerator<ChainEntry> {
      for await (const rows of pages(pageSize)) for (const row of rows) yield toChainEntry(row);
    },
  });
}
