import { defineConfig } from 'vitest/config';
import { databaseSuites } from './test/support/database-suites.js';
import base from './vitest.config.js';

/**
 * `npm run test:pg`: the database-backed suites again, on TEST_DATABASE_URL's PostgreSQL. Which
 * suites is decided by what they import (test/support/database-suites.ts); the rest of the
 * settings, the exclusions included, are `npm test`'s.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: databaseSuites(import.meta.dirname, ['src', 'test', 'scripts']) },
});
