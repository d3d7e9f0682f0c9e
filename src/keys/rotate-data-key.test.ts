import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSealer, keyId } from '../privacy/sealer.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'bin/docverify.mjs');
/** A CET report with a text layer: read without OCR, so each document costs little. */
const sample = path.join(repoRoot, 'fixtures/sample-05-cet-pdf-text');
const expected = JSON.parse(fs.readFileSync(path.join(sample, 'expected.json'), 'utf8')) as {
  applicant: { name: string; idNumber: string };
  fields: { reportNumber: string };
};

const hexKey = () => crypto.randomBytes(32).toString('hex');
/** How installs from before the blind index had its own key hashed: a key derived from the data key. */
const legacyBlindIndex = (dataKeyHex: string, value: string) =>
  crypto
    .createHmac(
      'sha256',
      crypto.createHmac('sha256', Buffer.from(dataKeyHex, 'hex')).update('docverify blind index v1').digest(),
    )
    .update(value)
    .digest('base64url');

/** The blind index as the service computes it today, with its own key. */
const blindIndexOf = (blindIndexKeyHex: string, value: string) =>
  createSealer([crypto.randomBytes(32)], { blindIndexKey: Buffer.from(blindIndexKeyHex, 'hex') }).blindIndex(
    value,
  );

describe('docverify keys rotate-data-key', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-rotate-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const cli = (env: Record<string, string>, args: string[]) => {
    const run = spawnSync(process.execPath, [bin, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', OCR_POOL_SIZE: '1', ...env },
      maxBuffer: 1 << 24,
    });
    return { status: run.status, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
  };
  /** The same paper, its own bytes: a copy of the PDF with a comment after its end. */
  const upload = (env: Record<string, string>, name: string, subjectId: string) => {
    const pdf = fs.readFileSync(path.join(sample, 'input.pdf'));
    fs.writeFileSync(path.join(dataDir, `${name}.pdf`), Buffer.concat([pdf, Buffer.from(`\n% ${name}\n`)]));
    const manifest = path.join(dataDir, `${name}.jsonl`);
    fs.writeFileSync(
      manifest,
      JSON.stringify({
        file: `${name}.pdf`,
        subjectId,
        applicant: subjectId === 'u-1' ? expected.applicant : null,
      }),
    );
    const run = cli(env, ['batch', manifest]);
    expect(run.stderr).toContain('1 documents');
    return JSON.parse(run.stdout) as { id: string; verdict: string; reasons: { code: string }[] };
  };
  const caughtAsDuplicate = (result: { verdict: string; reasons: { code: string }[] }) => {
    expect(result.verdict).toBe('rejected');
    expect(result.reasons.map((r) => r.code)).toContain('DUPLICATE_ACROSS_SUBJECTS');
  };
  const sql = <T>(statement: string, ...params: unknown[]): T[] => {
    const db = new Database(path.join(dataDir, 'docverify.sqlite'));
    try {
      const prepared = db.prepare(statement);
      return (prepared.reader ? prepared.all(...params) : [prepared.run(...params)]) as T[];
    } finally {
      db.close();
    }
  };
  /** Every sealed column of every row, and every original's header, naming the key ids they use. */
  const keyIdsAtRest = () => {
    const values = sql<Record<string, string | null>>(
      'select applicant_sealed, result_sealed, revocation_note_sealed from verifications',
    )
      .concat(sql<Record<string, string | null>>('select identity_sealed from subjects'))
      .concat(
        sql<Record<string, string | null>>(
          'select fields_sealed, note_sealed, decision_note_sealed from review_approvals',
        ),
      )
      .flatMap((row) => Object.values(row))
      .filter((v): v is string => v !== null);
    const blobs = fs
      .readdirSync(path.join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => fs.readFileSync(path.join(d.parentPath, d.name)).subarray(0, 200).toString('latin1'));
    return [...values, ...blobs].join('\n');
  };

  it('keeps catching a copy under another subject before, during and after a rotation, and leaves nothing under the old key', () => {
    const keyA = hexKey();
    const keyB = hexKey();
    const BLIND_INDEX_KEY = hexKey();
    const before = { DATA_ENCRYPTION_KEY: keyA, BLIND_INDEX_KEY };
    const during = { DATA_ENCRYPTION_KEY: keyB, DATA_ENCRYPTION_OLD_KEYS: keyA, BLIND_INDEX_KEY };
    const after = { DATA_ENCRYPTION_KEY: keyB, BLIND_INDEX_KEY };

    const first = upload(before, 'original', 'u-1');
    expect(first.verdict).toBe('verified');
    // As an install from before this change left it: hashes keyed by the data key, the original in clear.
    const [row] = sql<{ blob_key: string }>('select blob_key from verifications where id = ?', first.id);
    const columns = sql<{ name: string }>('pragma table_info(verifications)').map((c) => c.name);
    sql(
      `update verifications set document_key_hash = ?, applicant_id_hash = ?${columns.includes('document_key_sealed') ? ', document_key_sealed = null' : ''} where id = ?`,
      legacyBlindIndex(keyA, `cet_score_report:${expected.fields.reportNumber}`),
      legacyBlindIndex(keyA, expected.applicant.idNumber),
      first.id,
    );
    sql(
      'update subjects set id_number_hash = ? where id = ?',
      legacyBlindIndex(keyA, expected.applicant.idNumber),
      'u-1',
    );
    // A correction waiting for a second reviewer, its note sealed under the old key.
    sql(
      `insert into review_approvals (id, verification_id, status, proposed_verdict, fields_sealed, changed_fields,
         note_sealed, hard_reason_codes, base_version, proposed_by_key_id, proposed_at)
       values ('apr_1', ?, 'pending', 'verified', null, '[]', ?, '["DUPLICATE_ACROSS_SUBJECTS"]', 0, 'key_1', 0)`,
      first.id,
      createSealer([Buffer.from(keyA, 'hex')]).seal('the second page shows the same person'),
    );
    const blobFile = path.join(dataDir, 'blobs', String(row?.blob_key).slice(0, 2), String(row?.blob_key));
    fs.writeFileSync(blobFile, fs.readFileSync(path.join(dataDir, 'original.pdf')));

    caughtAsDuplicate(upload(before, 'copy-1', 'u-2'));

    // The operator puts the new key in place, the old one among the old keys, and rotates in part.
    const partial = cli(during, ['keys', 'rotate-data-key', '--batch-size', '1', '--max-batches', '1']);
    expect(partial.stderr).toBe('');
    expect(partial.status).toBe(0);
    expect(partial.stdout).toMatch(/in 1 batches; not complete: run it again to continue/);
    expect(keyIdsAtRest()).toContain(`.${keyId(Buffer.from(keyA, 'hex'))}.`);

    caughtAsDuplicate(upload(during, 'copy-2', 'u-3'));

    const rest = cli(during, ['keys', 'rotate-data-key']);
    expect(rest.status).toBe(0);
    expect(rest.stdout).toMatch(/; complete: /);

    // The old key is gone: everything opens with the new one, and nothing is left to do.
    const dryRun = cli(after, ['keys', 'rotate-data-key', '--dry-run']);
    expect(dryRun.status).toBe(0);
    expect(dryRun.stdout).toContain('would rewrite 0 sealed values, 0 blind index values, 0 originals');
    const atRest = keyIdsAtRest();
    expect(atRest).not.toContain(`.${keyId(Buffer.from(keyA, 'hex'))}.`);
    expect(atRest).toContain(`.${keyId(Buffer.from(keyB, 'hex'))}.`);
    expect(fs.readFileSync(blobFile).subarray(0, 8).toString('latin1')).toBe('DVSEAL1\n');

    caughtAsDuplicate(upload(after, 'copy-3', 'u-4'));
    // The subject's identity was indexed again with the blind index key, like the rows.
    expect(sql<{ id_number_hash: string }>("select id_number_hash from subjects where id = 'u-1'")).toEqual([
      { id_number_hash: blindIndexOf(BLIND_INDEX_KEY, expected.applicant.idNumber) },
    ]);

    // One audit record per invocation that wrote, with key ids and counts only; the chain holds.
    const runs = sql<{ after: string }>(
      "select after from audit_records where action = 'data_key.rotation_run' order by seq",
    ).map((r) => JSON.parse(r.after) as Record<string, unknown>);
    expect(runs.map((r) => r.complete)).toEqual([false, true]);
    for (const run of runs) {
      expect(
        Object.values(run).every(
          (v) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string',
        ),
      ).toBe(true);
      expect(JSON.stringify(run)).not.toMatch(
        new RegExp(
          `${expected.applicant.idNumber}|${expected.fields.reportNumber}|${expected.applicant.name}`,
        ),
      );
    }
    expect(cli(after, ['audit', 'verify']).status).toBe(0);
  });

  it('refuses to start with a data key from the environment but no blind index key, instead of making one up', () => {
    const run = cli({ DATA_ENCRYPTION_KEY: hexKey() }, ['keys', 'create', '--role', 'engine']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('BLIND_INDEX_KEY is not set');
  });
});
