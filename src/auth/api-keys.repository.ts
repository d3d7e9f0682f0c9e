import { and, count, eq, isNull } from 'drizzle-orm';
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
  });
  return exclusively(database, {
    async insert(row: {
      id: string;
      role: Role;
      name: string | null;
      prefix: string;
      keyHash: string;
      createdAt: Date;
    }): Promise<void> {
      await db.insert(apiKeysTable).values(row);
    },
    async findActiveByHash(keyHash: string): Promise<ApiKey | null> {
      const [row] = await db
        .select()
        .from(apiKeysTable)
        .where(and(eq(apiKeysTable.keyHash, keyHash), isNull(apiKeysTable.revokedAt)))
        .limit(1);
      return row ? toModel(row) : null;
    },
    async countActive(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(apiKeysTable).where(isNull(apiKeysTable.revokedAt));
      return Number(row?.n ?? 0);
    },
    async revoke(id: string, at: Date): Promise<boolean> {
      const updated = await db
        .update(apiKeysTable)
        .set({ revokedAt: at })
        .where(eq(apiKeysTable.id, id))
        .returning({ id: apiKeysTable.id });
      return updated.length > 0;
    },
  });
}
