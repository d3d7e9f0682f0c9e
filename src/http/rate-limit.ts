import type { MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import type { AppEnv } from './app-env.js';
import { ProblemError } from './problems.js';

/**
 * Requests per API key per minute, counted in this process's memory. One node enforces it
 * exactly; behind N API nodes each allows the limit, so set it per node (or swap the store).
 * Runs after authentication: the key id is the bucket.
 */
export function perKeyRateLimit(limitPerMinute: number): MiddlewareHandler<AppEnv> {
  return rateLimiter<AppEnv>({
    windowMs: 60_000,
    limit: limitPerMinute,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => c.get('apiKey').id,
    handler: (c) => {
      const reset = c.get('rateLimit' as never) as { resetTime?: Date } | undefined;
      const seconds = reset?.resetTime
        ? Math.max(1, Math.ceil((reset.resetTime.getTime() - Date.now()) / 1000))
        : 60;
      throw new ProblemError('RATE_LIMITED', `More than ${limitPerMinute} requests a minute for this key.`, {
        retryAfterSeconds: seconds,
      });
    },
  });
}
