import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError } from '../config.js';
import { parseKey } from './sealer.js';

/** Where a key lives: given in the environment, or in a file (which may be generated when missing). */
export interface KeySource {
  /** The key material itself (DATA_ENCRYPTION_KEY, BLIND_INDEX_KEY), or null to read `file`. */
  material: string | null;
  file: string;
  /** Generate the file when it is missing: only for the default location (the two-command quickstart). */
  createIfMissing: boolean;
  /** The setting an operator fixes when the key is missing or bad, for the error message. */
  setting: string;
}

/**
 * Without a configured key the embedded default keeps a generated one in a file, so `npm start`
 * works on a fresh clone. A key file an operator named must exist: generating a fresh key where a
 * secret volume failed to mount would seal new data under a key nobody keeps, and, for the blind
 * index, silently stop finding duplicates.
 */
export function loadKey(source: KeySource): { key: Buffer; file: string | null; created: boolean } {
  if (source.material !== null)
    return { key: parseKey(source.material, source.setting), file: null, created: false };
  const existing = readKeyFile(source.file);
  if (existing !== null) return { key: parseKey(existing, source.file), file: source.file, created: false };
  if (!source.createIfMissing) {
    throw new ConfigError(
      `${source.setting} is not set and there is no key file at ${source.file}: set ${source.setting} (32 bytes, \`openssl rand -hex 32\`), the same on every process, or write it to that file (mode 0600).`,
    );
  }
  const { material, created } = createKeyFile(source.file);
  return { key: parseKey(material, source.file), file: source.file, created };
}

/**
 * The data key (with the earlier ones, for reading) and the blind index key, as configured. Also
 * names the key files that sit inside DATA_DIR, where a copy of the data would carry its keys.
 */
export function loadKeys(config: Pick<Config, 'encryption' | 'dataDir'>) {
  const { encryption } = config;
  const dataKey = loadKey({
    material: encryption.key,
    file: encryption.keyFile,
    createIfMissing: encryption.createKeyFile,
    setting: 'DATA_ENCRYPTION_KEY',
  });
  const blindIndexKey = loadKey({
    material: encryption.blindIndexKey,
    file: encryption.blindIndexKeyFile,
    createIfMissing: encryption.createBlindIndexKeyFile,
    setting: 'BLIND_INDEX_KEY',
  });
  return {
    dataKeys: [dataKey.key, ...encryption.oldKeys.map((k) => parseKey(k, 'DATA_ENCRYPTION_OLD_KEYS'))],
    blindIndexKey: blindIndexKey.key,
    filesInsideDataDir: [dataKey.file, blindIndexKey.file].filter(
      (file): file is string => file !== null && isInside(file, config.dataDir),
    ),
  };
}

function readKeyFile(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function createKeyFile(file: string): { material: string; created: boolean } {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const material = crypto.randomBytes(32).toString('hex');
  try {
    fs.writeFileSync(file, `${material}\n`, { mode: 0o600, flag: 'wx' });
    return { material, created: true };
  } catch (error) {
    // another process created it first: use theirs
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return { material: fs.readFileSync(file, 'utf8').trim(), created: false };
    }
    throw error;
  }
}

/** Whether `file` lies inside `folder` (a copy of that folder then carries the key with the data). */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
