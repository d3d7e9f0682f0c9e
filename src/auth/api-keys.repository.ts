import { and, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { ApiKey, Role } from './api-keys.models.js';
import { apiKeysTable } from './api-keys.table.js';

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

export function createApiKeysRepository(db: Db) {
  const toModel = (row: typeof apiKeysTable.$inferSelect): ApiKey => ({
    id: row.id,
    role: row.role,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
  });
  return {
    insert(row: {
      id: string;
      role: Role;
      name: string | null;
      prefix: string;
      keyHash: string;
      createdAt: Date;
    }) {
      db.insert(apiKeysTable).values(row).run();
    },
    findActiveByHash(keyHash: string): ApiKey | null {
      const row = db
        .select()
        .from(apiKeysTable)
        .where(and(eq(apiKeysTable.keyHash, keyHash), isNull(apiKeysTable.revokedAt)))
        .get();
      return row ? toModel(row) : null;
    },
    countActive(): number {
      return db.select({ n: count() }).from(apiKeysTable).where(isNull(apiKeysTable.revokedAt)).get()?.n ?? 0;
    },
    revoke(id: string, at: Date): boolean {
      return db.update(apiKeysTable).set({ revokedAt: at }).where(eq(apiKeysTable.id, id)).run().changes > 0;
    },
  };
}
