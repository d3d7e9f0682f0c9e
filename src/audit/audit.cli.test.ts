import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { buildServices } from '../services.js';
import { type AuditRecord, canonicalRecord } from './audit.models.js';

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

/** The record a row holds, as the repository reads it (only system actors are written here). */
const recordOf = (row: AuditRow) => ({
  id: row.id,
  entityType: row.entity_type,
  entityId: row.entity_id,
  subjectId: row.subject_id,
  action: row.action,
  actor: { type: 'system' as const },
  at: new Date(row.at),
  before: row.before === null ? null : JSON.parse(row.before),
  after: row.after === null ? null : JSON.parse(row.after),
});

/** The chain's link as the repository computed it before the chain was keyed: anyone can compute it. */
const unkeyedHash = (prevHash: string, canonical: string) =>
  crypto.createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');

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

  /** Changes one record's `after` and recomputes its hash and every later link with `hash`. */
  function rewriteFrom(
    db: Database.Database,
    seq: number,
    hash: (prev: string, canonical: string) => string,
  ) {
    const update = db.prepare('update audit_records set after = ?, prev_hash = ?, hash = ? where seq = ?');
    let prev: string | null = null;
    for (const row of rows(db)) {
      if (row.seq < seq) {
        prev = row.hash;
        continue;
      }
      const after =
        row.seq === seq ? (row.after ?? '').replace('"eligible":false', '"eligible":true') : row.after;
      const prevHash: string = prev ?? '0'.repeat(64);
      const next = hash(prevHash, canonicalRecord(recordOf({ ...row, after })));
      update.run(after, prevHash, next, row.seq);
      prev = next;
    }
  }

  it('a record edited and every later hash recomputed with the unkeyed function fails verify', async () => {
    await writeChain();
    expect(cli('verify')).toMatchObject({ status: 0, stdout: expect.stringContaining('audit chain ok: 5') });
    const db = database();
    const second = rows(db)[1] as AuditRow;
    rewriteFrom(db, second.seq, unkeyedHash);
    // ...and with a key of the attacker's own
    db.close();
    const unkeyed = cli('verify');
    expect(unkeyed.status).toBe(1);
    expect(unkeyed.stderr).toContain(`audit chain broken at record ${second.id} (seq ${second.seq})`);

    const other = database();
    const guessed = crypto.randomBytes(32);
    rewriteFrom(other, second.seq, (prev, canonical) =>
      crypto.createHmac('sha256', guessed).update(prev).update('\n').update(canonical).digest('hex'),
    );
    other.close();
    expect(cli('verify')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining(`audit chain broken at record ${second.id}`),
    });
  });

  it('cutting off the tail passes the chain check but not verify --checkpoint', async () => {
    await writeChain();
    const checkpointFile = path.join(dataDir, 'checkpoint.json');
    const made = cli('checkpoint', '--out', checkpointFile);
    expect(made.status).toBe(0);
    const checkpoint = JSON.parse(fs.readFileSync(checkpointFile, 'utf8'));
    expect(JSON.parse(made.stdout)).toEqual(checkpoint);
    expect(checkpoint).toMatchObject({
      headSeq: expect.any(Number),
      count: 5,
      signature: expect.any(String),
    });
    expect(cli('verify', '--checkpoint', checkpointFile)).toMatchObject({ status: 0 });

    const db = database();
    db.prepare('delete from audit_records where seq >= ?').run((rows(db)[3] as AuditRow).seq);
    db.close();
    expect(cli('verify').status).toBe(0); // the chain alone cannot tell
    const cut = cli('verify', '--checkpoint', checkpointFile);
    expect(cut.status).toBe(1);
    expect(cut.stderr).toContain('does not match the checkpoint');
    expect(cut.stderr).toContain('cut off');
  });

  it('a rewrite with the chain key itself is caught by an earlier checkpoint; a forged checkpoint is refused', async () => {
    await writeChain(['u-1', 'u-2', 'u-3']);
    const checkpointFile = path.join(dataDir, 'checkpoint.json');
    expect(cli('checkpoint', '--out', checkpointFile).status).toBe(0);
    await writeChain(['u-4', 'u-5']);

    // someone who holds the chain key recomputes the chain after an edit: the chain alone passes
    const key = Buffer.from(
      fs.readFileSync(path.join(dataDir, 'secrets/audit-hmac.key'), 'utf8').trim(),
      'hex',
    );
    const db = database();
    rewriteFrom(db, (rows(db)[1] as AuditRow).seq, (prev, canonical) =>
      crypto.createHmac('sha256', key).update(prev).update('\n').update(canonical).digest('hex'),
    );
    db.close();
    expect(cli('verify').status).toBe(0);
    const rewritten = cli('verify', '--checkpoint', checkpointFile);
    expect(rewritten.status).toBe(1);
    expect(rewritten.stderr).toContain('rewritten');

    // a checkpoint edited to match the rewrite no longer carries a valid signature
    const forged = JSON.parse(fs.readFileSync(checkpointFile, 'utf8'));
    const head = database();
    forged.headHash = (
      head.prepare('select hash from audit_records where seq = ?').get(forged.headSeq) as AuditRow
    ).hash;
    head.close();
    fs.writeFileSync(checkpointFile, JSON.stringify(forged));
    const refused = cli('verify', '--checkpoint', checkpointFile);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('signature');
  });

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
