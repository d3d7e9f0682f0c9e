import crypto from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { ApiKey, Role } from '../auth/api-keys.models.js';
import { roleAllows } from '../auth/api-keys.models.js';
import type { Metrics } from '../observability/metrics.js';
import type { AppEnv } from './app-env.js';
import { ProblemError } from './problems.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Request id (from X-Request-Id when well-formed), a child logger, an access log line and metrics.
 * Every answer carries the id in X-Request-Id, problem answers (built apart from the handler's
 * context, src/http/errors.ts) and unknown routes included: it is the `requestId` of a problem body.
 */
export function requestContext(deps: { logger: Logger; metrics: Metrics }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const logger = deps.logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('logger', logger);
    const started = performance.now();
    try {
      await next();
      c.header('X-Request-Id', requestId);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = routePath(c) || 'unmatched';
      deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
      deps.metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
      logger.info(
        {
          method: c.req.method,
          path: c.req.path,
          route,
          status: c.res.status,
          ms: Math.round(seconds * 1000),
        },
        'request',
      );
    }
  };
}

/**
 * Every /v1 answer may carry personal data (names, ID numbers, verdicts): no cache may keep it,
 * and no browser may sniff it into something it would render or run. Set after the handler, so
 * problem answers get them too.
 */
export const apiResponseHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
};

export interface Authenticator {
  authenticate(secret: string): Promise<ApiKey | null>;
}

/** Bearer API key with one of the roles (admin passes every check): 401 without a valid key, 403 with the wrong role. */
export function requireRole(authenticator: Authenticator, ...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = await authenticatedKey(c, authenticator);
    if (!roleAllows(key.role, roles)) {
      throw new ProblemError('FORBIDDEN', `This endpoint needs the ${roles.join(' or ')} role.`);
    }
    c.set('apiKey', key);
    await next();
  };
}

/** RFC 6750 §3: the challenge of a 401, with `invalid_token` when a bearer token was sent and refused. */
export function bearerChallenge(authorization: string | undefined): string {
  const sentToken = /^Bearer\s+\S+$/i.test(authorization ?? '');
  return sentToken ? 'Bearer realm="docverify", error="invalid_token"' : 'Bearer realm="docverify"';
}

async function authenticatedKey(c: Context<AppEnv>, authenticator: Authenticator): Promise<ApiKey> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new ProblemError('UNAUTHORIZED', 'Send "Authorization: Bearer <api key>".');
  const key = await authenticator.authenticate(match[1]);
  if (!key) throw new ProblemError('UNAUTHORIZED', 'The API key is not valid.');
  return key;
}
