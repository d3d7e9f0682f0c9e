// The parts of the workers pool's `cloudflare:test` module the edge tests use, typed against the
// Worker's own env (the package's declarations assume the Workers globals, which this project's
// tsconfig, made for Node, does not load).
declare module 'cloudflare:test' {
  import type { D1Database } from '@cloudflare/workers-types/latest';
  import type { EdgeEnv } from './edge-services.js';

  interface D1Migration {
    name: string;
    queries: string[];
  }

  /** The Worker's bindings, plus the migrations vitest.edge.config.ts read from drizzle/sqlite. */
  export const env: EdgeEnv & {
    DATA_ENCRYPTION_KEY: string;
    AUDIT_HMAC_KEY: string;
    TEST_MIGRATIONS: D1Migration[];
  };
  /** The Worker of wrangler.toml (`main`), called over HTTP. */
  export const SELF: { fetch(input: string, init?: RequestInit): Promise<Response> };
  export function applyD1Migrations(db: D1Database, migrations: D1Migration[]): Promise<void>;
}
