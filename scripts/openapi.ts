/**
 * The OpenAPI document the app serves, for the tools that read it.
 *   lint   writes it to a temporary file and lints it with Redocly (redocly.yaml); fails on any finding
 *   types  writes the generated client's types (test/support/docverify-api.generated.ts)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildServices } from '../src/services.js';
import { CLIENT_TYPES_FILE, clientTypesSource } from '../test/support/openapi-types.js';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** From a fresh app over a temporary data folder: the document depends on no setting. */
async function servedOpenApiDocument(): Promise<unknown> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-openapi-'));
  try {
    const services = await buildServices(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      const res = await createApp(services).request('/openapi.json');
      if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
      return await res.json();
    } finally {
      await services.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function lint(document: unknown): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-openapi-lint-'));
  try {
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(document, null, 2));
    const redocly = path.join(repoRoot, 'node_modules', '.bin', 'redocly');
    const result = spawnSync(redocly, ['lint', '--config', path.join(repoRoot, 'redocly.yaml'), file], {
      stdio: 'inherit',
      // No usage report and no update check: CI runs offline.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    if (result.error) throw result.error;
    return result.status ?? 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const command = process.argv[2];
if (command === 'lint') {
  process.exitCode = lint(await servedOpenApiDocument());
} else if (command === 'types') {
  fs.writeFileSync(CLIENT_TYPES_FILE, await clientTypesSource(await servedOpenApiDocument()));
  console.log(`wrote ${path.relative(repoRoot, CLIENT_TYPES_FILE)}`);
} else {
  console.error('usage: tsx scripts/openapi.ts lint|types');
  process.exitCode = 2;
}
