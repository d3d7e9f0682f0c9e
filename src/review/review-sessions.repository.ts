import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Role } from '../auth/api-keys.models.js';
import { apiKeysTable } from '../auth/api-keys.table.js';
import type { Db } from '../db/database.js';
import { reviewSessionsTable } from './review-sessions.table.js';

export interface ReviewSession {
  keyId: string;
  role: Role;
  keyName: string | null;
  csrfToken: string;
  expiresAt: Date;
}

export type ReviewSessionsRepository = ReturnType<typeof createReviewSessionsRepository>;

export function createReviewSessionsRepository(db: Db) {
  return {
    insert(row: { idHash: string; keyId: string; csrfToken: string; createdAt: Date; expiresAt: Date }) {
      db.insert(reviewSessionsTable).values(row).run();
    },

    /** A live session whose API key is still active: revoking the key ends its sessions at once. */
    findLive(idHash: string, now: Date): ReviewSession | null {
      const row = db
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
          ),
        )
        .get();
      return row ?? null;
    },

    delete(idHash: string) {
      db.delete(reviewSessionsTable).where(eq(reviewSessionsTable.idHash, idHash)).run();
    },

    deleteExpired(now: Date) {
      db.delete(reviewSessionsTable).where(lte(reviewSessionsTable.expiresAt, now)).run();
    },
  };
}
