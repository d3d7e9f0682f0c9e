import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildServices } from '../src/services.js';
import { bootstrapAdminKey, startServerProcess } from './support/server-process.js';
import { testPostgresDatabase } from './support/test-services.js';

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
      // Every stdout line is a JSON log record; stderr has one plain line, saying where the file is.
      for (const line of server.stdout().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      expect(server.stdout()).not.toContain(key);
      expect(server.stderr().trim().split('\n')).toEqual([expect.stringContaining(file)]);
      const res = await fetch(`${server.baseUrl}/v1/admin/webhooks`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect(server.output()).not.toMatch(/dv_admin_/);
    } finally {
      await server.stop();
    }
  });

  it('--help and -h on every command print its help and exit 0 without doing anything; --version prints the version', async () => {
    const commands = [
      [],
      ['serve'],
      ['worker'],
      ['migrate'],
      ['sweep'],
      ['batch'],
      ['keys'],
      ['keys', 'list'],
      ['keys', 'create'],
      ['keys', 'revoke'],
      ['keys', 'rotate'],
      ['keys', 'rotate-data-key'],
      ['audit'],
      ['audit', 'verify'],
      ['audit', 'checkpoint'],
      ['audit', 'public-key'],
    ];
    // DATA_DIR does not exist: any command that ran would create it (database, keys, blobs).
    const untouched = path.join(dataDir, 'never-created');
    const run = (args: string[]) =>
      new Promise<{ args: string[]; code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], {
          env: { ...env(), DATA_DIR: untouched, PORT: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        // A command that runs instead of helping (serve, worker) would never end: stop it.
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ args, code, stdout });
        });
      });
    const calls = commands.flatMap((words, i) => [
      [...words, i % 2 ? '-h' : '--help'],
      ...(i % 4 ? [] : [[...words, '-h']]),
    ]);
    const results: Awaited<ReturnType<typeof run>>[] = [];
    // Three at a time: each is a Node process with its TypeScript loader.
    for (let i = 0; i < calls.length; i += 3)
      results.push(...(await Promise.all(calls.slice(i, i + 3).map(run))));
    for (const { args, code, stdout } of results) {
      expect(code, args.join(' ')).toBe(0);
      const words = args.slice(0, -1).join(' ');
      expect(stdout, args.join(' ')).toContain(`Usage: docverify ${words || '<command>'}`);
    }
    expect(fs.existsSync(untouched)).toBe(false);
    const version = spawnSync(process.execPath, [bin, '--version'], { env: env() });
    expect(version.status).toBe(0);
    expect(version.stdout.toString()).toBe(
      `${JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}\n`,
    );
  });

  it('a worker runs until it is stopped, and SIGTERM stops it gracefully with exit 0', async () => {
    const child = spawn(process.execPath, [bin, 'worker'], {
      env: { ...env(), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => output, { timeout: 90_000, interval: 200 }).toContain('worker started');
    // An empty queue is no reason to leave.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(child.exitCode, output).toBeNull();
    // Through bin/docverify.mjs, as a process manager would: the signal reaches the worker itself.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('worker stopping');
    expect(output).not.toMatch(/"level":(50|60)|at .+\.ts:\d+/);
  });

  it('a port in use: one line naming the port and what to do, exit 1, no stack', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = spawnSync(process.execPath, [bin, 'serve'], {
        env: { ...env(), PORT: String(port), HOST: '127.0.0.1' },
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      const lines = run.stderr.toString().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${port}`);
      expect(lines[0]).toContain('PORT=');
      // Nothing started: no admin key was made for a service that never listened.
      expect(fs.existsSync(path.join(dataDir, 'secrets', 'bootstrap-admin.key'))).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('keys list, create, rotate and revoke: the secret is printed once, every change is audited', () => {
    const cli = (...args: string[]) => {
      const run = spawnSync(process.execPath, [bin, ...args], { env: env() });
      return { code: run.status, out: run.stdout.toString(), err: run.stderr.toString() };
    };
    const created = cli(
      'keys',
      'create',
      '--role',
      'client',
      '--name',
      'partner',
      '--expires-at',
      '2099-01-01T00:00:00Z',
    );
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret).toMatch(/^dv_client_/);
    const listed = () =>
      JSON.parse(cli('keys', 'list', '--json').out).keys as Record<string, string | null>[];
    const [key] = listed();
    expect(key).toMatchObject({
      role: 'client',
      name: 'partner',
      prefix: secret.slice(0, 12),
      expiresAt: '2099-01-01T00:00:00.000Z',
      revokedAt: null,
    });
    const id = String(key?.id);
    expect(cli('keys', 'list').out).toMatch(
      new RegExp(`${id}\\s+client\\s+partner\\s+dv_client_\\S+\\s+active`),
    );

    const rotated = cli('keys', 'rotate', id, '--grace-period', '1h');
    expect(rotated.code).toBe(0);
    const newSecret = rotated.out.trim();
    expect(newSecret).toMatch(/^dv_client_/);
    expect(newSecret).not.toBe(secret);
    expect(rotated.err).toContain(id);
    expect(listed()[0]).toMatchObject({ prefix: newSecret.slice(0, 12), rotatedAt: expect.any(String) });

    expect(cli('keys', 'revoke', id).code).toBe(0);
    expect(listed()[0]?.revokedAt).toEqual(expect.any(String));
    expect(cli('keys', 'list').out).toMatch(new RegExp(`${id}.*revoked`));
    const again = cli('keys', 'rotate', id);
    expect(again.code).toBe(1);
    expect(again.err.trim().split('\n')).toHaveLength(1);
    expect(cli('keys', 'revoke', 'key_unknown').code).toBe(1);
    expect(cli('keys', 'rotate', id, '--grace-period', 'forever').code).toBe(2);

    const raw = new Database(path.join(dataDir, 'docverify.sqlite'));
    const actions = raw
      .prepare("select action, entity_id as id from audit_records where entity_type = 'api_key' order by seq")
      .all();
    raw.close();
    expect(actions).toEqual([
      { action: 'api_key.created', id },
      { action: 'api_key.rotated', id },
      { action: 'api_key.revoked', id },
    ]);
    expect(cli('audit', 'verify').code).toBe(0);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'batch on PostgreSQL processes its own jobs and finishes',
    async () => {
      const postgres = testPostgresDatabase();
      if (!postgres) throw new Error('TEST_DATABASE_URL is not set');
      try {
        fs.copyFileSync(
          path.join(repoRoot, 'fixtures/sample-03-degree-photo/input.jpg'),
          path.join(dataDir, 'degree.jpg'),
        );
        fs.copyFileSync(
          path.join(repoRoot, 'fixtures/sample-09-unknown-receipt/input.jpg'),
          path.join(dataDir, 'receipt.jpg'),
        );
        const manifest = path.join(dataDir, 'manifest.jsonl');
        fs.writeFileSync(
          manifest,
          [
            { file: 'degree.jpg', subjectId: 'u-1' },
            { file: 'receipt.jpg', subjectId: 'u-1' },
          ]
            .map((l) => JSON.stringify(l))
            .join('\n'),
        );
        const run = spawnSync(process.execPath, [bin, 'batch', manifest], {
          env: { ...env(), DATABASE_URL: postgres.url, JOB_POLL_MS: '200' },
          maxBuffer: 1 << 24,
          timeout: 240_000,
        });
        expect(run.status, run.stderr.toString()).toBe(0);
        const lines = run.stdout
          .toString()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(lines.map((l) => [l.file, l.status])).toEqual([
          ['degree.jpg', 'completed'],
          ['receipt.jpg', 'completed'],
        ]);
        expect(lines[0].documentType).toBe('degree_certificate');
      } finally {
        await postgres.drop();
      }
    },
    300_000,
  );

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
