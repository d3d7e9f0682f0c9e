import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Role } from '../auth/api-keys.models.js';
import { type DatabaseHandle, exclusively } from '../db/database-port.js';

export interface ReviewSession {
  keyId: string;
  role: Role;
  keyName: string | null;
  csrfToken: string;
  expiresAt: Date;
}

export type ReviewSessionsRepository = ReturnType<typeof createReviewSessionsRepository>;

export function createReviewSessionsRepository(database: DatabaseHandle) {
  const { db } = database;
  const { apiKeysTable, reviewSessionsTable } = database.tables;
  return exclusively(database, {
    async insert(row: {
      idHash: string;
      keyId: string;
      csrfToken: string;
      createdAt: Date;
      expiresAt: Date;
    }): Promise<void> {
      await db.insert(reviewSessionsTable).values(row);
    },

    /** A live session whose API key is still usable: revoking the key, or its expiry, ends its sessions at once. */
    async findLive(idHash: string, now: Date): Promise<ReviewSession | null> {
      const [row] = await db
        .select({
          keyId: reviewSessionsTable.keyId,
          csrfToken: reviewSessionsTable.csrfToken,
          expiresAt: reviewSessionsTable.expiresAt,
          role: apiKeysTable.role,
          keyName: apiKeysTable.name,
        })
        .from(reviewSessionsTable)
        .innerJoin(apiKeysTable, eq(apiKeysTable.id, reviewSessionsTable.keyId))
        .where(
          and(
            eq(reviewSessionsTable.idHash, idHash),
            gt(reviewSessionsTable.expiresAt, now),
            isNull(apiKeysTable.revokedAt),
            or(isNull(apiKeysTable.expiresAt), gt(apiKeysTable.expiresAt, now)),
          ),
        )
        .limit(1);
      return row ?? null;
    },

    async delete(idHash: string): Promise<void> {
      await db.delete(reviewSessionsTable).where(eq(reviewSessionsTable.idHash, idHash));
    },

    /** Ends every session of a key (its revocation). */
    async deleteByKey(keyId: string): Promise<void> {
      await db.delete(reviewSessionsTable).where(eq(reviewSessionsTable.keyId, keyId));
    },

    async deleteExpired(now: Date): Promise<void> {
      await db.delete(reviewSessionsTable).where(lte(reviewSessionsTable.expiresAt, now));
    },
  });
}
