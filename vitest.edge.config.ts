import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { unstable_readConfig } from 'wrangler';

/**
 * The edge Worker's tests (`npm run test:edge`), apart from `npm test`:
 * - `workerd`: *.workerd.test.ts run inside workerd (from npm, offline) with the Worker of
 *   wrangler.toml as `main`, a local D1 with the committed SQLite migrations and a local R2 bucket;
 * - `bundle`: builds the Worker as `wrangler deploy` would, checks what it imports, applies the
 *   migrations with `wrangler d1 migrations apply --local` and starts the built file in workerd.
 */
const wranglerConfig = 'wrangler.toml';
// The Worker's aliases (Node-only drivers → a stub), for Vite as wrangler's bundler has them.
const { alias } = unstable_readConfig({ config: wranglerConfig });
// Exact matches: `drizzle-orm/better-sqlite3` must not rewrite `drizzle-orm/better-sqlite3/migrator`.
const aliases = Object.entries(alias ?? {}).map(([from, to]) => ({
  find: new RegExp(`^${from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
  replacement: path.resolve(to),
}));

/** A fixed test key (never a real one): the Worker reads DATA_ENCRYPTION_KEY from its env. */
const EDGE_TEST_ENCRYPTION_KEY = '6b'.repeat(32);
/** The same for the audit chain's AUDIT_HMAC_KEY. */
const EDGE_TEST_AUDIT_KEY = '7c'.repeat(32);

export default defineConfig(async () => ({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: wranglerConfig },
            miniflare: {
              bindings: {
                DATA_ENCRYPTION_KEY: EDGE_TEST_ENCRYPTION_KEY,
                AUDIT_HMAC_KEY: EDGE_TEST_AUDIT_KEY,
                LOG_LEVEL: 'warn',
                TEST_MIGRATIONS: await readD1Migrations(path.resolve('drizzle/sqlite')),
              },
            },
          }),
        ],
        resolve: { alias: aliases },
        test: { name: 'workerd', include: ['src/**/*.workerd.test.ts'] },
      },
      {
        test: {
          name: 'bundle',
          include: ['src/edge/bundle.test.ts'],
          environment: 'node',
          pool: 'forks',
        },
      },
    ],
  },
}));
