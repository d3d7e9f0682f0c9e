import { defineConfig } from 'drizzle-kit';

// The same tables as drizzle.config.ts, in PostgreSQL: `npx drizzle-kit generate --config drizzle.pg.config.ts`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.pg.ts',
  out: './drizzle/pg',
});
