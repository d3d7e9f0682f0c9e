import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { DatabaseHandle, Db, Dialect, Tables } from './database-port.js';
import * as schema from './schema.js';
import * as pgSchema from './schema.pg.js';

export {
  type DatabaseHandle,
  type Db,
  type Dialect,
  exclusively,
  type SqlClient,
  type Tables,
} from './database-port.js';

const sqliteMigrations = fileURLToPath(new URL('../../drizzle/sqlite', import.meta.url));
const pgMigrations = fileURLToPath(new URL('../../drizzle/pg', import.meta.url));

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

/** Opens the database named by DATABASE_URL and applies the committed migrations. */
export async function openDatabase(url: string): Promise<DatabaseHandle> {
  return dialectOf(url) === 'postgres' ? openPostgres(url) : openSqlite(url);
}

function sqlitePathFromUrl(url: string): string {
  if (url === ':memory:') return url;
  if (url.startsWith('file:')) return url.slice('file:'.length);
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length);
  throw new Error(`DATABASE_URL "${url}" is neither a SQLite URL (file:/path/to/db.sqlite) nor postgres://`);
}

/** A FIFO lock: the next holder starts when the previous one has finished. */
function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

function openSqlite(url: string): DatabaseHandle {
  const file = sqlitePathFromUrl(url);
  if (file !== ':memory:') {
    // Only the service's user reads the database: its folder 0700, the file 0600 (SQLite gives the
    // WAL and shared-memory files the mode of the database file).
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const sqlite = new Database(file);
  // WAL lets readers run while the job worker writes; NORMAL sync is durable across a process crash.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // Erased personal data (PIPL) is overwritten with zeros, not left behind in free pages.
  sqlite.pragma('secure_delete = ON');
  const db = drizzleSqlite(sqlite, { schema });
  migrateSqlite(db, { migrationsFolder: sqliteMigrations });

  // One connection: whoever holds the lock owns it, and nested calls (same async context) pass.
  // A callback scheduled inside a section inherits its context after it ends: `open` tells.
  const holder = new AsyncLocalStorage<{ depth: number; open: boolean }>();
  const lock = createLock();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    if (holder.getStore()?.open) return fn();
    return lock(async () => {
      const state = { depth: 0, open: true };
      try {
        return await holder.run(state, fn);
      } finally {
        state.open = false;
      }
    });
  };

  return {
    dialect: 'sqlite',
    db,
    tables: schema,
    ping: async () => sqlite.prepare('select 1 as ok').get() !== undefined,
    exclusive,
    transaction: (fn) =>
      exclusive(async () => {
        const state = holder.getStore() as { depth: number; open: boolean };
        const savepoint = `sp${state.depth}`;
        sqlite.exec(state.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
        state.depth += 1;
        try {
          const result = await fn();
          state.depth -= 1;
          sqlite.exec(state.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
          return result;
        } catch (error) {
          state.depth -= 1;
          sqlite.exec(state.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
          throw error;
        }
      }),
    sqlClient: () => null,
    // Holds the connection: inside an open transaction the log could not be emptied.
    checkpoint: () =>
      exclusive(async () => {
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
      }),
    close: async () => {
      sqlite.close();
    },
  };
}

/**
 * `postgres://…?schema=name` puts every table in that schema (created when missing): tests get
 * a fresh database each in one server.
 */
export function parsePostgresUrl(url: string): { connectionString: string; schemaName: string | null } {
  const parsed = new URL(url);
  const schemaName = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schemaName && !/^[a-z_][a-z0-9_]{0,62}$/.test(schemaName)) {
    throw new Error(`DATABASE_URL schema "${schemaName}" must be a lower-case SQL identifier`);
  }
  return { connectionString: parsed.toString(), schemaName };
}

interface PgTransaction {
  client: pg.PoolClient;
  db: Db;
  depth: number;
  /** False once committed or rolled back: callbacks scheduled inside must not use it after. */
  open: boolean;
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const { connectionString, schemaName } = parsePostgresUrl(url);
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    ...(schemaName ? { options: `-c search_path=${schemaName}` } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const asDb = (client: pg.Pool | pg.PoolClient) => drizzlePg(client, { schema: pgSchema }) as unknown as Db;
  const root = asDb(pool);

  // Several processes may start at once: one migrates, the others wait for it.
  const client = await pool.connect();
  try {
    if (schemaName) await client.query(`create schema if not exists ${schemaName}`);
    await client.query('select pg_advisory_lock(7264001)');
    try {
      await migratePg(drizzlePg(client), {
        migrationsFolder: pgMigrations,
        ...(schemaName ? { migrationsSchema: schemaName } : {}),
      });
    } finally {
      await client.query('select pg_advisory_unlock(7264001)');
    }
  } finally {
    client.release();
  }

  const current = new AsyncLocalStorage<PgTransaction>();
  let ended: Promise<void> | undefined;
  // Repositories hold this one object; each call goes to the caller's transaction, if any.
  const db = new Proxy(root, {
    get(target, property) {
      const tx = current.getStore();
      const active = tx?.open ? tx.db : target;
      const value = Reflect.get(active, property);
      return typeof value === 'function' ? value.bind(active) : value;
    },
  });

  return {
    dialect: 'postgres',
    db,
    tables: pgSchema as unknown as Tables,
    ping: async () => (await pool.query('select 1 as ok')).rowCount === 1,
    exclusive: (fn) => fn(),
    async transaction(fn) {
      const outer = current.getStore();
      if (outer?.open) {
        const savepoint = `sp${outer.depth}`;
        await outer.client.query(`SAVEPOINT ${savepoint}`);
        outer.depth += 1;
        try {
          const result = await fn();
          await outer.client.query(`RELEASE SAVEPOINT ${savepoint}`);
          return result;
        } catch (error) {
          await outer.client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
          throw error;
        } finally {
          outer.depth -= 1;
        }
      }
      const txClient = await pool.connect();
      const tx: PgTransaction = { client: txClient, db: asDb(txClient), depth: 0, open: true };
      try {
        await txClient.query('BEGIN');
        const result = await current.run(tx, fn);
        await txClient.query('COMMIT');
        return result;
      } catch (error) {
        await txClient.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        tx.open = false;
        txClient.release();
      }
    },
    sqlClient: () => {
      const tx = current.getStore();
      return tx?.open ? tx.client : null;
    },
    // Dead row versions stay until (auto)vacuum reclaims them: docs/adr/0006-erasure.md.
    checkpoint: async () => undefined,
    // Safe to call twice (a readiness probe's test closes it before the services do).
    close: () => {
      ended ??= pool.end();
      return ended;
    },
  };
}
