import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ensureBootstrapAdminKey } from './auth/api-keys.usecases.js';
import type { Config } from './config.js';
import { buildServices, type ServiceOverrides } from './services.js';

/**
 * The API. On one node (SQLite) it also runs the jobs: unfinished ones from before a crash are
 * taken again as soon as it starts (queued ones, and running ones whose lease lapsed). On
 * PostgreSQL it only enqueues, and `docverify worker` processes run the jobs.
 */
export async function startServer(config: Config, overrides: ServiceOverrides = {}) {
  const services = await buildServices(config, overrides);
  const bootstrapKey = await ensureBootstrapAdminKey(services);
  if (bootstrapKey) {
    // Printed once, on the very first start, so the operator can create the other keys.
    process.stdout.write(
      `\nFirst start: created an admin API key. It is shown only this once:\n\n  ${bootstrapKey}\n\n` +
        'Create client and engine keys with `npx docverify keys create --role client`.\n\n',
    );
  }
  const app = createApp(services);
  if (config.jobs.inApi) await services.queue.start();
  services.sweeper.start();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  services.logger.info({ port, dataDir: config.dataDir }, 'docverify listening');
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    })();
    return closing;
  };
  return { app, services, server, port, close };
}
