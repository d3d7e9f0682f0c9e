import fs from 'node:fs';
import path from 'node:path';

/**
 * What makes a suite database-backed: it opens its database through the harness that honours
 * TEST_DATABASE_URL (`createTestApp` and `testPostgresDatabase` in test-services.ts, the contract
 * targets in databases.ts), or reads TEST_DATABASE_URL itself.
 */
const USES_THE_DATABASE_HARNESS = /support\/(test-services|databases)\.js'|TEST_DATABASE_URL/;

/**
 * The `*.test.ts` files under `roots` (relative to `repoRoot`) that use the real-database harness:
 * the suites `npm run test:pg` runs again on PostgreSQL. Selected by what they import, not by a
 * list, so a new database-backed suite joins without anyone remembering to add it.
 */
export function databaseSuites(repoRoot: string, roots: readonly string[]): string[] {
  return roots
    .flatMap((root) =>
      fs
        .readdirSync(path.join(repoRoot, root), { recursive: true, encoding: 'utf8' })
        .map((file) => path.posix.join(root, file.split(path.sep).join('/'))),
    )
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => USES_THE_DATABASE_HARNESS.test(fs.readFileSync(path.join(repoRoot, file), 'utf8')))
    .sort();
}
