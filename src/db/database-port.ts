import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

// The database port, free of drivers: repositories, the Node composition root and the edge
// Worker (D1) all import it; the drivers live in database.ts (Node) and edge/d1-database.ts.

/**
 * The database as repositories see it: the SQLite-typed drizzle API, used only through `await`
 * (no `.get()`, `.all()` or `.run()`), so the same repository code runs on better-sqlite3, on
 * node-postgres (tables from schema.pg.ts, derived from the same definitions) and on D1.
 */
// biome-ignore lint/suspicious/noExplicitAny: the result type differs per driver and is never read.
export type Db = BaseSQLiteDatabase<'sync' | 'async', any, typeof schema>;

export type Dialect = 'sqlite' | 'postgres';
export type Tables = typeof schema;

/** A raw SQL client inside the current transaction, for libraries that join it (pg-boss). */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface DatabaseHandle {
  readonly dialect: Dialect;
  /** Resolves to the current transaction when called inside one. */
  readonly db: Db;
  /** The tables of this dialect, typed as the SQLite definitions they are derived from. */
  readonly tables: Tables;
  /** Cheap liveness query for /readyz. */
  ping(): Promise<boolean>;
  /**
   * Runs `fn` in one transaction (a savepoint when already inside one): repositories called in
   * it commit or roll back together. `fn` should only touch the database: it holds a connection.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with the database to itself. On SQLite (one connection) every repository call goes
   * through here, so a statement from elsewhere never lands inside someone else's transaction.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The raw client of the current PostgreSQL transaction, or null outside one / on SQLite. */
  sqlClient(): SqlClient | null;
  /**
   * Moves committed writes from the write-ahead log into the database file and empties the log
   * (SQLite), so values an erasure overwrote do not linger in it. A no-op where the server owns the
   * storage (PostgreSQL, D1); see docs/adr/0006-erasure.md.
   */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Wraps a repository so each of its methods holds the database for its duration (see
 * `exclusive`). Repositories return their methods through this.
 */
export function exclusively<R extends Record<string, unknown>>(
  database: Pick<DatabaseHandle, 'exclusive'>,
  repository: R,
): R {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    wrapped[name] =
      typeof member === 'function' && member.constructor.name === 'AsyncFunction'
        ? (...args: unknown[]) => database.exclusive(() => member(...args))
        : member;
  }
  return wrapped as R;
}
