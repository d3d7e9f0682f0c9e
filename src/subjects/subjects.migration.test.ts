import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testPostgresDatabase } from '../../test/support/test-services.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const SUBJECTS_MIGRATION = { sqlite: '0004_subjects.sql', pg: '0001_subjects.sql' } as const;

/** The statements of the migrations of `folder` in order, those before `until` or `until` alone. */
function statements(folder: 'sqlite' | 'pg', which: 'before' | 'only'): string[] {
  const dir = path.join(repoRoot, 'drizzle', folder);
  const until = SUBJECTS_MIGRATION[folder];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .filter((f) => (which === 'before' ? f < until : f === until));
  return files.flatMap((f) =>
    fs
      .readFileSync(path.join(dir, f), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

const legacyRows = [
  // subject, uploading key, created (ms)
  ['u-legacy', 'key_first', 1_000],
  ['u-legacy', 'key_later', 2_000],
  ['u-other', 'key_later', 3_000],
] as const;

/**
 * Subjects uploaded for before the subjects table existed stay private: the migration gives each
 * to the client of its first upload, so no other client can claim it by uploading first now.
 */
describe('the subjects migration', () => {
  it('gives every existing subject to the client of its first upload (SQLite)', () => {
    const db = new Database(':memory:');
    for (const sql of statements('sqlite', 'before')) db.exec(sql);
    const insert = db.prepare(
      `insert into verifications (id, subject_id, client_key_id, status, file_sha256, file_mime, file_bytes, created_at, updated_at)
       values (?, ?, ?, 'completed', 'x', 'image/jpeg', 1, ?, ?)`,
    );
    legacyRows.forEach(([subject, key, at], i) => {
      insert.run(`ver_${i}`, subject, key, at, at);
    });
    for (const sql of statements('sqlite', 'only')) db.exec(sql);
    expect(
      db
        .prepare('select id, owner_key_id as owner, identity_sealed as identity from subjects order by id')
        .all(),
    ).toEqual([
      { id: 'u-legacy', owner: 'key_first', identity: null },
      { id: 'u-other', owner: 'key_later', identity: null },
    ]);
    db.close();
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'gives every existing subject to the client of its first upload (PostgreSQL)',
    async () => {
      const target = testPostgresDatabase();
      if (!target) throw new Error('TEST_DATABASE_URL is not set');
      const schema = new URL(target.url).searchParams.get('schema') as string;
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`create schema ${schema}`);
        await client.query(`set search_path to ${schema}`);
        for (const sql of statements('pg', 'before')) await client.query(sql);
        for (const [i, [subject, key, at]] of legacyRows.entries()) {
          await client.query(
            `insert into verifications (id, subject_id, client_key_id, status, file_sha256, file_mime, file_bytes, created_at, updated_at)
             values ($1, $2, $3, 'completed', 'x', 'image/jpeg', 1, to_timestamp($4 / 1000.0), to_timestamp($4 / 1000.0))`,
            [`ver_${i}`, subject, key, at],
          );
        }
        for (const sql of statements('pg', 'only')) await client.query(sql);
        const { rows } = await client.query(
          'select id, owner_key_id as owner, identity_sealed as identity from subjects order by id',
        );
        expect(rows).toEqual([
          { id: 'u-legacy', owner: 'key_first', identity: null },
          { id: 'u-other', owner: 'key_later', identity: null },
        ]);
      } finally {
        await client.end();
        await target.drop();
      }
    },
  );
});
