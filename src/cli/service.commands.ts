import fs from 'node:fs';
import path from 'node:path';
import { type Command, runUntilStopped, UsageError } from './command.js';

export const serviceCommands: Command[] = [
  {
    words: ['serve'],
    summary: 'Serve the API (PORT, default 8787) until SIGTERM or SIGINT; on SQLite it runs the jobs too.',
    details:
      'The first start on an empty database writes an admin API key to DATA_DIR/secrets/bootstrap-admin.key\n' +
      '(mode 0600) and says so in one line on stderr; stdout carries the JSON log.',
    async run({ config }) {
      const { startServer } = await import('../server.js');
      const server = await startServer(config);
      return runUntilStopped(async (signal) => {
        server.services.logger.info({ signal }, 'shutting down');
        await server.close();
      });
    },
  },
  {
    words: ['worker'],
    summary:
      'Run jobs (OCR, webhook deliveries) without serving HTTP, until SIGTERM or SIGINT; start one or many.',
    details: 'On a signal it takes no new job, finishes the ones in hand and exits 0.',
    async run({ config }) {
      const { buildServices } = await import('../services.js');
      const services = await buildServices(config);
      await services.queue.start();
      services.sweeper.start();
      services.logger.info(
        { queue: services.queue.name, concurrency: config.jobs.concurrency },
        'worker started',
      );
      return runUntilStopped(async (signal) => {
        // Finishes the jobs in hand; a job cut off by a harder stop is retried after its lease.
        services.logger.info({ signal, inFlight: services.queue.inFlight() }, 'worker stopping');
        await services.close();
      });
    },
  },
  {
    words: ['migrate'],
    summary: 'Apply the database migrations (DATABASE_URL) and exit.',
    async run({ config }) {
      const { openDatabase } = await import('../db/database.js');
      await (await openDatabase(config.databaseUrl)).close();
      process.stderr.write(`migrated ${config.databaseUrl}\n`);
      return 0;
    },
  },
  {
    words: ['sweep'],
    summary: 'Delete originals past IMAGE_RETENTION_DAYS and stray blobs older than an hour.',
    async run({ config }) {
      const { buildServices } = await import('../services.js');
      const { sweepBlobs } = await import('../retention/retention.usecases.js');
      const services = await buildServices(config);
      try {
        const result = await sweepBlobs({ ...services, retentionDays: config.retention.imageDays });
        process.stdout.write(`swept: ${result.expired} expired originals, ${result.strays} stray blobs\n`);
        return 0;
      } finally {
        await services.close();
      }
    },
  },
  {
    words: ['batch'],
    synopsis: 'MANIFEST.jsonl',
    summary:
      'Run each manifest line through the pipeline, in order, in this process (on any database);\n' +
      'one result JSON per line on stdout, progress on stderr. Exits 1 when a line failed.',
    positionals: { min: 1, max: 1 },
    async run({ positionals, config }) {
      const manifestPath = path.resolve(positionals[0] ?? '');
      if (!fs.existsSync(manifestPath)) throw new UsageError(`no such manifest: ${manifestPath}`);
      const { buildServices } = await import('../services.js');
      const { runBatch } = await import('../batch.js');
      const services = await buildServices(config);
      try {
        const failures = await runBatch(services, manifestPath, {
          write: (line) => process.stdout.write(`${line}\n`),
          progress: (text) => process.stderr.write(`${text}\n`),
        });
        return failures > 0 ? 1 : 0;
      } finally {
        await services.close();
      }
    },
  },
];
