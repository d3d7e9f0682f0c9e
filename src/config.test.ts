import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has working defaults for the embedded quickstart', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.databaseUrl).toBe(`file:${path.resolve('data', 'docverify.sqlite')}`);
    expect(config.upload.maxBytes).toBe(15 * 1024 * 1024);
    expect(config.upload.maxPixels).toBe(40_000_000);
    expect(config.llm.mode).toBe('off');
    expect(config.retention).toEqual({ imageDays: 30, sweepIntervalMs: 3_600_000 });
  });

  it('reads the image retention and sweep interval; 0 days is refused', () => {
    const config = loadConfig({ IMAGE_RETENTION_DAYS: '7', BLOB_SWEEP_INTERVAL_MINUTES: '0' });
    expect(config.retention).toEqual({ imageDays: 7, sweepIntervalMs: 0 });
    expect(() => loadConfig({ IMAGE_RETENTION_DAYS: '0' })).toThrow(/IMAGE_RETENTION_DAYS/);
  });

  it('turns the LLM on in assist mode when a key is given', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }).llm.mode).toBe('assist');
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x', LLM_MODE: 'off' }).llm.mode).toBe('off');
  });

  it('names every bad key', () => {
    expect(() => loadConfig({ PORT: 'x', LLM_MODE: 'sometimes' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'x', LLM_MODE: 'sometimes' });
    } catch (error) {
      expect(String(error)).toMatch(/PORT/);
      expect(String(error)).toMatch(/LLM_MODE/);
    }
  });

  it('reads the audit chain key (32 bytes) and the checkpoint key file; a short key is refused', () => {
    expect(loadConfig({}).audit).toEqual({
      hmacKey: null,
      checkpointKeyFile: path.resolve('data', 'secrets', 'audit-checkpoint.pem'),
    });
    expect(loadConfig({ AUDIT_HMAC_KEY: 'ab'.repeat(32) }).audit.hmacKey).toBe('ab'.repeat(32));
    expect(() => loadConfig({ AUDIT_HMAC_KEY: 'abcd' })).toThrow(/AUDIT_HMAC_KEY/);
  });

  it('believes no proxy headers unless TRUST_PROXY is set', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('lets webhooks reach private addresses only when WEBHOOK_ALLOW_PRIVATE_TARGETS is set', () => {
    expect(loadConfig({}).webhooks.allowPrivateTargets).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhooks.allowPrivateTargets).toBe(true);
  });
});
