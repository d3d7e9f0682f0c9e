import { and, asc, eq, gt } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { Sealer } from '../privacy/sealer.js';
import type { Subject, SubjectIdentity } from './subjects.models.js';

type Row = Tables['subjectsTable']['$inferSelect'];

export type SubjectsRepository = ReturnType<typeof createSubjectsRepository>;

/**
 * The advisory lock class of subjects (the migration lock is 7264001, the audit chain 7264002):
 * with the subject id's hash as the second key, one lock per subject.
 */
const SUBJECT_LOCK_CLASS = 7264003;

/** The identity is sealed here, at the storage boundary, and nowhere else. */
export function createSubjectsRepository(database: DatabaseHandle, sealer: Sealer) {
  const { db } = database;
  const { subjectsTable } = database.tables;
  const toModel = (row: Row): Subject => ({
    id: row.id,
    ownerKeyId: row.ownerKeyId,
    identity: row.identitySealed ? sealer.openJson<SubjectIdentity>(row.identitySealed) : null,
    identityRegisteredAt: row.identityRegisteredAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
  const find = async (id: string) => {
    const [row] = await db.select().from(subjectsTable).where(eq(subjectsTable.id, id)).limit(1);
    return row ? toModel(row) : null;
  };

  return exclusively(database, {
    findById: find,

    /**
     * Takes the subject for the rest of the caller's transaction, creating it for `ownerKeyId`
     * when it does not exist yet, and returns it. Everything a writer checks about the subject
     * after this (its owner, its identity, how many uploads it had) holds until the transaction
     * ends: on PostgreSQL a transaction-scoped advisory lock per subject serialises the writers
     * of one subject across processes; SQLite has one writer at a time already (one connection,
     * BEGIN IMMEDIATE). Call it first in the transaction, before audit.append takes the chain lock.
     */
    async claim(id: string, ownerKeyId: string, now: Date): Promise<Subject> {
      // Its own transaction when called alone (a savepoint inside the caller's, whose end the lock lasts to).
      return database.transaction(async () => {
        if (database.dialect === 'postgres') {
          const client = database.sqlClient();
          if (!client)
            throw new Error('subjects.claim: no PostgreSQL transaction to take the subject lock in');
          await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [SUBJECT_LOCK_CLASS, id]);
        }
        await db
          .insert(subjectsTable)
          .values({ id, ownerKeyId, createdAt: now, updatedAt: now })
          .onConflictDoNothing({ target: subjectsTable.id });
        const subject = await find(id);
        if (!subject) throw new Error(`subject ${id} vanished after insert`);
        return subject;
      });
    },

    async registerIdentity(id: string, identity: SubjectIdentity, now: Date): Promise<void> {
      await db
        .update(subjectsTable)
        .set({
          identitySealed: sealer.sealJson(identity),
          idNumberHash: sealer.blindIndex(identity.idNumber),
          identityRegisteredAt: now,
          updatedAt: now,
        })
        .where(eq(subjectsTable.id, id));
    },

    /**
     * One batch of `docverify keys rotate-data-key` (src/keys/rotate-data-key.ts): identities
     * sealed again with the current data key, and their ID number indexed with the blind index
     * key. A row is rewritten only if it still holds what was read, so a registration or an
     * erasure made meanwhile wins.
     */
    async rekeyPage(input: {
      afterId: string | null;
      limit: number;
      dryRun: boolean;
    }): Promise<{ lastId: string | null; rows: number; valuesResealed: number; hashesRewritten: number }> {
      const rows = await db
        .select({
          id: subjectsTable.id,
          identitySealed: subjectsTable.identitySealed,
          idNumberHash: subjectsTable.idNumberHash,
        })
        .from(subjectsTable)
        .where(input.afterId ? gt(subjectsTable.id, input.afterId) : undefined)
        .orderBy(asc(subjectsTable.id))
        .limit(input.limit);
      let valuesResealed = 0;
      let hashesRewritten = 0;
      for (const row of rows) {
        if (!row.identitySealed) continue;
        const identity = sealer.openJson<SubjectIdentity>(row.identitySealed);
        const hash = sealer.blindIndex(identity.idNumber);
        const reseal = sealer.keyIdOf(row.identitySealed) !== sealer.currentKeyId;
        const reindex = hash !== row.idNumberHash;
        if (!reseal && !reindex) continue;
        if (reseal) valuesResealed++;
        if (reindex) hashesRewritten++;
        if (input.dryRun) continue;
        await db
          .update(subjectsTable)
          .set({
            identitySealed: reseal ? sealer.sealJson(identity) : row.identitySealed,
            idNumberHash: hash,
          })
          .where(and(eq(subjectsTable.id, row.id), eq(subjectsTable.identitySealed, row.identitySealed)));
      }
      return { lastId: rows.at(-1)?.id ?? null, rows: rows.length, valuesResealed, hashesRewritten };
    },

    /** Erasure (PIPL): the identity goes; the subject and its owner stay, so it stays private. */
    async eraseIdentity(id: string, now: Date): Promise<void> {
      await db
        .update(subjectsTable)
        .set({ identitySealed: null, idNumberHash: null, identityRegisteredAt: null, updatedAt: now })
        .where(eq(subjectsTable.id, id));
    },
  });
}
