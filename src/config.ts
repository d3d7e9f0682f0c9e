import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const booleanFromString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every setting the service reads, parsed once at start-up. No other module reads
 * process.env. Each key is documented in the README's configuration table.
 */
const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.string().optional(),
    BLOB_DIR: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(15 * 1024 * 1024),
    MAX_UPLOAD_PIXELS: z.coerce.number().int().positive().default(40_000_000),
    MAX_PDF_PAGES: z.coerce.number().int().min(1).max(50).default(5),
    MAX_WAIT_SECONDS: z.coerce.number().min(0).max(120).default(30),

    OCR_ENGINE: z.enum(['ppocr', 'tesseract']).default('ppocr'),
    OCR_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
    OCR_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),

    JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
    JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    JOB_LEASE_MS: z.coerce.number().int().positive().default(30_000),
    JOB_RETRY_BASE_MS: z.coerce.number().int().positive().default(2_000),

    /** 32-byte key (base64 or 64 hex chars) encrypting names and ID numbers at rest. */
    DATA_ENCRYPTION_KEY: z.string().optional(),
    /** Earlier keys, comma-separated, still accepted for reading after a rotation. */
    DATA_ENCRYPTION_OLD_KEYS: z.string().optional(),

    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.url().optional(),
    LLM_MODEL: z.string().default('gpt-4o-mini'),
    LLM_MODE: z.enum(['off', 'assist', 'always']).optional(),
    LLM_VISION: booleanFromString.default(false),
    LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  })
  .transform((env) => {
    const dataDir = path.resolve(env.DATA_DIR);
    return {
      port: env.PORT,
      host: env.HOST,
      dataDir,
      databaseUrl: env.DATABASE_URL ?? `file:${path.join(dataDir, 'docverify.sqlite')}`,
      blobDir: path.resolve(env.BLOB_DIR ?? path.join(dataDir, 'blobs')),
      logLevel: env.LOG_LEVEL,
      upload: {
        maxBytes: env.MAX_UPLOAD_BYTES,
        maxPixels: env.MAX_UPLOAD_PIXELS,
        maxPdfPages: env.MAX_PDF_PAGES,
        maxWaitSeconds: env.MAX_WAIT_SECONDS,
      },
      ocr: { engine: env.OCR_ENGINE, poolSize: env.OCR_POOL_SIZE, timeoutMs: env.OCR_TIMEOUT_MS },
      jobs: {
        concurrency: env.JOB_CONCURRENCY ?? env.OCR_POOL_SIZE,
        maxAttempts: env.JOB_MAX_ATTEMPTS,
        leaseMs: env.JOB_LEASE_MS,
        retryBaseMs: env.JOB_RETRY_BASE_MS,
      },
      encryption: {
        key: env.DATA_ENCRYPTION_KEY ?? null,
        oldKeys: (env.DATA_ENCRYPTION_OLD_KEYS ?? '')
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      },
      llm: {
        apiKey: env.OPENAI_API_KEY ?? null,
        baseUrl: env.OPENAI_BASE_URL ?? null,
        model: env.LLM_MODEL,
        // Without a key the rules pipeline works alone.
        mode: env.LLM_MODE ?? (env.OPENAI_API_KEY ? 'assist' : 'off'),
        vision: env.LLM_VISION,
        timeoutMs: env.LLM_TIMEOUT_MS,
      },
    };
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws ConfigError listing every bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
