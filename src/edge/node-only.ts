/**
 * What the Worker bundle gets instead of Node-only modules (wrangler.toml `[alias]`, and
 * vitest.edge.config.ts for the tests). The repositories import `exclusively` and the handle's
 * types from src/db/database.ts, which also imports better-sqlite3, pg, drizzle's wrappers of
 * them and node:fs at its top, so a bundler follows those imports even though the edge opens D1
 * (src/edge/d1-database.ts) and never calls them; the policy loader's file read is the same.
 * Every export throws if it ever is called.
 */
function unavailable(name: string) {
  return () => {
    throw new Error(`${name} is not available in the edge Worker (see src/edge/node-only.ts).`);
  };
}

export const drizzle = unavailable('A Node database driver');
export const migrate = unavailable('A Node migrator');
export const readFileSync = unavailable('The file system');
export const mkdirSync = unavailable('The file system');

const driver = unavailable('better-sqlite3 / pg');
export default Object.assign(driver, { Pool: driver, Client: driver, readFileSync, mkdirSync });
