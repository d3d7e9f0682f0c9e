import { and, desc, eq, isNull } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';

type Row = Tables['keyRotationsTable']['$inferSelect'];

export type KeyRotationPhase = Row['phase'];

export interface KeyRotationCounts {
  valuesResealed: number;
  hashesRewritten: number;
  unindexable: number;
  blobsResealed: number;
}

export interface KeyRotation extends KeyRotationCounts {
  id: string;
  dataKeyId: string;
  blindIndexKeyId: string;
  phase: KeyRotationPhase;
  cursor: string | null;
  startedAt: Date;
  completedAt: Date | null;
}

const toModel = (row: Row): KeyRotation => ({
  id: row.id,
  dataKeyId: row.dataKeyId,
  blindIndexKeyId: row.blindIndexKeyId,
  phase: row.phase,
  cursor: row.cursor,
  valuesResealed: row.valuesResealed,
  hashesRewritten: row.hashesRewritten,
  unindexable: row.unindexable,
  blobsResealed: row.blobsResealed,
  startedAt: row.createdAt,
  completedAt: row.completedAt,
});

export type KeyRotationsRepository = ReturnType<typeof createKeyRotationsRepository>;

export function createKeyRotationsRepository(database: DatabaseHandle) {
  const { db } = database;
  const { keyRotationsTable } = database.tables;
  return exclusively(database, {
    /** The latest unfinished run towards these keys, to continue. */
    async findUnfinished(keys: { dataKeyId: string; blindIndexKeyId: string }): Promise<KeyRotation | null> {
      const [row] = await db
        .select()
        .from(keyRotationsTable)
        .where(
          and(
            eq(keyRotationsTable.dataKeyId, keys.dataKeyId),
            eq(keyRotationsTable.blindIndexKeyId, keys.blindIndexKeyId),
            isNull(keyRotationsTable.completedAt),
          ),
        )
        .orderBy(desc(keyRotationsTable.createdAt))
        .limit(1);
      return row ? toModel(row) : null;
    },

    async start(rotation: { id: string; dataKeyId: string; blindIndexKeyId: string }, now: Date) {
      await db.insert(keyRotationsTable).values({
        ...rotation,
        phase: 'verifications',
        cursor: null,
        valuesResealed: 0,
        hashesRewritten: 0,
        unindexable: 0,
        blobsResealed: 0,
        createdAt: now,
        updatedAt: now,
      });
    },

    /** Records where the run is and its counts so far, after each batch. */
    async saveProgress(rotation: KeyRotation, now: Date): Promise<void> {
      await db
        .update(keyRotationsTable)
        .set({
          phase: rotation.phase,
          cursor: rotation.cursor,
          valuesResealed: rotation.valuesResealed,
          hashesRewritten: rotation.hashesRewritten,
          unindexable: rotation.unindexable,
          blobsResealed: rotation.blobsResealed,
          completedAt: rotation.completedAt,
          updatedAt: now,
        })
        .where(eq(keyRotationsTable.id, rotation.id));
    },
  });
}
