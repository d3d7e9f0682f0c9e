import { createRoute, z } from '@hono/zod-openapi';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses } from '../http/openapi-schemas.js';
import {
  type ApiKey,
  apiKeyView,
  DEFAULT_ROTATION_GRACE_SECONDS,
  MAX_ROTATION_GRACE_SECONDS,
  ROLES,
} from './api-keys.models.js';
import {
  issueApiKey,
  type KeyAdminDeps,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
} from './api-keys.usecases.js';

const isoOrNull = z.string().datetime().nullable();

/** A key as an admin sees it: never its secret nor its hash. */
const ApiKeySchema = z
  .object({
    id: z.string(),
    prefix: z
      .string()
      .openapi({ description: 'The first characters of the current secret, to recognise it' }),
    role: z.enum(ROLES),
    name: z.string().nullable(),
    createdAt: z.string().datetime(),
    lastUsedAt: isoOrNull.openapi({ description: 'Recorded at most once a minute' }),
    expiresAt: isoOrNull,
    revokedAt: isoOrNull,
    rotatedAt: isoOrNull,
    previousKeyExpiresAt: isoOrNull.openapi({
      description: 'Until when the secret replaced by the last rotation is still accepted',
    }),
  })
  .openapi('ApiKey');

const KeyWithSecretSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The secret: shown this once, never stored' }),
}).openapi('ApiKeyWithSecret');

const KeyIdParam = z.object({
  keyId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'keyId', in: 'path' } }),
});

export function createApiKeyRoutes(deps: KeyAdminDeps & { authenticator: Authenticator }) {
  const router = createRouter();
  const adminOnly = requireRole(deps.authenticator, 'admin');

  const list = createRoute({
    method: 'get',
    path: '/v1/admin/keys',
    operationId: 'listApiKeys',
    tags: ['admin'],
    summary: 'List the API keys, revoked and expired ones included (never their secrets)',
    middleware: [adminOnly] as const,
    responses: {
      200: {
        description: 'Every key, oldest first',
        content: { 'application/json': { schema: z.object({ keys: z.array(ApiKeySchema) }) } },
      },
      ...problemResponses(401, 403),
    },
  });
  router.openapi(list, async (c) => c.json({ keys: (await listApiKeys(deps)).map(apiKeyView) }, 200));

  const create = createRoute({
    method: 'post',
    path: '/v1/admin/keys',
    operationId: 'createApiKey',
    tags: ['admin'],
    summary: 'Create an API key (the secret is shown once)',
    middleware: [adminOnly] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({
              role: z.enum(ROLES),
              name: z.string().trim().min(1).max(100).optional(),
              expiresAt: z
                .string()
                .datetime({ offset: true })
                .optional()
                .openapi({ description: 'Past it the key no longer authenticates; must lie in the future' }),
            }),
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The new key, with its secret',
        content: { 'application/json': { schema: KeyWithSecretSchema } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const { key, secret } = await issueApiKey(
      deps,
      {
        role: body.role,
        name: body.name ?? null,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      },
      actorOfRequest(c.get('apiKey')),
    );
    return c.json({ ...apiKeyView(key), key: secret }, 201);
  });

  const revoke = createRoute({
    method: 'post',
    path: '/v1/admin/keys/{keyId}/revoke',
    operationId: 'revokeApiKey',
    tags: ['admin'],
    summary: 'Revoke a key: refused from the next request on, and its reviewer sessions end (idempotent)',
    middleware: [adminOnly] as const,
    request: { params: KeyIdParam },
    responses: {
      200: { description: 'The revoked key', content: { 'application/json': { schema: ApiKeySchema } } },
      ...problemResponses(401, 403, 404),
    },
  });
  router.openapi(revoke, async (c) => {
    const { keyId } = c.req.valid('param');
    return c.json(apiKeyView(await revokeApiKey(deps, keyId, actorOfRequest(c.get('apiKey')))), 200);
  });

  const rotate = createRoute({
    method: 'post',
    path: '/v1/admin/keys/{keyId}/rotate',
    operationId: 'rotateApiKey',
    tags: ['admin'],
    summary: 'Give a key a new secret; the old one stays valid for a grace period',
    middleware: [adminOnly] as const,
    request: {
      params: KeyIdParam,
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z.strictObject({
              gracePeriodSeconds: z
                .number()
                .int()
                .min(0)
                .max(MAX_ROTATION_GRACE_SECONDS)
                .optional()
                .openapi({
                  description: `How long the old secret is still accepted (default ${DEFAULT_ROTATION_GRACE_SECONDS}, 0: not at all)`,
                }),
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The key with its new secret (shown once)',
        content: { 'application/json': { schema: KeyWithSecretSchema } },
      },
      ...problemResponses(400, 401, 403, 404, 409),
    },
  });
  router.openapi(rotate, async (c) => {
    const { keyId } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const { key, secret } = await rotateApiKey(
      deps,
      keyId,
      { graceSeconds: body.gracePeriodSeconds },
      actorOfRequest(c.get('apiKey')),
    );
    return c.json({ ...apiKeyView(key), key: secret }, 200);
  });
  return router;
}

const actorOfRequest = (key: ApiKey) => ({ type: 'key' as const, id: key.id, role: key.role });
