import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildServices } from '../src/services.js';
import { bootstrapAdminKey, startServerProcess } from './support/server-process.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const bin = path.join(repoRoot, 'bin/docverify.mjs');
const checkContract = path.resolve(repoRoot, '../shared/tools/check-contract.mjs');

describe('docverify CLI', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-cli-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = () => ({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', OCR_POOL_SIZE: '1' });

  it('keys create prints the key and only the key', () => {
    const out = execFileSync(process.execPath, [bin, 'keys', 'create', '--role', 'engine'], {
      env: env(),
    }).toString();
    expect(out).toMatch(/^dv_engine_[A-Za-z0-9_-]{43}\n$/);
    const bad = spawnSync(process.execPath, [bin, 'keys', 'create', '--role', 'root'], { env: env() });
    expect(bad.status).toBe(2);
  });

  it('serve: the first start puts the admin key in a file only its user can read, never in the output', async () => {
    const server = await startServerProcess({ DATA_DIR: dataDir, OCR_POOL_SIZE: '1' });
    try {
      // stdout is the JSON log stream and stderr is collected by most runtimes too.
      expect(server.output()).not.toMatch(/dv_admin_/);
      const file = path.join(dataDir, 'secrets', 'bootstrap-admin.key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const key = bootstrapAdminKey(server);
      expect(key).toMatch(/^dv_admin_[A-Za-z0-9_-]{43}$/);
      const res = await fetch(`${server.baseUrl}/v1/admin/webhooks`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect(server.output()).not.toMatch(/dv_admin_/);
    } finally {
      await server.stop();
    }
  });

  it('migrate creates the database; bad configuration fails fast with a clear message', () => {
    execFileSync(process.execPath, [bin, 'migrate'], { env: env() });
    expect(fs.existsSync(path.join(dataDir, 'docverify.sqlite'))).toBe(true);
    const bad = spawnSync(process.execPath, [bin, 'migrate'], { env: { ...env(), PORT: 'eighty' } });
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toContain('PORT');
  });

  it('batch prints one contract result per manifest line, in order, and catches a duplicate across subjects', () => {
    const manifest = path.join(dataDir, 'manifest.jsonl');
    const image = path.join(repoRoot, 'fixtures/sample-03-degree-photo/input.jpg');
    const receipt = path.join(repoRoot, 'fixtures/sample-09-unknown-receipt/input.jpg');
    fs.copyFileSync(image, path.join(dataDir, 'degree.jpg'));
    fs.copyFileSync(receipt, path.join(dataDir, 'receipt.jpg'));
    fs.writeFileSync(
      manifest,
      [
        { file: 'degree.jpg', subjectId: 'u-1' },
        { file: 'receipt.jpg', subjectId: 'u-1' },
        { file: 'degree.jpg', subjectId: 'u-2' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const run = spawnSync(process.execPath, [bin, 'batch', manifest], { env: env(), maxBuffer: 1 << 24 });
    expect(run.status).toBe(0);
    const lines = run.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(['degree.jpg', 'receipt.jpg', 'degree.jpg']);
    expect(lines[0]).toMatchObject({
      documentType: 'degree_certificate',
      subjectId: 'u-1',
      status: 'completed',
    });
    expect(lines[1]).toMatchObject({ documentType: 'unknown', verdict: 'rejected' });
    expect(lines[2].verdict).toBe('rejected');
    expect(lines[2].reasons.map((r: { code: string }) => r.code)).toContain('DUPLICATE_ACROSS_SUBJECTS');
    expect(run.stderr.toString()).toContain('3 documents');
    if (fs.existsSync(checkContract)) {
      const results = path.join(dataDir, 'results.jsonl');
      fs.writeFileSync(results, run.stdout);
      const check = spawnSync(process.execPath, [checkContract, results]);
      expect(check.stdout.toString()).toContain('0 contract violations');
    }
  });

  it('batch: a line without a known identity is at most needs_review (APPLICANT_UNKNOWN); with one it is bound', () => {
    const manifest = path.join(dataDir, 'manifest.jsonl');
    const copy = (sample: string, file: string) => {
      const dir = path.join(repoRoot, 'fixtures', sample);
      fs.copyFileSync(path.join(dir, file), path.join(dataDir, `${sample}-${file}`));
      const { applicant } = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
      return { file: `${sample}-${file}`, applicant };
    };
    const cet = copy('sample-05-cet-pdf-text', 'input.pdf');
    const cetPhoto = copy('sample-01-cet-photo', 'input.jpg');
    const chsi = copy('sample-07-chsi-pdf-text', 'input.pdf');
    fs.writeFileSync(
      manifest,
      [
        { file: cet.file, subjectId: 'u-anonymous' },
        { file: cetPhoto.file, subjectId: 'u-name-only', applicant: { name: cetPhoto.applicant.name } },
        { file: chsi.file, subjectId: 'u-bound', applicant: chsi.applicant },
        { file: cet.file, subjectId: '..' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const run = spawnSync(process.execPath, [bin, 'batch', manifest], { env: env(), maxBuffer: 1 << 24 });
    const lines = run.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const codes = (line: { reasons?: { code: string }[] }) => (line.reasons ?? []).map((r) => r.code);
    expect(lines[0]).toMatchObject({ documentType: 'cet_score_report', verdict: 'needs_review' });
    expect(codes(lines[0])).toContain('APPLICANT_UNKNOWN');
    // A name alone is checked against the document, but it is no identity.
    expect(lines[1]).toMatchObject({ documentType: 'cet_score_report', verdict: 'needs_review' });
    expect(codes(lines[1])).toContain('APPLICANT_UNKNOWN');
    expect(lines[2]).toMatchObject({
      subjectId: 'u-bound',
      documentType: 'chsi_record',
      verdict: 'verified',
    });
    expect(lines[3]).toMatchObject({ status: 'failed', error: { code: 'MANIFEST_LINE_INVALID' } });
  });

  it('audit verify checks the hash chain and names the first tampered record', async () => {
    const services = await buildServices(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    for (const subjectId of ['u-1', 'u-2', 'u-3']) {
      await services.eligibility.decide(subjectId, { type: 'system' });
    }
    await services.close();

    const ok = spawnSync(process.execPath, [bin, 'audit', 'verify'], { env: env() });
    expect(ok.status).toBe(0);
    expect(ok.stdout.toString()).toContain('audit chain ok: 3 records');

    const raw = new Database(path.join(dataDir, 'docverify.sqlite'));
    const second = raw.prepare('select seq, id from audit_records order by seq limit 1 offset 1').get() as {
      seq: number;
      id: string;
    };
    raw
      .prepare(
        'update audit_records set after = replace(after, \'"eligible":false\', \'"eligible":true\') where seq = ?',
      )
      .run(second.seq);
    raw.close();

    const bad = spawnSync(process.execPath, [bin, 'audit', 'verify'], { env: env() });
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toContain(`audit chain broken at record ${second.id} (seq ${second.seq})`);
  });
});
