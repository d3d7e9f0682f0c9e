import { applyD1Migrations, env, SELF } from 'cloudflare:test';
import { seedVerification } from '../../test/support/seed.js';
import type { Role } from '../auth/api-keys.models.js';
import { createApiKey } from '../auth/api-keys.usecases.js';
import { createSealer, parseKey } from '../privacy/sealer.js';
import type { Services } from '../services.js';
import { createSubjectsRepository } from '../subjects/subjects.repository.js';
import { createVerificationsRepository } from '../verifications/verifications.repository.js';
import { buildEdgeServices, type EdgeServices } from './edge-services.js';

export type Caller = 'client' | 'client2' | 'engine' | 'reviewer' | 'admin';

export interface EdgeTestContext {
  services: EdgeServices;
  keys: Record<Caller, { id: string; secret: string }>;
  /** A subject id no other test uses (the local D1 lives as long as the test file). */
  subject(label: string): string;
  seed(input: Parameters<typeof seedVerification>[1]): Promise<string>;
}

const ROLE_OF: Record<Caller, Role> = {
  client: 'client',
  client2: 'client',
  engine: 'engine',
  reviewer: 'reviewer',
  admin: 'admin',
};

/**
 * The local D1 with the committed migrations, the edge's own services over it, and one API key per
 * caller, made through the same repositories and use cases as the Node service.
 */
export async function setUpEdge(): Promise<EdgeTestContext> {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  const services = buildEdgeServices(env);
  const keys = {} as EdgeTestContext['keys'];
  for (const caller of Object.keys(ROLE_OF) as Caller[]) {
    const { key, secret } = await createApiKey(services, { role: ROLE_OF[caller], name: caller });
    keys[caller] = { id: key.id, secret };
  }
  const clusterSealer = createSealer([parseKey(env.DATA_ENCRYPTION_KEY)], {
    blindIndexKey: parseKey('6c'.repeat(32)),
  });
  const clusterVerifications = createVerificationsRepository(services.database, clusterSealer);
  const clusterSubjects = createSubjectsRepository(services.database, clusterSealer);
  let n = 0;
  const run = crypto.randomUUID().slice(0, 8);
  return {
    services,
    keys,
    subject: (label) => `${label}-${run}-${++n}`,
    // The shared seed writes through `subjects.claim`/`.registerIdentity` and
    // `verifications.insert`/`.complete`, as an upload and the job runner do; of the services it
    // reads only those and the clock and ids, which the edge has too. It writes as the cluster
    // does, blind indexes included: the edge itself has no index key.
    seed: (input) =>
      seedVerification(
        {
          ...services,
          verifications: clusterVerifications,
          subjects: clusterSubjects,
        } as unknown as Services,
        input,
      ),
  };
}

/** Calls the Worker of wrangler.toml over HTTP, as a client on the internet would. */
export function call(
  path: string,
  options: { key?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return SELF.fetch(`https://edge.docverify.test${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
  });
}
