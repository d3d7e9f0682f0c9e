import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../test/support/databases.js';
import { createApiKeysRepository } from '../auth/api-keys.repository.js';
import type { DatabaseHandle } from './database.js';

/**
 * The database port's contract, on both dialects: what commits, what rolls back, and that a
 * statement from elsewhere never lands in someone else's transaction. PostgreSQL runs when
 * TEST_DATABASE_URL names a server (`npm run test:pg`).
 */
describe.each(databaseTargets)('database on $name', ({ open, skip }) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  beforeEach(async (context) => {
    if (skip) context.skip();
    ({ database, drop } = await open());
  });
  afterEach(async () => {
    if (skip) return;
    await database.close();
    await drop();
  });

  const keyRow = (id: string) => ({
    id,
    role: 'client' as const,
    name: null,
    prefix: id,
    keyHash: `hash-${id}`,
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
  });
  const ids = async () => {
    const { apiKeysTable } = database.tables;
    return (await database.db.select({ id: apiKeysTable.id }).from(apiKeysTable)).map((r) => r.id).sort();
  };

  it('applies the committed migrations and answers the readiness ping', async () => {
    expect(await database.ping()).toBe(true);
    expect(await ids()).toEqual([]);
  });

  it('commits a transaction as a whole and rolls it back as a whole', async () => {
    const keys = createApiKeysRepository(database);
    await database.transaction(async () => {
      await keys.insert(keyRow('a'));
      await keys.insert(keyRow('b'));
    });
    await expect(
      database.transaction(async () => {
        await keys.insert(keyRow('c'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ids()).toEqual(['a', 'b']);
  });

  it('rolls back a nested transaction to its savepoint and keeps the outer work', async () => {
    const keys = createApiKeysRepository(database);
    await database.transaction(async () => {
      await keys.insert(keyRow('outer'));
      await database
        .transaction(async () => {
          await keys.insert(keyRow('inner'));
          throw new Error('inner fails');
        })
        .catch(() => undefined);
    });
    expect(await ids()).toEqual(['outer']);
  });

  it('keeps a write made elsewhere out of a transaction that rolls back', async () => {
    const keys = createApiKeysRepository(database);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rolledBack = database
      .transaction(async () => {
        await keys.insert(keyRow('in-tx'));
        await held;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    // Issued while the transaction is open, from another request: it must survive the rollback.
    const outside = keys.insert(keyRow('outside'));
    release();
    await Promise.all([rolledBack, outside]);
    expect(await ids()).toEqual(['outside']);
  });

  it('maps timestamps and counts the same way on both dialects', async () => {
    const keys = createApiKeysRepository(database);
    await keys.insert(keyRow('t'));
    expect(await keys.countActive()).toBe(1);
    const found = await keys.findUsableByHash('hash-t', new Date());
    expect(found?.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(await keys.revoke('t', new Date())).toBe(true);
    expect(await keys.findUsableByHash('hash-t', new Date())).toBeNull();
  });

  it('hands out a raw client only inside a PostgreSQL transaction', async () => {
    expect(database.sqlClient()).toBeNull();
    const inside = await database.transaction(async () => database.sqlClient());
    expect(inside !== null).toBe(database.dialect === 'postgres');
    if (database.dialect === 'postgres') {
      const { rows } = await database.transaction(async () => {
        const client = database.sqlClient();
        if (!client) throw new Error('no client');
        return client.query('select 41 + 1 as n');
      });
      expect(rows).toEqual([{ n: 42 }]);
    } else {
      const rows = await database.db.all<{ n: number }>(sql`select 41 + 1 as n`);
      expect(rows).toEqual([{ n: 42 }]);
    }
  });
});
