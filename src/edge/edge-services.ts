import type { D1Database, R2Bucket } from '@cloudflare/workers-types/latest';
import policyDocument from '../../policies/limit-raise.v1.json';
import { parseChainKey } from '../audit/audit.models.js';
import { createAuditRepository } from '../audit/audit.repository.js';
import { createApiKeysRepository } from '../auth/api-keys.repository.js';
import { authenticate } from '../auth/api-keys.usecases.js';
import { createR2BlobStore } from '../blobs/r2-blob-store.js';
import { ConfigError, loadConfig } from '../config.js';
import { parsePolicy } from '../eligibility/eligibility.policy.js';
import { createEligibilityService } from '../eligibility/eligibility.usecases.js';
import type { Authenticator } from '../http/middleware.js';
import { type Clock, type IdGenerator, randomIds, systemClock } from '../platform/clock.js';
import { createSealer, parseKey } from '../privacy/sealer.js';
import { createReviewsRepository } from '../review/reviews.repository.js';
import { createSubjectsRepository } from '../subjects/subjects.repository.js';
import { verificationsEvidence } from '../verifications/verifications.evidence.js';
import { createVerificationsRepository } from '../verifications/verifications.repository.js';
import { openD1Database } from './d1-database.js';
import { createEdgeLogger, type LogSink } from './edge-logger.js';

/** The Worker's bindings (wrangler.toml) and its variables and secrets, as workerd hands them over. */
export interface EdgeEnv {
  DB: D1Database;
  BLOBS: R2Bucket;
  /** Secret (`wrangler secret put`): the cluster's key, so sealed names and ID numbers open here. */
  DATA_ENCRYPTION_KEY?: string;
  DATA_ENCRYPTION_OLD_KEYS?: string;
  /** Secret: the cluster's AUDIT_HMAC_KEY, so decisions recorded here link into the same chain. */
  AUDIT_HMAC_KEY?: string;
  /** The cluster's S3_PREFIX when it keeps originals in the same R2 bucket under a prefix. */
  S3_PREFIX?: string;
  REVIEW_QC_SAMPLE_ONE_IN?: string;
  LOG_LEVEL?: string;
  ELIGIBILITY_POLICY_FILE?: string;
}

export interface EdgeOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  logSink?: LogSink;
}

/**
 * The edge's composition root: the same repositories and use cases as the service (services.ts),
 * over D1 and R2. Settings are the service's own keys, parsed by the same loadConfig; only what
 * the read side uses is taken from it.
 */
export function buildEdgeServices(env: EdgeEnv, overrides: EdgeOverrides = {}) {
  const settings = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const config = loadConfig(settings);
  if (!config.encryption.key) {
    throw new ConfigError(
      'DATA_ENCRYPTION_KEY is not set: give the Worker the cluster key with `wrangler secret put DATA_ENCRYPTION_KEY` (the edge has no disk to keep a generated one).',
    );
  }
  if (!config.audit.hmacKey) {
    throw new ConfigError(
      'AUDIT_HMAC_KEY is not set: give the Worker the cluster’s audit chain key with `wrangler secret put AUDIT_HMAC_KEY` (eligibility decisions are appended to the same chain).',
    );
  }
  if (settings.ELIGIBILITY_POLICY_FILE) {
    throw new ConfigError(
      'ELIGIBILITY_POLICY_FILE cannot be read at the edge: the Worker bundles policies/limit-raise.v1.json when it is built.',
    );
  }
  const policy = parsePolicy(policyDocument, 'policies/limit-raise.v1.json');
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const logger = createEdgeLogger({
    level: config.logLevel,
    ...(overrides.logSink ? { sink: overrides.logSink } : {}),
  });

  const database = openD1Database(env.DB);
  // No blind index key: the edge only reads, and duplicate search runs where documents are read.
  const sealer = createSealer([
    parseKey(config.encryption.key),
    ...config.encryption.oldKeys.map((k) => parseKey(k)),
  ]);
  const apiKeys = createApiKeysRepository(database);
  const authenticator: Authenticator = { authenticate: (secret) => authenticate({ apiKeys }, secret) };
  const verifications = createVerificationsRepository(database, sealer);
  const subjects = createSubjectsRepository(database, sealer);
  const audit = createAuditRepository(database, {
    clock,
    ids,
    chainKey: parseChainKey(config.audit.hmacKey),
  });
  const transaction = database.transaction;
  const eligibility = createEligibilityService({
    policy,
    evidence: verificationsEvidence(verifications),
    subjects,
    audit,
    transaction,
    clock,
    ids,
  });
  const reviews = createReviewsRepository(database);
  const blobs = createR2BlobStore(env.BLOBS, { prefix: settings.S3_PREFIX ?? '' });

  return {
    logger,
    clock,
    ids,
    database,
    sealer,
    apiKeys,
    authenticator,
    verifications,
    subjects,
    audit,
    eligibility,
    reviews,
    blobs,
    settings: {
      qcSampleOneIn: config.review.qcSampleOneIn,
      perKeyPerMinute: config.admission.perKeyPerMinute,
    },
  };
}

export type EdgeServices = ReturnType<typeof buildEdgeServices>;
