import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';

const migrations = path.resolve(import.meta.dirname, '../../drizzle/sqlite');
const MIGRATION = 'webhook_secret_rotation_and_disable';

describe('webhooks: the migration to removal and rotation columns', () => {
  let dir = '';
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('turns the endpoints DELETE had disabled into removed ones, and leaves the others active', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-migration-'));
    const folder = path.join(dir, 'migrations');
    fs.cpSync(migrations, folder, { recursive: true });
    const journalFile = path.join(folder, 'meta/_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag.endsWith(MIGRATION));
    expect(at).toBeGreaterThan(0);

    const sqlite = new Database(path.join(dir, 'db.sqlite'));
    const db = drizzle(sqlite);
    try {
      // The database as it was before: every migration up to this one.
      fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
      migrate(db, { migrationsFolder: folder });
      const insert = sqlite.prepare(
        `insert into webhook_endpoints (id, url, description, event_types, secret_sealed, created_by_key_id, disabled_at, created_at, updated_at)
         values (?, 'https://hooks.example.com/in', null, '[]', 'v1.sealed', null, ?, 1000, 1000)`,
      );
      insert.run('whe_removed', 2000);
      insert.run('whe_active', null);

      fs.writeFileSync(journalFile, JSON.stringify(journal));
      migrate(db, { migrationsFolder: folder });
      const rows = sqlite
        .prepare(
          'select id, disabled_at, removed_at, previous_secret_sealed, previous_secret_expires_at from webhook_endpoints order by id',
        )
        .all();
      expect(rows).toEqual([
        {
          id: 'whe_active',
          disabled_at: null,
          removed_at: null,
          previous_secret_sealed: null,
          previous_secret_expires_at: null,
        },
        {
          id: 'whe_removed',
          disabled_at: null,
          removed_at: 2000,
          previous_secret_sealed: null,
          previous_secret_expires_at: null,
        },
      ]);
    } finally {
      sqlite.close();
    }
  });
});
