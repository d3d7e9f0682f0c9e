import type { Tables } from '../../src/db/database.js';
import type { Services } from '../../src/services.js';

/**
 * Every row of the given tables (all of them by default) as JSON text, read through drizzle so a
 * test can look for plain-text secrets on SQLite and on PostgreSQL alike.
 */
export async function dumpRows(services: Services, only?: (keyof Tables)[]): Promise<string> {
  const { db, tables } = services.database;
  const names = only ?? (Object.keys(tables) as (keyof Tables)[]);
  return services.database.exclusive(async () => {
    const dumps: string[] = [];
    for (const name of names) dumps.push(JSON.stringify(await db.select().from(tables[name])));
    return dumps.join('\n');
  });
}
