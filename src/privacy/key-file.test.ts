import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../observability/logger.js';
import { buildServices } from '../services.js';
import { loadKeys } from './key-file.js';

describe('where the keys come from', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-keys-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataDir = () => path.join(dir, 'data');
  const keysFor = (env: Record<string, string>) => loadKeys(loadConfig({ DATA_DIR: dataDir(), ...env }));
  const hex = () => crypto.randomBytes(32).toString('hex');

  it('generates both keys once into DATA_DIR/secrets for the quickstart, and reads the same ones again', () => {
    const first = keysFor({});
    for (const name of ['data-encryption.key', 'blind-index.key']) {
      expect(fs.statSync(path.join(dataDir(), 'secrets', name)).mode & 0o777).toBe(0o600);
    }
    expect(fs.statSync(path.join(dataDir(), 'secrets')).mode & 0o777).toBe(0o700);
    const again = keysFor({});
    expect(again.dataKeys[0]?.equals(first.dataKeys[0] ?? Buffer.alloc(0))).toBe(true);
    expect(again.blindIndexKey.equals(first.blindIndexKey)).toBe(true);
    expect(first.blindIndexKey.equals(first.dataKeys[0] ?? Buffer.alloc(0))).toBe(false);
    expect(first.filesInsideDataDir).toHaveLength(2);
  });

  it('reads named key files outside DATA_DIR, and never generates one that is missing', () => {
    const dataKeyFile = path.join(dir, 'etc', 'data-encryption.key');
    const indexKeyFile = path.join(dir, 'etc', 'blind-index.key');
    const env = { DATA_ENCRYPTION_KEY_FILE: dataKeyFile, BLIND_INDEX_KEY_FILE: indexKeyFile };
    expect(() => keysFor(env)).toThrow(ConfigError);
    expect(() => keysFor(env)).toThrow(/DATA_ENCRYPTION_KEY is not set and there is no key file at/);
    expect(fs.existsSync(dataKeyFile)).toBe(false);

    fs.mkdirSync(path.dirname(dataKeyFile));
    fs.writeFileSync(dataKeyFile, `${hex()}\n`, { mode: 0o600 });
    expect(() => keysFor(env)).toThrow(/BLIND_INDEX_KEY is not set/);
    fs.writeFileSync(indexKeyFile, `${hex()}\n`, { mode: 0o600 });
    expect(keysFor(env).filesInsideDataDir).toEqual([]);
    expect(fs.existsSync(path.join(dataDir(), 'secrets'))).toBe(false);
  });

  it('takes keys from the environment, and wants the blind index key there too once the data key is', () => {
    expect(() => keysFor({ DATA_ENCRYPTION_KEY: hex() })).toThrow(/BLIND_INDEX_KEY is not set/);
    const keys = keysFor({
      DATA_ENCRYPTION_KEY: hex(),
      BLIND_INDEX_KEY: hex(),
      DATA_ENCRYPTION_OLD_KEYS: hex(),
    });
    expect(keys.dataKeys).toHaveLength(2);
    expect(keys.filesInsideDataDir).toEqual([]);
    expect(() => keysFor({ DATA_ENCRYPTION_KEY: hex(), BLIND_INDEX_KEY: 'short' })).toThrow(
      /BLIND_INDEX_KEY must be 32 bytes/,
    );
  });

  it('warns at start in production when the keys sit inside DATA_DIR', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'warn', destination: sink });
    for (const NODE_ENV of ['development', 'production']) {
      const config = loadConfig({ DATA_DIR: dataDir(), NODE_ENV, OCR_POOL_SIZE: '1' });
      await (await buildServices(config, { logger })).close();
    }
    const warnings = lines.map((l) => JSON.parse(l) as { msg: string; keyFiles: string[] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/encryption keys are kept inside DATA_DIR/);
    expect(warnings[0]?.keyFiles).toEqual([
      path.join(dataDir(), 'secrets', 'data-encryption.key'),
      path.join(dataDir(), 'secrets', 'blind-index.key'),
    ]);
  });
});
