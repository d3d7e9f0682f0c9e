import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { blobStores } from './registry.js';

const storeFor = (env: Record<string, string>) => {
  const config = loadConfig(env);
  // As the composition root (src/services.ts) builds it.
  return blobStores[config.blobs.store]({ ...config.blobs, root: config.blobDir });
};

const configErrorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe('blob store selection from the configuration', () => {
  it('keeps blobs on disk under DATA_DIR by default', () => {
    const config = loadConfig({});
    expect(config.blobs).toEqual({ store: 'disk', s3: null });
    expect(config.blobDir).toBe(path.resolve('data', 'blobs'));
    expect(storeFor({}).name).toBe('disk');
  });

  it('reads every S3 key when BLOB_STORE=s3', () => {
    const env = {
      BLOB_STORE: 's3',
      S3_BUCKET: 'docverify',
      S3_PREFIX: 'prod/blobs',
      S3_REGION: 'auto',
      S3_ENDPOINT: 'https://account.r2.cloudflarestorage.com',
      S3_FORCE_PATH_STYLE: 'true',
    };
    expect(loadConfig(env).blobs).toEqual({
      store: 's3',
      s3: {
        bucket: 'docverify',
        prefix: 'prod/blobs',
        region: 'auto',
        endpoint: 'https://account.r2.cloudflarestorage.com',
        forcePathStyle: true,
      },
    });
    expect(storeFor(env).name).toBe('s3');
  });

  it('leaves region and endpoint to the SDK (AWS itself) and the prefix empty when unset', () => {
    expect(loadConfig({ BLOB_STORE: 's3', S3_BUCKET: 'b' }).blobs.s3).toEqual({
      bucket: 'b',
      prefix: '',
      region: null,
      endpoint: null,
      forcePathStyle: false,
    });
  });

  it('refuses BLOB_STORE=s3 without a bucket, naming the key, alongside any other bad key', () => {
    expect(configErrorOf({ BLOB_STORE: 's3' })).toMatch(/S3_BUCKET: required when BLOB_STORE=s3/);
    const message = configErrorOf({ BLOB_STORE: 's3', PORT: 'x' });
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/S3_BUCKET/);
  });

  it('refuses an unknown store, an endpoint that is not an http(s) URL, and a non-boolean path style', () => {
    expect(configErrorOf({ BLOB_STORE: 'gcs' })).toMatch(/BLOB_STORE/);
    expect(configErrorOf({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'minio:9000' })).toMatch(
      /S3_ENDPOINT/,
    );
    expect(configErrorOf({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'ftp://minio' })).toMatch(
      /S3_ENDPOINT/,
    );
    expect(configErrorOf({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' })).toMatch(
      /S3_FORCE_PATH_STYLE/,
    );
  });

  it('does not need a bucket for the disk store', () => {
    expect(loadConfig({ S3_BUCKET: 'ignored' }).blobs).toEqual({ store: 'disk', s3: null });
  });
});
