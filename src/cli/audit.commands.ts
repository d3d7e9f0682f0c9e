import fs from 'node:fs';
import { CheckpointError, readCheckpoint, type SignedCheckpoint } from '../audit/audit.checkpoints.js';
import {
  chainKeyFile,
  loadOrCreateCheckpointKey,
  readChainKey,
  readCheckpointPublicKey,
} from '../audit/audit.keys.js';
import { type ChainKey, parseChainKey } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Config } from '../config.js';
import { randomIds, systemClock } from '../platform/clock.js';
import { type Command, stringOption } from './command.js';

/** A failure the operator can act on: one line on stderr, exit 1. */
function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

/** The chain key from config (never from the database), or null with the reason already printed. */
function chainKeyOf(config: Config): ChainKey | null {
  const key = config.audit.hmacKey ? parseChainKey(config.audit.hmacKey) : readChainKey(config.dataDir);
  if (!key) {
    fail(
      `no audit chain key: set AUDIT_HMAC_KEY, or run where the service keeps ${chainKeyFile(config.dataDir)}`,
    );
  }
  return key;
}

/** Opens the database for the audit repository, runs `fn`, closes it. */
async function withAudit(
  config: Config,
  chainKey: ChainKey,
  fn: (audit: AuditRepository, usecases: typeof import('../audit/audit.usecases.js')) => Promise<number>,
): Promise<number> {
  const { openDatabase } = await import('../db/database.js');
  const { createAuditRepository } = await import('../audit/audit.repository.js');
  const usecases = await import('../audit/audit.usecases.js');
  const database = await openDatabase(config.databaseUrl);
  try {
    return await fn(
      createAuditRepository(database, { clock: systemClock, ids: randomIds, chainKey }),
      usecases,
    );
  } finally {
    await database.close();
  }
}

export const auditCommands: Command[] = [
  {
    words: ['audit', 'verify'],
    synopsis: '[--checkpoint FILE]... [--public-key FILE]',
    summary:
      "Check the audit trail's keyed hash chain (and that it still holds each signed checkpoint);\n" +
      'exits 1 naming the first bad record.',
    details:
      '  --checkpoint FILE   a checkpoint written by `audit checkpoint` (repeatable)\n' +
      '  --public-key FILE   the key checkpoints are verified with (default AUDIT_CHECKPOINT_KEY_FILE)',
    options: { checkpoint: { type: 'string', multiple: true }, 'public-key': { type: 'string' } },
    async run({ values, config }) {
      const chainKey = chainKeyOf(config);
      if (!chainKey) return 1;
      // Checkpoints are read and their signatures checked before the chain is walked.
      const checkpoints: SignedCheckpoint[] = [];
      const files = (values.checkpoint as string[] | undefined) ?? [];
      if (files.length > 0) {
        const keyFile = stringOption(values, 'public-key') ?? config.audit.checkpointKeyFile;
        const publicKey = readCheckpointPublicKey(keyFile);
        if (!publicKey)
          return fail(`no checkpoint key at ${keyFile}: give --public-key FILE or AUDIT_CHECKPOINT_KEY_FILE`);
        for (const file of files) {
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
      return withAudit(config, chainKey, async (audit, { describeChainCheck, verifyAuditChain }) => {
        const check = await verifyAuditChain({ audit }, checkpoints);
        (check.ok ? process.stdout : process.stderr).write(`${describeChainCheck(check)}\n`);
        if (check.ok) {
          for (const c of checkpoints) {
            process.stdout.write(`checkpoint of ${c.time} ok: head seq ${c.headSeq}, ${c.count} records\n`);
          }
        }
        return check.ok ? 0 : 1;
      });
    },
  },
  {
    words: ['audit', 'checkpoint'],
    synopsis: '[--out FILE]',
    summary: 'Check the chain, then print (and with --out write) a signed checkpoint of its end.',
    options: { out: { type: 'string' } },
    async run({ values, config }) {
      const chainKey = chainKeyOf(config);
      if (!chainKey) return 1;
      return withAudit(config, chainKey, async (audit, { createCheckpoint, describeChainCheck }) => {
        const privateKey = loadOrCreateCheckpointKey(config.audit.checkpointKeyFile);
        const { check, checkpoint } = await createCheckpoint({ audit, clock: systemClock }, privateKey);
        if (!checkpoint)
          return fail(`${describeChainCheck(check)}\nno checkpoint written: the chain is broken`);
        const line = `${JSON.stringify(checkpoint)}\n`;
        const out = stringOption(values, 'out');
        if (out) fs.writeFileSync(out, line, { flag: 'w' });
        process.stdout.write(line);
        return 0;
      });
    },
  },
  {
    words: ['audit', 'public-key'],
    summary: 'Print the public key that checkpoints are verified with (PEM).',
    async run({ config }) {
      const key = readCheckpointPublicKey(config.audit.checkpointKeyFile);
      if (!key)
        return fail(`no checkpoint key at ${config.audit.checkpointKeyFile} (AUDIT_CHECKPOINT_KEY_FILE)`);
      process.stdout.write(key.export({ type: 'spki', format: 'pem' }).toString());
      return 0;
    },
  },
];
