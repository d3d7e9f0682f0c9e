import type { Clock, IdGenerator } from '../platform/clock.js';
import { type ApiKey, generateApiKeySecret, hashApiKey, type Role } from './api-keys.models.js';
import type { ApiKeysRepository } from './api-keys.repository.js';

export async function createApiKey(
  deps: { apiKeys: ApiKeysRepository; clock: Clock; ids: IdGenerator },
  input: { role: Role; name?: string | null },
): Promise<{ key: ApiKey; secret: string }> {
  const secret = generateApiKeySecret(input.role);
  const key: ApiKey = {
    id: deps.ids('key'),
    role: input.role,
    name: input.name ?? null,
    prefix: secret.slice(0, 12),
    createdAt: deps.clock.now(),
  };
  await deps.apiKeys.insert({ ...key, keyHash: hashApiKey(secret) });
  return { key, secret };
}

export function authenticate(deps: { apiKeys: ApiKeysRepository }, secret: string): Promise<ApiKey | null> {
  return deps.apiKeys.findActiveByHash(hashApiKey(secret));
}

/** On the very first start there is no key at all: make an admin key so the operator can make the rest. */
export async function ensureBootstrapAdminKey(deps: {
  apiKeys: ApiKeysRepository;
  clock: Clock;
  ids: IdGenerator;
}): Promise<string | null> {
  if ((await deps.apiKeys.countActive()) > 0) return null;
  return (await createApiKey(deps, { role: 'admin', name: 'bootstrap' })).secret;
}
