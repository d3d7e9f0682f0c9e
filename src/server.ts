import fs from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ensureBootstrapAdminKey } from './auth/api-keys.usecases.js';
import type { Config } from './config.js';
import { ListenError } from './server.errors.js';
import { buildServices, type ServiceOverrides } from './services.js';

/**
 * The API. On one node (SQLite) it also runs the jobs: unfinished ones from before a crash are
 * taken again as soon as it starts (queued ones, and running ones whose lease lapsed). On
 * PostgreSQL it only enqueues, and `docverify worker` processes run the jobs.
 */
export async function startServer(config: Config, overrides: ServiceOverrides = {}) {
  const services = await buildServices(config, overrides);
  const app = createApp(services);
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code ? new ListenError(error.code, config.port, config.host) : error),
      );
    });
  } catch (error) {
    // Nothing was started yet but the services: leave nothing behind.
    await services.close();
    throw error;
  }
  // After the port is ours, so a start that cannot listen makes no key.
  const bootstrapKey = await ensureBootstrapAdminKey(services);
  if (bootstrapKey) {
    // Created once, on the very first start, so the operator can create the other keys. It goes
    // to a file only this user can read, never into the output: stdout is the JSON log stream,
    // and stderr is collected too. One plain line says where it is.
    const file = writeBootstrapKeyFile(config.dataDir, bootstrapKey);
    process.stderr.write(
      `docverify: first start: an admin API key is in ${file} (mode 0600); store it in your secret store and delete the file\n`,
    );
  }
  if (config.jobs.inApi) await services.queue.start();
  services.sweeper.start();
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

/** `DATA_DIR/secrets/bootstrap-admin.key`, readable by this user only (the folder too). */
function writeBootstrapKeyFile(dataDir: string, key: string): string {
  const file = path.join(dataDir, 'secrets', 'bootstrap-admin.key');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created: a file left from an earlier database keeps its own.
  fs.chmodSync(file, 0o600);
  return file;
}
