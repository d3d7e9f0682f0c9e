import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CheckpointError, readCheckpoint, type SignedCheckpoint } from './audit/audit.checkpoints.js';
import {
  chainKeyFile,
  loadOrCreateCheckpointKey,
  readChainKey,
  readCheckpointPublicKey,
} from './audit/audit.keys.js';
import { parseChainKey } from './audit/audit.models.js';
import { createAuditRepository } from './audit/audit.repository.js';
import { createCheckpoint, describeChainCheck, verifyAuditChain } from './audit/audit.usecases.js';
import { ROLES, type Role } from './auth/api-keys.models.js';
import { createApiKey } from './auth/api-keys.usecases.js';
import { runBatch } from './batch.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { describeRotation, rotateDataKey } from './keys/rotate-data-key.js';
import { randomIds, systemClock } from './platform/clock.js';
import { sweepBlobs } from './retention/retention.usecases.js';
import { startServer } from './server.js';
import { buildServices } from './services.js';

const USAGE = `Usage: docverify <command>

  serve                         serve the API (default port 8787)
  worker                        run jobs (OCR, webhooks) without serving HTTP; start one or many
  migrate                       apply database migrations
  keys create --role ROLE       create an API key (client, engine, reviewer, admin); prints only the key
  keys rotate-data-key [--dry-run] [--batch-size N] [--max-batches N]
                                seal everything again with DATA_ENCRYPTION_KEY (old keys in
                                DATA_ENCRYPTION_OLD_KEYS) and index it with the blind index key;
                                resumable, audited
  batch MANIFEST.jsonl          run each manifest line through the pipeline; one result JSON per line on stdout
  audit verify [--checkpoint FILE]... [--public-key FILE]
                                check the audit trail's keyed hash chain (and that it still holds each
                                signed checkpoint); exits 1 naming the first bad record
  audit checkpoint [--out FILE] check the chain, then print (and write) a signed checkpoint of its end
  audit public-key              print the public key that checkpoints are verified with (PEM)
  sweep                         delete originals past IMAGE_RETENTION_DAYS and stray blobs older than an hour
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const server = await startServer(config);
      const shutdown = async (signal: string) => {
        server.services.logger.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      return new Promise<number>(() => {});
    }
    case 'worker': {
      const services = await buildServices(config);
      await services.queue.start();
      services.sweeper.start();
      services.logger.info(
        { queue: services.queue.name, concurrency: config.jobs.concurrency },
        'worker started',
      );
      const shutdown = async (signal: string) => {
        // Finishes the jobs in hand; a job cut off by a harder stop is retried after its lease.
        services.logger.info({ signal, inFlight: services.queue.inFlight() }, 'worker stopping');
        await services.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      return new Promise<number>(() => {});
    }
    case 'migrate': {
      await (await openDatabase(config.databaseUrl)).close();
      process.stderr.write(`migrated ${config.databaseUrl}\n`);
      return 0;
    }
    case 'keys': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          role: { type: 'string' },
          name: { type: 'string' },
          'dry-run': { type: 'boolean' },
          'batch-size': { type: 'string' },
          'max-batches': { type: 'string' },
        },
        allowPositionals: true,
      });
      if (positionals[0] === 'rotate-data-key') {
        const batchSize = positiveInteger(values['batch-size'] ?? '500');
        const maxBatches =
          values['max-batches'] === undefined ? undefined : positiveInteger(values['max-batches']);
        if (batchSize === null || maxBatches === null) {
          process.stderr.write('keys rotate-data-key [--dry-run] [--batch-size N] [--max-batches N]\n');
          return 2;
        }
        const dryRun = values['dry-run'] ?? false;
        const services = await buildServices(config);
        try {
          const report = await rotateDataKey(services, { batchSize, maxBatches: maxBatches ?? null, dryRun });
          process.stdout.write(`${describeRotation(report, dryRun)}\n`);
        } finally {
          await services.close();
        }
        return 0;
      }
      if (positionals[0] !== 'create' || !values.role || !ROLES.includes(values.role as Role)) {
        process.stderr.write(
          `keys create --role ${ROLES.join('|')} [--name NAME] | keys rotate-data-key [--dry-run] [--batch-size N] [--max-batches N]\n`,
        );
        return 2;
      }
      const services = await buildServices(config);
      try {
        const { secret } = await createApiKey(services, {
          role: values.role as Role,
          name: values.name ?? null,
        });
        process.stdout.write(`${secret}\n`);
      } finally {
        await services.close();
      }
      return 0;
    }
    case 'audit':
      return audit(config, rest);
    case 'sweep': {
      const services = await buildServices(config);
      try {
        const result = await sweepBlobs({ ...services, retentionDays: config.retention.imageDays });
        process.stdout.write(`swept: ${result.expired} expired originals, ${result.strays} stray blobs\n`);
        return 0;
      } finally {
        await services.close();
      }
    }
    case 'batch': {
      const manifest = rest[0];
      if (!manifest) {
        process.stderr.write('batch MANIFEST.jsonl\n');
        return 2;
      }
      const manifestPath = path.resolve(manifest);
      if (!fs.existsSync(manifestPath)) {
        process.stderr.write(`no such manifest: ${manifestPath}\n`);
        return 2;
      }
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
    }
    default:
      process.stderr.write(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

const AUDIT_USAGE =
  'audit verify [--checkpoint FILE]... [--public-key FILE] | audit checkpoint [--out FILE] | audit public-key\n';

/** `docverify audit …`: the chain and its checkpoints, with the keys from config (never from the database). */
async function audit(config: Config, args: string[]): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`${message}\n`);
    return 1;
  };
  let parsed: ReturnType<typeof parseAuditArgs>;
  try {
    parsed = parseAuditArgs(args);
  } catch {
    process.stderr.write(AUDIT_USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (positionals.length !== 1 || !['verify', 'checkpoint', 'public-key'].includes(command ?? '')) {
    process.stderr.write(AUDIT_USAGE);
    return 2;
  }
  if (command === 'public-key') {
    const key = readCheckpointPublicKey(config.audit.checkpointKeyFile);
    if (!key)
      return fail(`no checkpoint key at ${config.audit.checkpointKeyFile} (AUDIT_CHECKPOINT_KEY_FILE)`);
    process.stdout.write(key.export({ type: 'spki', format: 'pem' }).toString());
    return 0;
  }
  const chainKey = config.audit.hmacKey ? parseChainKey(config.audit.hmacKey) : readChainKey(config.dataDir);
  if (!chainKey) {
    return fail(
      `no audit chain key: set AUDIT_HMAC_KEY, or run where the service keeps ${chainKeyFile(config.dataDir)}`,
    );
  }

  // Checkpoints are read and their signatures checked before the chain is walked.
  const checkpoints: SignedCheckpoint[] = [];
  if (command === 'verify' && values.checkpoint && values.checkpoint.length > 0) {
    const keyFile = values['public-key'] ?? config.audit.checkpointKeyFile;
    const publicKey = readCheckpointPublicKey(keyFile);
    if (!publicKey)
      return fail(`no checkpoint key at ${keyFile}: give --public-key FILE or AUDIT_CHECKPOINT_KEY_FILE`);
    for (const file of values.checkpoint) {
      try {
        checkpoints.push(readCheckpoint(fs.readFileSync(file, 'utf8'), publicKey));
      } catch (error) {
        if (error instanceof CheckpointError) return fail(`checkpoint ${file}: ${error.message}`);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          return fail(`checkpoint ${file}: no such file`);
        throw error;
      }
    }
  }

  const database = await openDatabase(config.databaseUrl);
  try {
    const repository = createAuditRepository(database, { clock: systemClock, ids: randomIds, chainKey });
    if (command === 'checkpoint') {
      const privateKey = loadOrCreateCheckpointKey(config.audit.checkpointKeyFile);
      const { check, checkpoint } = await createCheckpoint(
        { audit: repository, clock: systemClock },
        privateKey,
      );
      if (!checkpoint)
        return fail(`${describeChainCheck(check)}\nno checkpoint written: the chain is broken`);
      const line = `${JSON.stringify(checkpoint)}\n`;
      if (values.out) fs.writeFileSync(values.out, line, { flag: 'w' });
      process.stdout.write(line);
      return 0;
    }
    const check = await verifyAuditChain({ audit: repository }, checkpoints);
    (check.ok ? process.stdout : process.stderr).write(`${describeChainCheck(check)}\n`);
    if (check.ok) {
      for (const c of checkpoints) {
        process.stdout.write(`checkpoint of ${c.time} ok: head seq ${c.headSeq}, ${c.count} records\n`);
      }
    }
    return check.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

function parseAuditArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      checkpoint: { type: 'string', multiple: true },
      'public-key': { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
  });
}

/** A whole number above zero, or null for anything else. */
function positiveInteger(text: string): number | null {
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : null;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else
      process.stderr.write(`docverify: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  },
);
