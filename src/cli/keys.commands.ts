import { SYSTEM_ACTOR } from '../audit/audit.models.js';
import {
  type ApiKey,
  apiKeyView,
  DEFAULT_ROTATION_GRACE_SECONDS,
  isKeyUsable,
  MAX_ROTATION_GRACE_SECONDS,
  ROLES,
  type Role,
} from '../auth/api-keys.models.js';
import { issueApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../auth/api-keys.usecases.js';
import type { Config } from '../config.js';
import type { Services } from '../services.js';
import { type Command, durationSeconds, positiveInteger, stringOption, UsageError } from './command.js';

/** Builds the services for one command and closes them after, whatever happens. */
async function withServices<T>(config: Config, fn: (services: Services) => Promise<T>): Promise<T> {
  const { buildServices } = await import('../services.js');
  const services = await buildServices(config);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

/** A key's state in one word, for the list. */
function stateOf(key: ApiKey, now: Date): string {
  if (key.revokedAt) return 'revoked';
  if (!isKeyUsable(key, now)) return 'expired';
  if (key.previousKeyExpiresAt && key.previousKeyExpiresAt > now) return 'rotating';
  return 'active';
}

function keyTable(keys: ApiKey[], now: Date): string {
  const day = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-');
  const rows = [
    ['ID', 'ROLE', 'NAME', 'PREFIX', 'STATE', 'CREATED', 'LAST USED', 'EXPIRES'],
    ...keys.map((k) => [
      k.id,
      k.role,
      k.name ?? '-',
      k.prefix,
      stateOf(k, now),
      day(k.createdAt),
      day(k.lastUsedAt),
      day(k.expiresAt),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function futureDate(text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()))
    throw new UsageError(`--expires-at: not an ISO 8601 date: ${text}`);
  return date;
}

export const keysCommands: Command[] = [
  {
    words: ['keys', 'list'],
    synopsis: '[--json]',
    summary: 'List the API keys (revoked and expired ones too), never their secrets.',
    details: '  --json   one JSON document, the shape GET /v1/admin/keys answers',
    options: { json: { type: 'boolean' } },
    async run({ values, config }) {
      const keys = await withServices(config, (services) => listApiKeys(services));
      process.stdout.write(
        values.json
          ? `${JSON.stringify({ keys: keys.map(apiKeyView) })}\n`
          : `${keyTable(keys, new Date())}\n`,
      );
      return 0;
    },
  },
  {
    words: ['keys', 'create'],
    synopsis: `--role ${ROLES.join('|')} [--name NAME] [--expires-at DATE]`,
    summary: 'Create an API key; prints only the secret, once (it is never stored).',
    details:
      '  --role ROLE          what the key may do\n' +
      '  --name NAME          a label for lists\n' +
      '  --expires-at DATE    ISO 8601 (e.g. 2027-01-31T00:00:00Z); past it the key no longer works',
    options: { role: { type: 'string' }, name: { type: 'string' }, 'expires-at': { type: 'string' } },
    async run({ values, config }) {
      const role = stringOption(values, 'role');
      if (!role || !ROLES.includes(role as Role))
        throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const expiresAt = stringOption(values, 'expires-at');
      const { secret } = await withServices(config, (services) =>
        issueApiKey(
          services,
          {
            role: role as Role,
            name: stringOption(values, 'name') ?? null,
            expiresAt: expiresAt === undefined ? null : futureDate(expiresAt),
          },
          SYSTEM_ACTOR,
        ),
      );
      process.stdout.write(`${secret}\n`);
      return 0;
    },
  },
  {
    words: ['keys', 'revoke'],
    synopsis: 'KEY_ID',
    summary: 'Revoke a key: refused from the next request on; its reviewer sessions end. Audited.',
    positionals: { min: 1, max: 1 },
    async run({ positionals, config }) {
      const key = await withServices(config, (services) =>
        revokeApiKey(services, positionals[0] ?? '', SYSTEM_ACTOR),
      );
      process.stdout.write(`revoked ${key.id} (${key.prefix}…) at ${key.revokedAt?.toISOString()}\n`);
      return 0;
    },
  },
  {
    words: ['keys', 'rotate'],
    synopsis: 'KEY_ID [--grace-period DURATION]',
    summary: 'Give a key a new secret; prints only the new secret. Audited.',
    details:
      `  --grace-period DURATION   how long the old secret still works: 0, 90s, 30m, 24h, 7d\n` +
      `                            (default ${DEFAULT_ROTATION_GRACE_SECONDS / 3600}h, at most ${MAX_ROTATION_GRACE_SECONDS / 86_400}d)`,
    options: { 'grace-period': { type: 'string' } },
    positionals: { min: 1, max: 1 },
    async run({ values, positionals, config }) {
      const text = stringOption(values, 'grace-period');
      const graceSeconds = text === undefined ? undefined : durationSeconds(text);
      if (graceSeconds === null || (graceSeconds ?? 0) > MAX_ROTATION_GRACE_SECONDS)
        throw new UsageError(`--grace-period: give 0 up to 30d, e.g. 24h: ${text}`);
      const { key, secret } = await withServices(config, (services) =>
        rotateApiKey(services, positionals[0] ?? '', { graceSeconds }, SYSTEM_ACTOR),
      );
      process.stdout.write(`${secret}\n`);
      process.stderr.write(
        `the old secret of ${key.id} works until ${key.previousKeyExpiresAt?.toISOString()}\n`,
      );
      return 0;
    },
  },
  {
    words: ['keys', 'rotate-data-key'],
    synopsis: '[--dry-run] [--batch-size N] [--max-batches N]',
    summary:
      'Seal everything again with DATA_ENCRYPTION_KEY (old keys in DATA_ENCRYPTION_OLD_KEYS) and\n' +
      'index it with the blind index key; resumable, audited.',
    details:
      '  --dry-run          count what would change, change nothing\n' +
      '  --batch-size N     rows per transaction (default 500)\n' +
      '  --max-batches N    stop after N batches; run again to resume',
    options: {
      'dry-run': { type: 'boolean' },
      'batch-size': { type: 'string' },
      'max-batches': { type: 'string' },
    },
    async run({ values, config }) {
      const batchSize = positiveInteger(stringOption(values, 'batch-size') ?? '500');
      const maxText = stringOption(values, 'max-batches');
      const maxBatches = maxText === undefined ? undefined : positiveInteger(maxText);
      if (batchSize === null || maxBatches === null)
        throw new UsageError('--batch-size and --max-batches take a whole number above zero');
      const dryRun = values['dry-run'] === true;
      const { describeRotation, rotateDataKey } = await import('../keys/rotate-data-key.js');
      const report = await withServices(config, (services) =>
        rotateDataKey(services, { batchSize, maxBatches: maxBatches ?? null, dryRun }),
      );
      process.stdout.write(`${describeRotation(report, dryRun)}\n`);
      return 0;
    },
  },
];
