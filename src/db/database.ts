import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface DatabaseHandle {
  db: Db;
  /** Cheap liveness query for /readyz. */
  ping(): boolean;
  /**
   * Runs `fn` in one transaction (a savepoint when already inside one): repositories called in
   * it commit or roll back together. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle/sqlite', import.meta.url));

function sqlitePathFromUrl(url: string): string {
  if (url === ':memory:') return url;
  if (url.startsWith('file:')) return url.slice('file:'.length);
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length);
  throw new Error(`DATABASE_URL "${url}" is not a SQLite URL (file:/path/to/db.sqlite)`);
}

/** Opens the SQLite database, creating its folder, and applies the committed migrations. */
export function openDatabase(url: string): DatabaseHandle {
  const file = sqlitePathFromUrl(url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets readers run while the job worker writes; NORMAL sync is durable across a process crash.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // Erased personal data (PIPL) is overwritten with zeros, not left behind in free pages.
  sqlite.pragma('secure_delete = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return {
    db,
    ping: () => sqlite.prepare('select 1 as ok').get() !== undefined,
    transaction: <T>(fn: () => T): T => sqlite.transaction(fn)(),
    close: () => sqlite.close(),
  };
}
