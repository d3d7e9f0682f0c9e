import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import type { Role } from '../../src/auth/api-keys.models.js';
import { createApiKey } from '../../src/auth/api-keys.usecases.js';
import { loadConfig } from '../../src/config.js';
import { buildServices, type ServiceOverrides } from '../../src/services.js';

/**
 * A fresh data folder, a fresh database with the real migrations, and the real app over them.
 * Each test gets its own; nothing is shared between tests. The database is a SQLite file, or,
 * with TEST_DATABASE_URL=postgres://…, a schema of its own on that server (dropped at close),
 * with the pg-boss queue running jobs in the test process.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; overrides?: ServiceOverrides } = {},
) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-test-'));
  const postgres = testPostgresDatabase();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    OCR_POOL_SIZE: '1',
    JOB_RETRY_BASE_MS: '50',
    ...(postgres ? { DATABASE_URL: postgres.url, JOB_POLL_MS: '200', JOB_RETRY_BASE_MS: '1000' } : {}),
    ...options.env,
  });
  const services = await buildServices(config, options.overrides);
  const app = createApp(services);
  await services.queue.start();
  const keys = {} as Record<Role | 'client2', string>;
  for (const role of ['client', 'engine', 'reviewer', 'admin'] as const) {
    keys[role] = (await createApiKey(services, { role })).secret;
  }
  keys.client2 = (await createApiKey(services, { role: 'client', name: 'second client' })).secret;
  return {
    app,
    services,
    config,
    dataDir,
    keys,
    auth: (role: keyof typeof keys) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await services.close();
      await postgres?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh schema (and one for its pg-boss queue) on TEST_DATABASE_URL's server; null without one. */
export function testPostgresDatabase(): { url: string; drop(): Promise<void> } | null {
  const base = process.env.TEST_DATABASE_URL;
  if (!base?.startsWith('postgres')) return null;
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.query(`drop schema if exists ${schema}_boss cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export function uploadForm(fields: Record<string, string | Blob>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

export function fileBlob(bytes: Buffer, type = 'application/octet-stream'): Blob {
  return new Blob([new Uint8Array(bytes)], { type });
}
