import { createRoute, z } from '@hono/zod-openapi';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses } from '../http/openapi-schemas.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import { ROLES } from './api-keys.models.js';
import type { ApiKeysRepository } from './api-keys.repository.js';
import { createApiKey } from './api-keys.usecases.js';

export function createApiKeyRoutes(deps: {
  authenticator: Authenticator;
  apiKeys: ApiKeysRepository;
  clock: Clock;
  ids: IdGenerator;
}) {
  const router = createRouter();
  const create = createRoute({
    method: 'post',
    path: '/v1/admin/keys',
    operationId: 'createApiKey',
    tags: ['admin'],
    summary: 'Create an API key (the secret is shown once)',
    middleware: [requireRole(deps.authenticator, 'admin')] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({
              role: z.enum(ROLES),
              name: z.string().trim().min(1).max(100).optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The new key',
        content: {
          'application/json': {
            schema: z.object({
              id: z.string(),
              role: z.enum(ROLES),
              name: z.string().nullable(),
              key: z.string(),
            }),
          },
        },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const { key, secret } = await createApiKey(deps, { role: body.role, name: body.name ?? null });
    return c.json({ id: key.id, role: key.role, name: key.name, key: secret }, 201);
  });
  return router;
}
