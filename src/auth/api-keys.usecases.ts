import type { Logger } from 'pino';
import { type Actor, SYSTEM_ACTOR } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Authenticator } from '../http/middleware.js';
import { ProblemError } from '../http/problems.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import type { ReviewSessionsRepository } from '../review/review-sessions.repository.js';
import {
  type ApiKey,
  auditView,
  DEFAULT_ROTATION_GRACE_SECONDS,
  generateApiKeySecret,
  hashApiKey,
  isKeyUsable,
  LAST_USED_RESOLUTION_MS,
  type Role,
  secretPrefix,
} from './api-keys.models.js';
import type { ApiKeysRepository } from './api-keys.repository.js';

/** What changing a key needs: its repository, the audit trail, and one transaction for both. */
export interface KeyAdminDeps {
  apiKeys: ApiKeysRepository;
  audit: AuditRepository;
  reviewSessions: ReviewSessionsRepository;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  ids: IdGenerator;
}

export interface NewApiKey {
  role: Role;
  name?: string | null;
  /** Past it the key no longer authenticates; must lie in the future. */
  expiresAt?: Date | null;
}

/**
 * Makes and stores a key, without an audit record: for seeding databases in tests. Every key
 * the service hands out goes through issueApiKey, which records who made it.
 */
export async function createApiKey(
  deps: { apiKeys: ApiKeysRepository; clock: Clock; ids: IdGenerator },
  input: NewApiKey,
): Promise<{ key: ApiKey; secret: string }> {
  const secret = generateApiKeySecret(input.role);
  const key: ApiKey = {
    id: deps.ids('key'),
    role: input.role,
    name: input.name ?? null,
    prefix: secretPrefix(secret),
    createdAt: deps.clock.now(),
    lastUsedAt: null,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
    rotatedAt: null,
    previousKeyExpiresAt: null,
  };
  if (key.expiresAt && key.expiresAt <= key.createdAt) {
    throw new ProblemError('VALIDATION_FAILED', 'expiresAt must lie in the future.');
  }
  await deps.apiKeys.insert({ ...key, keyHash: hashApiKey(secret) });
  return { key, secret };
}

/** Creates a key and its audit record in one transaction; the secret is returned once, never stored. */
export function issueApiKey(
  deps: Omit<KeyAdminDeps, 'reviewSessions'>,
  input: NewApiKey,
  actor: Actor,
): Promise<{ key: ApiKey; secret: string }> {
  return deps.transaction(async () => {
    const created = await createApiKey(deps, input);
    await appendKeyRecord(deps, 'api_key.created', null, created.key, actor);
    return created;
  });
}

export function listApiKeys(deps: { apiKeys: ApiKeysRepository }): Promise<ApiKey[]> {
  return deps.apiKeys.list();
}

/**
 * Revokes a key: the next request with it is refused, and its reviewer sessions end now.
 * Revoking a revoked key changes nothing and writes no second record.
 */
export function revokeApiKey(deps: KeyAdminDeps, keyId: string, actor: Actor): Promise<ApiKey> {
  return deps.transaction(async () => {
    const before = await existingKey(deps, keyId);
    if (before.revokedAt) return before;
    await deps.apiKeys.revoke(keyId, deps.clock.now());
    await deps.reviewSessions.deleteByKey(keyId);
    const after = await existingKey(deps, keyId);
    await appendKeyRecord(deps, 'api_key.revoked', before, after, actor);
    return after;
  });
}

/**
 * Gives a usable key a new secret (same id, role and name). The old secret stays valid for
 * `graceSeconds` so clients can switch over; 0 ends it at once. A secret left from an earlier
 * rotation is dropped.
 */
export function rotateApiKey(
  deps: KeyAdminDeps,
  keyId: string,
  options: { graceSeconds?: number },
  actor: Actor,
): Promise<{ key: ApiKey; secret: string }> {
  return deps.transaction(async () => {
    const before = await existingKey(deps, keyId);
    const now = deps.clock.now();
    if (!isKeyUsable(before, now)) {
      throw new ProblemError('API_KEY_INACTIVE', `Key ${keyId} is revoked or expired; create a new one.`);
    }
    const secret = generateApiKeySecret(before.role);
    const graceMs = (options.graceSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS) * 1000;
    const rotated = await deps.apiKeys.rotate(keyId, {
      keyHash: hashApiKey(secret),
      prefix: secretPrefix(secret),
      at: now,
      previousKeyExpiresAt: new Date(now.getTime() + graceMs),
    });
    if (!rotated) throw new ProblemError('API_KEY_INACTIVE', `Key ${keyId} changed meanwhile; try again.`);
    const after = await existingKey(deps, keyId);
    await appendKeyRecord(deps, 'api_key.rotated', before, after, actor);
    return { key: after, secret };
  });
}

/**
 * The authenticator of the service: a usable key (or a rotated-out secret in its grace period),
 * with its use recorded at most once a minute per key, so authenticating is nearly always a read.
 */
export function createAuthenticator(deps: {
  apiKeys: ApiKeysRepository;
  clock: Clock;
  logger: Logger;
}): Authenticator {
  const lastWritten = new Map<string, number>();
  return {
    async authenticate(secret) {
      const now = deps.clock.now();
      const key = await deps.apiKeys.findUsableByHash(hashApiKey(secret), now);
      if (!key) return null;
      const written = lastWritten.get(key.id);
      if (written === undefined || now.getTime() - written >= LAST_USED_RESOLUTION_MS) {
        lastWritten.set(key.id, now.getTime());
        try {
          // Conditional in the database too, for the other processes using the same key.
          await deps.apiKeys.touchLastUsed(key.id, now, LAST_USED_RESOLUTION_MS);
        } catch (error) {
          // A missed "last used" is no reason to refuse the request.
          deps.logger.warn({ err: error, keyId: key.id }, 'could not record the API key use');
        }
      }
      return key;
    },
  };
}

/** Looks a key up without recording a use (the edge's read side, which writes nothing). */
export function authenticate(
  deps: { apiKeys: ApiKeysRepository; clock?: Clock },
  secret: string,
): Promise<ApiKey | null> {
  return deps.apiKeys.findUsableByHash(hashApiKey(secret), deps.clock?.now() ?? new Date());
}

/** On the very first start there is no key at all: make an admin key so the operator can make the rest. */
export async function ensureBootstrapAdminKey(
  deps: Omit<KeyAdminDeps, 'reviewSessions'>,
): Promise<string | null> {
  if ((await deps.apiKeys.countActive()) > 0) return null;
  return (await issueApiKey(deps, { role: 'admin', name: 'bootstrap' }, SYSTEM_ACTOR)).secret;
}

async function existingKey(deps: { apiKeys: ApiKeysRepository }, keyId: string): Promise<ApiKey> {
  const key = await deps.apiKeys.findById(keyId);
  if (!key) throw new ProblemError('NOT_FOUND', `No API key ${keyId}.`);
  return key;
}

function appendKeyRecord(
  deps: { audit: AuditRepository },
  action: 'api_key.created' | 'api_key.revoked' | 'api_key.rotated',
  before: ApiKey | null,
  after: ApiKey,
  actor: Actor,
) {
  return deps.audit.append({
    entityType: 'api_key',
    entityId: after.id,
    subjectId: '',
    action,
    actor,
    before: before && auditView(before),
    after: auditView(after),
  });
}
