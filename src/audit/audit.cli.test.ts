import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { buildServices } from '../services.js';
import type { AuditRecord } from './audit.models.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'bin/docverify.mjs');

interface AuditRow {
  seq: number;
  id: string;
  entity_type: 'verification' | 'subject';
  entity_id: string;
  subject_id: string;
  action: AuditRecord['action'];
  actor_type: 'key' | 'system';
  at: number;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * `docverify audit …` against a real SQLite file, as an operator runs it. The attacks are made
 * the way someone with write access to the database (and not to the key files) would.
 */
describe('docverify audit (CLI)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-audit-cli-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const env = () => ({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', OCR_POOL_SIZE: '1' });
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [bin, 'audit', ...args], { env: env() });
    return { status: run.status, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
  };
  const database = () => new Database(path.join(dataDir, 'docverify.sqlite'));
  const rows = (db: Database.Database) =>
    db.prepare('select * from audit_records order by seq').all() as AuditRow[];

  /** Five eligibility decisions (one per subject, so each is recorded), written by the service. */
  async function writeChain(subjects = ['u-1', 'u-2', 'u-3', 'u-4', 'u-5']) {
    const services = await buildServices(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      for (const subjectId of subjects) await services.eligibility.decide(subjectId, { type: 'system' });
    } finally {
      await services.close();
    }
  }

  it('a record whose JSON is corrupt is reported as a broken chain, with exit 1 and no stack', async () => {
    await writeChain(['u-1', 'u-2']);
    const db = database();
    const second = rows(db)[1] as AuditRow;
    db.prepare('update audit_records set after = ? where seq = ?').run('{"decisionId": "dec_', second.seq);
    db.close();
    const run = cli('verify');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `audit chain broken at record ${second.id} (seq ${second.seq}): its after is not valid JSON`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
