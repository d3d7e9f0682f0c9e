import { and, asc, count, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { ApiKey, Role } from './api-keys.models.js';

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

export function createApiKeysRepository(database: DatabaseHandle) {
  const { db } = database;
  const { apiKeysTable } = database.tables;
  const toModel = (row: Tables['apiKeysTable']['$inferSelect']): ApiKey => ({
    id: row.id,
    role: row.role,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    rotatedAt: row.rotatedAt,
    previousKeyExpiresAt: row.previousKeyExpiresAt,
  });
  /** Neither revoked nor expired at `now`. */
  const usable = (now: Date) =>
    and(isNull(apiKeysTable.revokedAt), or(isNull(apiKeysTable.expiresAt), gt(apiKeysTable.expiresAt, now)));
  return exclusively(database, {
    async insert(row: {
      id: string;
      role: Role;
      name: string | null;
      prefix: string;
      keyHash: string;
      createdAt: Date;
      expiresAt?: Date | null;
    }): Promise<void> {
      await db.insert(apiKeysTable).values(row);
    },
    /**
     * The usable key whose current secret has this hash, or whose secret before its last rotation
     * has it and is still within its grace period.
     */
    async findUsableByHash(keyHash: string, now: Date): Promise<ApiKey | null> {
      const [row] = await db
        .select()
        .from(apiKeysTable)
        .where(
          and(
            usable(now),
            or(
              eq(apiKeysTable.keyHash, keyHash),
              and(eq(apiKeysTable.previousKeyHash, keyHash), gt(apiKeysTable.previousKeyExpiresAt, now)),
            ),
          ),
        )
        .limit(1);
      return row ? toModel(row) : null;
    },
    async findById(id: string): Promise<ApiKey | null> {
      const [row] = await db.select().from(apiKeysTable).where(eq(apiKeysTable.id, id)).limit(1);
      return row ? toModel(row) : null;
    },
    /** Every key, revoked and expired ones included, oldest first. */
    async list(): Promise<ApiKey[]> {
      const rows = await db
        .select()
        .from(apiKeysTable)
        .orderBy(asc(apiKeysTable.createdAt), asc(apiKeysTable.id));
      return rows.map(toModel);
    },
    async countActive(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(apiKeysTable).where(isNull(apiKeysTable.revokedAt));
      return Number(row?.n ?? 0);
    },
    /** Revokes a key not yet revoked; false when there is none such (unknown, or revoked before). */
    async revoke(id: string, at: Date): Promise<boolean> {
      const updated = await db
        .update(apiKeysTable)
        .set({ revokedAt: at })
        .where(and(eq(apiKeysTable.id, id), isNull(apiKeysTable.revokedAt)))
        .returning({ id: apiKeysTable.id });
      return updated.length > 0;
    },
    /**
     * Gives a key a new secret; the current one becomes the previous one, accepted until
     * `previousKeyExpiresAt`. A secret from an earlier rotation still in its grace period is
     * dropped. False when the key is unknown or revoked.
     */
    async rotate(
      id: string,
      change: { keyHash: string; prefix: string; at: Date; previousKeyExpiresAt: Date },
    ): Promise<boolean> {
      const [current] = await db
        .select({ keyHash: apiKeysTable.keyHash })
        .from(apiKeysTable)
        .where(and(eq(apiKeysTable.id, id), isNull(apiKeysTable.revokedAt)))
        .limit(1);
      if (!current) return false;
      const updated = await db
        .update(apiKeysTable)
        .set({
          keyHash: change.keyHash,
          prefix: change.prefix,
          rotatedAt: change.at,
          previousKeyHash: current.keyHash,
          previousKeyExpiresAt: change.previousKeyExpiresAt,
        })
        // Guarded on the secret read above: of two rotations at once, one wins and one reports false.
        .where(
          and(
            eq(apiKeysTable.id, id),
            eq(apiKeysTable.keyHash, current.keyHash),
            isNull(apiKeysTable.revokedAt),
          ),
        )
        .returning({ id: apiKeysTable.id });
      return updated.length > 0;
    },
    /** Records a use, unless one was recorded less than `resolutionMs` before (by any process). */
    async touchLastUsed(id: string, at: Date, resolutionMs: number): Promise<void> {
      await db
        .update(apiKeysTable)
        .set({ lastUsedAt: at })
        .where(
          and(
            eq(apiKeysTable.id, id),
            or(
              isNull(apiKeysTable.lastUsedAt),
              lt(apiKeysTable.lastUsedAt, new Date(at.getTime() - resolutionMs)),
            ),
          ),
        );
    },
  });
}
