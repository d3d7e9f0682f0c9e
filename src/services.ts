import type { Logger } from 'pino';
import { loadOrCreateChainKey } from './audit/audit.keys.js';
import { parseChainKey } from './audit/audit.models.js';
import { createAuditRepository } from './audit/audit.repository.js';
import { createApiKeysRepository } from './auth/api-keys.repository.js';
import { createAuthenticator } from './auth/api-keys.usecases.js';
import type { BlobStore } from './blobs/blob-store.js';
import { blobStores } from './blobs/registry.js';
import { createSealedBlobStore } from './blobs/sealed-blob-store.js';
import type { Config } from './config.js';
import { openDatabase, parsePostgresUrl } from './db/database.js';
import { loadPolicyFile } from './eligibility/eligibility.policy.js';
import { createEligibilityService } from './eligibility/eligibility.usecases.js';
import type { Authenticator } from './http/middleware.js';
import { createPdfReader } from './imaging/pdf-reader.js';
import type { JobHandler, JobOutcome, JobQueue } from './jobs/job-queue.js';
import { createTableJobQueue } from './jobs/job-runner.js';
import { createJobsRepository } from './jobs/jobs.repository.js';
import { createPgBossQueue } from './jobs/pg-boss-queue.js';
import { createKeyRotationsRepository } from './keys/key-rotations.repository.js';
import { createLlmClient, llmClientOptions } from './llm/client.js';
import { loadPrompts } from './llm/prompts.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import type { Pipeline, PipelineDeps } from './pipeline/pipeline.types.js';
import { createDocumentPipeline } from './pipeline/run.js';
import { type Clock, type IdGenerator, randomIds, systemClock } from './platform/clock.js';
import { loadKeys } from './privacy/key-file.js';
import { createSealer } from './privacy/sealer.js';
import { createSweeper } from './retention/retention.usecases.js';
import { createFixtureStore } from './review/fixtures.store.js';
import { createReviewApprovalsRepository } from './review/review-approvals.repository.js';
import { createReviewSessionsRepository } from './review/review-sessions.repository.js';
import { createReviewsRepository } from './review/reviews.repository.js';
import { createSubjectsRepository } from './subjects/subjects.repository.js';
import { verificationsEvidence } from './verifications/verifications.evidence.js';
import { PROCESS_VERIFICATION_JOB } from './verifications/verifications.models.js';
import { createProcessVerificationHandler } from './verifications/verifications.process.usecases.js';
import { createVerificationsRepository } from './verifications/verifications.repository.js';
import { DELIVER_WEBHOOK_JOB } from './webhooks/webhooks.models.js';
import { createWebhookTargets, type HostResolver, systemResolver } from './webhooks/webhooks.outbound.js';
import { createWebhooksRepository } from './webhooks/webhooks.repository.js';
import { createWebhookDeliveryHandler, createWebhookPublisher } from './webhooks/webhooks.usecases.js';

/** The ports a caller may replace: tests inject a clock, ids, a log sink or a scripted LLM here. */
export interface ServiceOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  blobs?: BlobStore;
  pipeline?: (deps: PipelineDeps) => Pipeline;
  /** Name resolution for webhook targets (default: the system's); tests script a name server. */
  resolveHost?: HostResolver;
}

/**
 * The composition root: every service is built once, here, and passed down. Nothing else
 * constructs a database, a blob store, an OCR pool or a clock.
 */
export async function buildServices(config: Config, overrides: ServiceOverrides = {}) {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  // A bad policy file stops the start, before anything is opened.
  const policy = loadPolicyFile(config.eligibility.policyFile);

  const database = await openDatabase(config.databaseUrl);

  const keys = loadKeys(config);
  if (config.production && keys.filesInsideDataDir.length > 0) {
    // A backup or a stolen copy of DATA_DIR would carry the keys that open it (README, "Keys").
    logger.warn(
      { keyFiles: keys.filesInsideDataDir },
      'encryption keys are kept inside DATA_DIR: set DATA_ENCRYPTION_KEY and BLIND_INDEX_KEY, or key files outside it',
    );
  }
  const sealer = createSealer(keys.dataKeys, { blindIndexKey: keys.blindIndexKey });

  const apiKeys = createApiKeysRepository(database);
  const authenticator: Authenticator = createAuthenticator({ apiKeys, clock, logger });
  const verifications = createVerificationsRepository(database, sealer);
  const subjects = createSubjectsRepository(database, sealer);
  const jobs = createJobsRepository(database);
  // Originals are sealed before they reach the store, whichever it is (README, "Keys").
  const blobs = createSealedBlobStore(
    overrides.blobs ?? blobStores[config.blobs.store]({ ...config.blobs, root: config.blobDir }),
    sealer,
  );
  // Filled below: the handlers need the queue (to publish webhooks), the queue runs the handlers.
  const handlers: Record<string, JobHandler> = {};
  const queue = createQueue(config, {
    database,
    jobs,
    handlers,
    clock,
    ids,
    logger,
    // `metrics` is made next (it reads the queue); outcomes only arrive once jobs run.
    onOutcome: (kind, outcome) => metrics.jobOutcomes.inc({ kind, outcome }),
  });
  const metrics = createMetrics({ jobCounts: () => queue.counts() });
  // The LLM client and its prompts are built once, and only when a model may be consulted.
  const llm =
    config.llm.mode === 'off'
      ? null
      : { client: createLlmClient(llmClientOptions(config, { clock, metrics })), prompts: loadPrompts() };
  const transaction = database.transaction;
  const chainKey = config.audit.hmacKey
    ? parseChainKey(config.audit.hmacKey)
    : loadOrCreateChainKey(config.dataDir);
  const audit = createAuditRepository(database, { clock, ids, chainKey });
  const webhooks = createWebhooksRepository(database, sealer);
  const webhookSettings = config.webhooks;
  const publisher = createWebhookPublisher({ webhooks, queue, clock, ids, webhookSettings });
  const webhookTargets = createWebhookTargets({
    resolve: overrides.resolveHost ?? systemResolver,
    allowPrivateTargets: config.webhooks.allowPrivateTargets,
  });
  const eligibility = createEligibilityService({
    policy,
    evidence: verificationsEvidence(verifications),
    subjects,
    audit,
    transaction,
    clock,
    ids,
  });
  const reviewSessions = createReviewSessionsRepository(database);
  const reviews = createReviewsRepository(database);
  const approvals = createReviewApprovalsRepository(database);
  const fixtures = createFixtureStore(config.review.fixturesDir);
  // One per process: intake counts pages with it, the pipeline reads pages with it.
  const pdf = createPdfReader({
    maxPages: config.upload.maxPdfPages,
    maxPixels: config.upload.maxPixels,
    ...config.pdf,
  });
  const keyRotations = createKeyRotationsRepository(database);

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
    subjects,
    jobs,
    queue,
    blobs,
    metrics,
    transaction,
    audit,
    webhooks,
    webhookTargets,
    publisher,
    eligibility,
    reviewSessions,
    reviews,
    approvals,
    fixtures,
    pdf,
    llm,
    keyRotations,
  };
  const pipeline = (overrides.pipeline ?? createDocumentPipeline)({
    config,
    logger,
    clock,
    // The duplicate stage's "seen before" port: the verifications repository answers it.
    seenBefore: verifications,
    metrics,
    pdf,
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

  handlers[PROCESS_VERIFICATION_JOB] = createProcessVerificationHandler({
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
  });
  handlers[DELIVER_WEBHOOK_JOB] = createWebhookDeliveryHandler({
    webhooks,
    webhookTargets,
    audit,
    transaction,
    clock,
    logger: logger.child({ component: 'webhooks' }),
    webhookSettings,
  });

  const services = {
    ...base,
    pipeline,
    sweeper,
    readiness: async () => ({
      database: await probe(() => database.ping()),
      queue: await probe(async () => (await queue.counts()) !== null),
    }),
    async close() {
      await sweeper.stop();
      await queue.stop();
      await pipeline.close();
      await pdf.close();
      await database.close();
    },
  };
  return services;
}

export type Services = Awaited<ReturnType<typeof buildServices>>;

/** A readiness probe: false when the check says so or cannot run at all. */
async function probe(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}

/** The table queue in the service's own SQLite database; pg-boss when the database is PostgreSQL. */
function createQueue(
  config: Config,
  deps: {
    database: Awaited<ReturnType<typeof openDatabase>>;
    jobs: ReturnType<typeof createJobsRepository>;
    handlers: Record<string, JobHandler>;
    clock: Services['clock'];
    ids: Services['ids'];
    logger: Logger;
    onOutcome: (kind: string, outcome: JobOutcome) => void;
  },
): JobQueue {
  const logger = deps.logger.child({ component: 'jobs' });
  const common = {
    handlers: deps.handlers,
    logger,
    concurrency: config.jobs.concurrency,
    leaseMs: config.jobs.leaseMs,
    retryBaseMs: config.jobs.retryBaseMs,
    pollMs: config.jobs.pollMs,
    onOutcome: deps.onOutcome,
  };
  if (deps.database.dialect === 'postgres') {
    const { connectionString, schemaName } = parsePostgresUrl(config.databaseUrl);
    return createPgBossQueue({
      ...common,
      connectionString,
      schema: schemaName ? `${schemaName}_boss` : 'pgboss',
      database: deps.database,
      maintenanceMs: config.jobs.maintenanceMs,
    });
  }
  return createTableJobQueue({ ...common, jobs: deps.jobs, clock: deps.clock, ids: deps.ids });
}
