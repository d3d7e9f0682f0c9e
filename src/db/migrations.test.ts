import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The committed migrations of both dialects match the table definitions: drizzle-kit, run on a
 * copy of each migrations folder, finds nothing to generate. A table changed without
 * `npm run db:generate` fails here instead of at a customer's start-up.
 */
describe('committed migrations', () => {
  it.each([
    { dialect: 'sqlite', schema: 'src/db/schema.ts', folder: 'drizzle/sqlite' },
    { dialect: 'postgresql', schema: 'src/db/schema.pg.ts', folder: 'drizzle/pg' },
  ])('$folder is up to date with the tables', async ({ dialect, schema, folder }) => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    try {
      fs.cpSync(path.join(repoRoot, folder), copy, { recursive: true });
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          path.join(repoRoot, 'node_modules/drizzle-kit/bin.cjs'),
          'generate',
          `--dialect=${dialect}`,
          `--schema=${schema}`,
          // Relative: drizzle-kit prefixes the folder with "./".
          `--out=${path.relative(repoRoot, copy)}`,
        ],
        { cwd: repoRoot },
      );
      expect(stdout + stderr).toContain('No schema changes');
      expect(fs.readdirSync(copy).filter((f) => f.endsWith('.sql'))).toEqual(
        fs.readdirSync(path.join(repoRoot, folder)).filter((f) => f.endsWith('.sql')),
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
