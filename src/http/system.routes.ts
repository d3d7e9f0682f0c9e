import { Hono } from 'hono';
import type { Metrics } from '../observability/metrics.js';
import type { AppEnv } from './app-env.js';

/** Liveness, readiness and Prometheus metrics: unauthenticated, for the platform. */
export function createSystemRoutes(deps: {
  metrics: Metrics;
  ready: () => Promise<{ database: boolean; queue: boolean }>;
}) {
  const router = new Hono<AppEnv>();
  router.get('/healthz', (c) => c.json({ status: 'ok' }));
  router.get('/readyz', async (c) => {
    let checks: { database: boolean; queue: boolean };
    try {
      checks = await deps.ready();
    } catch {
      checks = { database: false, queue: false };
    }
    const ready = checks.database && checks.queue;
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  router.get('/metrics', async (c) => {
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return router;
}
