import type { Logger } from 'pino';
import { createAuditRepository } from './audit/audit.repository.js';
import { createApiKeysRepository } from './auth/api-keys.repository.js';
import { authenticate } from './auth/api-keys.usecases.js';
import type { BlobStore } from './blobs/blob-store.js';
import { blobStores } from './blobs/registry.js';
import type { Config } from './config.js';
import { openDatabase } from './db/database.js';
import { loadPolicyFile } from './eligibility/eligibility.policy.js';
import { createEligibilityService } from './eligibility/eligibility.usecases.js';
import type { Authenticator } from './http/middleware.js';
import { createJobRunner } from './jobs/job-runner.js';
import { createJobsRepository } from './jobs/jobs.repository.js';
import { createLlmClient, llmClientOptions } from './llm/client.js';
import { loadPrompts } from './llm/prompts.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import type { Pipeline, PipelineDeps } from './pipeline/pipeline.types.js';
import { createDocumentPipeline } from './pipeline/run.js';
import { type Clock, type IdGenerator, randomIds, systemClock } from './platform/clock.js';
import { loadOrCreateKeyFile } from './privacy/key-file.js';
import { createSealer, parseKey } from './privacy/sealer.js';
import { createSweeper } from './retention/retention.usecases.js';
import { createFixtureStore } from './review/fixtures.store.js';
import { createReviewSessionsRepository } from './review/review-sessions.repository.js';
import { createReviewsRepository } from './review/reviews.repository.js';
import { createVerificationsRepository } from './verifications/verifications.repository.js';
import {
  createProcessVerificationHandler,
  PROCESS_VERIFICATION_JOB,
} from './verifications/verifications.usecases.js';
import { DELIVER_WEBHOOK_JOB } from './webhooks/webhooks.models.js';
import { createWebhooksRepository } from './webhooks/webhooks.repository.js';
import { createWebhookDeliveryHandler, createWebhookPublisher } from './webhooks/webhooks.usecases.js';

/** The ports a caller may replace: tests inject a clock, ids, a log sink or a scripted LLM here. */
export interface ServiceOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  blobs?: BlobStore;
  pipeline?: (deps: PipelineDeps) => Pipeline;
}

/**
 * The composition root: every service is built once, here, and passed down. Nothing else
 * constructs a database, a blob store, an OCR pool or a clock.
 */
export function buildServices(config: Config, overrides: ServiceOverrides = {}) {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  // A bad policy file stops the start, before anything is opened.
  const policy = loadPolicyFile(config.eligibility.policyFile);

  const database = openDatabase(config.databaseUrl);
  const { db } = database;

  const keyMaterial = config.encryption.key ?? loadOrCreateKeyFile(config.dataDir).material;
  const sealer = createSealer([parseKey(keyMaterial), ...config.encryption.oldKeys.map(parseKey)]);

  const apiKeys = createApiKeysRepository(db);
  const authenticator: Authenticator = { authenticate: (secret) => authenticate({ apiKeys }, secret) };
  const verifications = createVerificationsRepository(db, sealer);
  const jobs = createJobsRepository(db);
  const blobs = overrides.blobs ?? blobStores[config.blobs.store]({ ...config.blobs, root: config.blobDir });
  const metrics = createMetrics({ jobCounts: () => jobs.countByStatus() });
  // The LLM client and its prompts are built once, and only when a model may be consulted.
  const llm =
    config.llm.mode === 'off'
      ? null
      : { client: createLlmClient(llmClientOptions(config, { clock, metrics })), prompts: loadPrompts() };
  const transaction = database.transaction;
  const audit = createAuditRepository(db, { clock, ids });
  const webhooks = createWebhooksRepository(db, sealer);
  const webhookSettings = config.webhooks;
  const publisher = createWebhookPublisher({ webhooks, jobs, clock, ids, webhookSettings });
  const eligibility = createEligibilityService({ policy, verifications, audit, transaction, clock, ids });
  const reviewSessions = createReviewSessionsRepository(db);
  const reviews = createReviewsRepository(db);
  const fixtures = createFixtureStore(config.review.fixturesDir);

  const base = {
    config,
    logger,
    clock,
    ids,
    database,
    sealer,
    apiKeys,
    authenticator,
    verifications,
    jobs,
    blobs,
    metrics,
    transaction,
    audit,
    webhooks,
    publisher,
    eligibility,
    reviewSessions,
    reviews,
    fixtures,
  };
  const pipeline = (overrides.pipeline ?? createDocumentPipeline)({
    config,
    logger,
    clock,
    verifications,
    metrics,
    llm,
  });

  const sweeper = createSweeper({
    verifications,
    blobs,
    audit,
    transaction,
    clock,
    retentionDays: config.retention.imageDays,
    intervalMs: config.retention.sweepIntervalMs,
    logger: logger.child({ component: 'sweeper' }),
  });

  const runner = createJobRunner({
    jobs,
    clock,
    logger: logger.child({ component: 'jobs' }),
    concurrency: config.jobs.concurrency,
    leaseMs: config.jobs.leaseMs,
    retryBaseMs: config.jobs.retryBaseMs,
    handlers: {
      [PROCESS_VERIFICATION_JOB]: createProcessVerificationHandler({
        verifications,
        blobs,
        pipeline,
        clock,
        logger,
        audit,
        publisher,
        eligibility,
        transaction,
        sealer,
      }),
      [DELIVER_WEBHOOK_JOB]: createWebhookDeliveryHandler({
        webhooks,
        clock,
        logger: logger.child({ component: 'webhooks' }),
        webhookSettings,
      }),
    },
    onOutcome: (kind, outcome) => metrics.jobOutcomes.inc({ kind, outcome }),
  });

  const services = {
    ...base,
    pipeline,
    runner,
    sweeper,
    readiness: () => ({
      database: probe(() => database.ping()),
      queue: probe(() => jobs.countByStatus() && true),
    }),
    async close() {
      await sweeper.stop();
      await runner.stop();
      await pipeline.close();
      database.close();
    },
  };
  return services;
}

export type Services = ReturnType<typeof buildServices>;

/** A readiness probe: false when the check says so or cannot run at all. */
function probe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
