import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Without DATA_ENCRYPTION_KEY the embedded default keeps a generated key in DATA_DIR, so
 * `npm start` works on a fresh clone. Production sets the key from a secret store instead.
 */
export function loadOrCreateKeyFile(dataDir: string): { material: string; created: boolean } {
  const file = path.join(dataDir, 'secrets', 'data-encryption.key');
  try {
    return { material: fs.readFileSync(file, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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
