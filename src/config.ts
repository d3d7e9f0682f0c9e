import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defaultOcrEngine, ocrEngineNames } from './ocr/engine-names.js';

const defaultPolicyFile = fileURLToPath(new URL('../policies/limit-raise.v1.json', import.meta.url));

const booleanFromString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const isKey32 = (text: string) => {
  const trimmed = text.trim();
  return /^[0-9a-f]{64}$/i.test(trimmed) || Buffer.from(trimmed, 'base64').length === 32;
};

/**
 * Every setting the service reads, parsed once at start-up. No other module reads
 * process.env. Each key is documented in the README's configuration table.
 */
const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().default('0.0.0.0'),
    /**
     * A reverse proxy that sets X-Forwarded-Proto and X-Forwarded-Host stands in front: only then
     * are those headers believed (any client can send them).
     */
    TRUST_PROXY: booleanFromString.default(false),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.string().optional(),
    BLOB_DIR: z.string().optional(),
    /** Where originals go: `disk` (BLOB_DIR) or `s3` (an S3-compatible bucket, credentials from the AWS SDK's chain). */
    BLOB_STORE: z.enum(['disk', 's3']).default('disk'),
    S3_BUCKET: z.string().min(1).optional(),
    /** Key prefix inside the bucket, e.g. `docverify/blobs`; empty = the bucket root. */
    S3_PREFIX: z.string().default(''),
    /** Unset: the AWS SDK's own chain (AWS_REGION, the profile). */
    S3_REGION: z.string().min(1).optional(),
    /** For MinIO, Cloudflare R2, Ceph: e.g. http://127.0.0.1:9000. */
    S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    S3_FORCE_PATH_STYLE: booleanFromString.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(15 * 1024 * 1024),
    MAX_UPLOAD_PIXELS: z.coerce.number().int().positive().default(40_000_000),
    MAX_PDF_PAGES: z.coerce.number().int().min(1).max(50).default(5),
    MAX_WAIT_SECONDS: z.coerce.number().min(0).max(120).default(30),
    /** A PDF page with more drawing operators is refused before it is drawn. */
    PDF_MAX_OPERATORS_PER_PAGE: z.coerce.number().int().positive().default(100_000),
    /** Reading one PDF in the job (every page: text layer or rendering) stops after this. */
    PDF_READ_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    /** Intake's page count of a PDF; past it the upload is accepted and the job decides. */
    PDF_INSPECT_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(500),
    /** Memory one PDF may take while it is read (worker heap, and growth of the process's RSS). */
    PDF_MEMORY_MB: z.coerce.number().int().min(64).max(8_192).default(256),

    RATE_LIMIT_PER_KEY_PER_MINUTE: z.coerce.number().int().positive().default(600),
    SUBJECT_UPLOADS_PER_MINUTE: z.coerce.number().int().positive().default(10),
    SUBJECT_UPLOADS_PER_DAY: z.coerce.number().int().positive().default(50),
    MAX_QUEUED_JOBS: z.coerce.number().int().positive().default(500),

    OCR_ENGINE: z.enum(ocrEngineNames).default(defaultOcrEngine),
    OCR_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
    OCR_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),

    JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
    JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    JOB_LEASE_MS: z.coerce.number().int().positive().default(30_000),
    JOB_RETRY_BASE_MS: z.coerce.number().int().positive().default(2_000),
    /** How often an idle worker looks for jobs. */
    JOB_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
    /** PostgreSQL queue (pg-boss): how often expired jobs of dead workers are retried. */
    JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
    /** Whether `serve` also runs jobs; default: yes on SQLite (one node), no on PostgreSQL (workers do). */
    API_RUNS_JOBS: booleanFromString.optional(),

    /** The limit-raise policy (JSON), validated at start-up; defaults to policies/limit-raise.v1.json. */
    ELIGIBILITY_POLICY_FILE: z.string().min(1).optional(),
    /** How long a webhook receiver has to answer one delivery. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Scales the whole webhook retry schedule; the default 30 s gives about 26.5 h of retries. */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
    /** Development only: let webhooks reach loopback, private and link-local addresses (SSRF otherwise). */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFromString.default(false),

    /** 32-byte key (base64 or 64 hex chars) encrypting names and ID numbers at rest. */
    DATA_ENCRYPTION_KEY: z.string().optional(),
    /** Earlier keys, comma-separated, still accepted for reading after a rotation. */
    DATA_ENCRYPTION_OLD_KEYS: z.string().optional(),
    /** A file holding the data key (kept apart from DATA_DIR); default $DATA_DIR/secrets/data-encryption.key. */
    DATA_ENCRYPTION_KEY_FILE: z.string().min(1).optional(),
    /** 32-byte key of the blind indexes (duplicate search); never changes when the data key rotates. */
    BLIND_INDEX_KEY: z.string().optional(),
    /** A file holding the blind index key; default $DATA_DIR/secrets/blind-index.key. */
    BLIND_INDEX_KEY_FILE: z.string().min(1).optional(),
    /** `production` warns at start about key files kept inside DATA_DIR. */
    NODE_ENV: z.string().optional(),

    /** 32-byte key (base64 or 64 hex chars) linking the audit chain (HMAC-SHA256); never in the database. */
    AUDIT_HMAC_KEY: z
      .string()
      .refine((v) => isKey32(v), 'must be 32 bytes (64 hex characters or base64)')
      .optional(),
    /** Ed25519 private key (PKCS#8 PEM) signing audit checkpoints; made there on first use when missing. */
    AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),

    /** The labelled fixture set reviewers export cases into and correct (manifest.jsonl + <case>/). */
    FIXTURES_DIR: z.string().min(1).default('./fixtures'),
    /** One verified case in N (by a hash of its id) joins the review queue as a quality check. */
    REVIEW_QC_SAMPLE_ONE_IN: z.coerce.number().int().min(1).max(10_000).default(20),
    /** How long a reviewer's sign-in lasts. */
    REVIEW_SESSION_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(8),

    /** Originals of finished verifications are deleted after this many days; verdicts stay. */
    IMAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** How often the blob sweeper runs (retention and stray blobs); 0 = never (run `docverify sweep`). */
    BLOB_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),

    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.url().optional(),
    LLM_MODEL: z.string().default('gpt-4o-mini'),
    LLM_MODE: z.enum(['off', 'assist', 'always']).optional(),
    LLM_VISION: booleanFromString.default(false),
    LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
    LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    LLM_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** Prompt + completion tokens per UTC day; 0 = no limit. */
    LLM_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(0).default(2_000_000),
    LLM_CACHE_SIZE: z.coerce.number().int().min(0).default(1_000),
    /** json_object for servers without structured outputs (the schema then goes into the prompt). */
    LLM_RESPONSE_FORMAT: z.enum(['json_schema', 'json_object']).default('json_schema'),
    /** Largest model reply body read; a larger one fails the call (LLM_UNAVAILABLE). */
    LLM_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    /** Consecutive failed model calls that switch the model off for the cool-down; 0 = never. */
    LLM_BREAKER_FAILURES: z.coerce.number().int().min(0).max(1000).default(5),
    LLM_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(60_000),
  })
  .refine((env) => env.BLOB_STORE !== 's3' || Boolean(env.S3_BUCKET), {
    path: ['S3_BUCKET'],
    message: 'required when BLOB_STORE=s3',
    // Checked even when other keys are bad, so the error still names every bad key.
    when: () => true,
  })
  .transform((env) => {
    const dataDir = path.resolve(env.DATA_DIR);
    return {
      port: env.PORT,
      host: env.HOST,
      dataDir,
      databaseUrl: env.DATABASE_URL ?? `file:${path.join(dataDir, 'docverify.sqlite')}`,
      blobDir: path.resolve(env.BLOB_DIR ?? path.join(dataDir, 'blobs')),
      blobs: {
        store: env.BLOB_STORE,
        s3:
          env.BLOB_STORE === 's3' && env.S3_BUCKET
            ? {
                bucket: env.S3_BUCKET,
                prefix: env.S3_PREFIX,
                region: env.S3_REGION ?? null,
                endpoint: env.S3_ENDPOINT ?? null,
                forcePathStyle: env.S3_FORCE_PATH_STYLE,
              }
            : null,
      },
      logLevel: env.LOG_LEVEL,
      upload: {
        maxBytes: env.MAX_UPLOAD_BYTES,
        maxPixels: env.MAX_UPLOAD_PIXELS,
        maxPdfPages: env.MAX_PDF_PAGES,
        maxWaitSeconds: env.MAX_WAIT_SECONDS,
      },
      pdf: {
        maxOperatorsPerPage: env.PDF_MAX_OPERATORS_PER_PAGE,
        readTimeoutMs: env.PDF_READ_TIMEOUT_MS,
        inspectTimeoutMs: env.PDF_INSPECT_TIMEOUT_MS,
        memoryMb: env.PDF_MEMORY_MB,
      },
      admission: {
        perKeyPerMinute: env.RATE_LIMIT_PER_KEY_PER_MINUTE,
        subjectPerMinute: env.SUBJECT_UPLOADS_PER_MINUTE,
        subjectPerDay: env.SUBJECT_UPLOADS_PER_DAY,
        maxQueuedJobs: env.MAX_QUEUED_JOBS,
      },
      ocr: { engine: env.OCR_ENGINE, poolSize: env.OCR_POOL_SIZE, timeoutMs: env.OCR_TIMEOUT_MS },
      jobs: {
        concurrency: env.JOB_CONCURRENCY ?? env.OCR_POOL_SIZE,
        maxAttempts: env.JOB_MAX_ATTEMPTS,
        leaseMs: env.JOB_LEASE_MS,
        retryBaseMs: env.JOB_RETRY_BASE_MS,
        pollMs: env.JOB_POLL_MS,
        maintenanceMs: env.JOB_MAINTENANCE_SECONDS * 1000,
        // Workers on PostgreSQL are separate processes (`docverify worker`); one node does it all.
        inApi: env.API_RUNS_JOBS ?? !/^postgres(ql)?:/.test(env.DATABASE_URL ?? ''),
      },
      eligibility: { policyFile: path.resolve(env.ELIGIBILITY_POLICY_FILE ?? defaultPolicyFile) },
      webhooks: {
        timeoutMs: env.WEBHOOK_TIMEOUT_MS,
        retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
        allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      },
      retention: {
        imageDays: env.IMAGE_RETENTION_DAYS,
        sweepIntervalMs: env.BLOB_SWEEP_INTERVAL_MINUTES * 60_000,
      },
      encryption: {
        key: env.DATA_ENCRYPTION_KEY ?? null,
        oldKeys: (env.DATA_ENCRYPTION_OLD_KEYS ?? '')
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
        keyFile: path.resolve(
          env.DATA_ENCRYPTION_KEY_FILE ?? path.join(dataDir, 'secrets', 'data-encryption.key'),
        ),
        blindIndexKey: env.BLIND_INDEX_KEY ?? null,
        blindIndexKeyFile: path.resolve(
          env.BLIND_INDEX_KEY_FILE ?? path.join(dataDir, 'secrets', 'blind-index.key'),
        ),
        // Key files are generated only where the quickstart keeps them. Once an operator names a
        // key, a missing one is an error: a fresh blind index key would stop duplicate detection
        // silently, and each node of a cluster would make its own.
        createKeyFile: !env.DATA_ENCRYPTION_KEY_FILE,
        createBlindIndexKeyFile:
          !env.BLIND_INDEX_KEY_FILE && !env.DATA_ENCRYPTION_KEY && !env.DATA_ENCRYPTION_KEY_FILE,
      },
      audit: {
        hmacKey: env.AUDIT_HMAC_KEY ?? null,
        checkpointKeyFile: path.resolve(
          env.AUDIT_CHECKPOINT_KEY_FILE ?? path.join(dataDir, 'secrets', 'audit-checkpoint.pem'),
        ),
      },
      production: env.NODE_ENV === 'production',
      review: {
        fixturesDir: path.resolve(env.FIXTURES_DIR),
        qcSampleOneIn: env.REVIEW_QC_SAMPLE_ONE_IN,
        sessionHours: env.REVIEW_SESSION_HOURS,
      },
      trustProxy: env.TRUST_PROXY,
      llm: {
        apiKey: env.OPENAI_API_KEY ?? null,
        baseUrl: env.OPENAI_BASE_URL ?? null,
        model: env.LLM_MODEL,
        // Without a key the rules pipeline works alone.
        mode: env.LLM_MODE ?? (env.OPENAI_API_KEY ? 'assist' : 'off'),
        vision: env.LLM_VISION,
        timeoutMs: env.LLM_TIMEOUT_MS,
        maxRetries: env.LLM_MAX_RETRIES,
        concurrency: env.LLM_CONCURRENCY,
        dailyTokenBudget: env.LLM_DAILY_TOKEN_BUDGET,
        cacheSize: env.LLM_CACHE_SIZE,
        responseFormat: env.LLM_RESPONSE_FORMAT,
        maxResponseBytes: env.LLM_MAX_RESPONSE_BYTES,
        breakerFailures: env.LLM_BREAKER_FAILURES,
        breakerCooldownMs: env.LLM_BREAKER_COOLDOWN_MS,
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
