import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The Worker as `wrangler deploy` uploads it: built by wrangler's own bundler (the dry run of
 * `npm run build:edge`), its migrations applied by `wrangler d1 migrations apply --local`, and
 * the built file started in workerd. The workerd tests run the sources through Vite instead;
 * this one guards what is actually deployed.
 */
const run = promisify(execFile);
const wrangler = path.resolve('node_modules/.bin/wrangler');
const offline = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' };

/** What workerd's nodejs_compat provides and the Worker may import; everything else is bundled. */
const ALLOWED_IMPORTS = [
  'node:async_hooks',
  'node:buffer',
  'node:crypto',
  'node:os',
  'node:path',
  'node:url',
];
/** Packages that must never reach the bundle: native, Node-only, or the image and OCR pipeline. */
const NODE_ONLY_PACKAGES = [
  'better-sqlite3',
  'pg',
  'pg-boss',
  'sharp',
  'onnxruntime-node',
  'tesseract.js',
  'pdfjs-dist',
  '@napi-rs/canvas',
  '@aws-sdk/client-s3',
  'pino',
  'prom-client',
  'openai',
  'file-type',
  '@hono/node-server',
];

let dir: string;
let meta: {
  inputs: Record<string, unknown>;
  outputs: Record<string, { bytes: number; imports: { path: string; external?: boolean }[] }>;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-edge-'));
  await run(
    wrangler,
    ['deploy', '--dry-run', '--outdir', path.join(dir, 'out'), '--metafile', path.join(dir, 'meta.json')],
    { env: offline },
  );
  meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the built Worker', () => {
  it('imports only what workerd provides with nodejs_compat', () => {
    const worker = Object.entries(meta.outputs).find(([file]) => file.endsWith('worker.js'));
    expect(worker).toBeDefined();
    const external = new Set(worker?.[1].imports.filter((i) => i.external).map((i) => i.path));
    expect([...external].filter((i) => !ALLOWED_IMPORTS.includes(i))).toEqual([]);
  });

  it('holds no Node-only package, and none of the pipeline, jobs runner or Node entry points', () => {
    const inputs = Object.keys(meta.inputs);
    const packages = new Set(
      inputs
        .filter((input) => input.includes('node_modules/'))
        .map((input) => {
          const parts = (input.split('node_modules/').at(-1) ?? '').split('/');
          return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? '');
        }),
    );
    expect(NODE_ONLY_PACKAGES.filter((name) => packages.has(name))).toEqual([]);
    const sources = inputs.filter((input) => input.startsWith('src/'));
    expect(sources).toContain('src/edge/worker.ts');
    expect(
      sources.filter((s) =>
        /^src\/(pipeline|llm|jobs\/(?!jobs\.table)|webhooks\/(?!.*\.table)|app\.ts|services\.ts|server\.ts|cli\.ts)/.test(
          s,
        ),
      ),
    ).toEqual([]);
  });

  it('fits the Workers size limit', () => {
    const file = fs.readFileSync(path.join(dir, 'out', 'worker.js'));
    // The free plan's limit is 3 MiB compressed (10 MiB on paid plans).
    expect(gzipSync(file).length).toBeLessThan(3 * 1024 * 1024);
  });
});

describe('the built Worker in workerd, on a D1 migrated by wrangler', () => {
  let mf: Miniflare;
  const secret = `dv_engine_${crypto.randomBytes(32).toString('base64url')}`;

  beforeAll(async () => {
    const state = path.join(dir, 'state');
    // drizzle-kit's files, as `wrangler d1 migrations apply` reads them from migrations_dir.
    const { stdout } = await run(
      wrangler,
      ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state],
      {
        env: offline,
      },
    );
    expect(stdout).toMatch(/0003_verification_erasure\.sql/);

    mf = new Miniflare({
      modules: true,
      modulesRoot: path.join(dir, 'out'),
      scriptPath: path.join(dir, 'out', 'worker.js'),
      compatibilityDate: '2026-04-20',
      compatibilityFlags: ['nodejs_compat'],
      d1Databases: { DB: '00000000-0000-0000-0000-000000000000' },
      d1Persist: path.join(state, 'v3', 'd1'),
      r2Buckets: ['BLOBS'],
      bindings: {
        DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
        AUDIT_HMAC_KEY: crypto.randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      },
    });
    const db = await mf.getD1Database('DB');
    await db
      .prepare(
        'insert into api_keys (id, role, name, prefix, key_hash, created_at) values (?, ?, ?, ?, ?, ?)',
      )
      .bind(
        'key_bundle',
        'engine',
        'bundle test',
        secret.slice(0, 12),
        crypto.createHash('sha256').update(secret).digest('hex'),
        Date.now(),
      )
      .run();
  }, 120_000);

  afterAll(async () => {
    await mf?.dispose();
  });

  const get = (p: string, key?: string) =>
    mf.dispatchFetch(
      `https://edge.docverify.test${p}`,
      key ? { headers: { authorization: `Bearer ${key}` } } : {},
    );

  it('starts and answers readiness from the migrated database', async () => {
    const response = await get('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: true } });
  });

  it('authenticates against the hashed keys and answers problem+json', async () => {
    const anonymous = await get('/v1/verifications/ver_missing');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const missing = await get('/v1/verifications/ver_missing', secret);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'No verification ver_missing.' });
  });

  it('decides eligibility and appends the decision to the audit table', async () => {
    const response = await get('/v1/subjects/bundle-subject/eligibility', secret);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subjectId: 'bundle-subject', eligible: false, tier: null });
    const db = await mf.getD1Database('DB');
    const row = await db
      .prepare('select action, actor_id from audit_records where subject_id = ?')
      .bind('bundle-subject')
      .first();
    expect(row).toEqual({ action: 'eligibility.decided', actor_id: 'key_bundle' });
  });
});
