import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import type { Role } from '../../src/auth/api-keys.models.js';
import { createApiKey } from '../../src/auth/api-keys.usecases.js';
import { loadConfig } from '../../src/config.js';
import { buildServices, type ServiceOverrides } from '../../src/services.js';

/**
 * A fresh data folder, a fresh SQLite file with the real migrations, and the real app over
 * them. Each test gets its own; nothing is shared between tests.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; overrides?: ServiceOverrides } = {},
) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    OCR_POOL_SIZE: '1',
    JOB_RETRY_BASE_MS: '50',
    ...options.env,
  });
  const services = buildServices(config, options.overrides);
  const app = createApp(services);
  services.runner.start();
  const keys = {} as Record<Role | 'client2', string>;
  for (const role of ['client', 'engine', 'reviewer', 'admin'] as const) {
    keys[role] = createApiKey(services, { role }).secret;
  }
  keys.client2 = createApiKey(services, { role: 'client', name: 'second client' }).secret;
  return {
    app,
    services,
    config,
    dataDir,
    keys,
    auth: (role: keyof typeof keys) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
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
