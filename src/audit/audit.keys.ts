import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type ChainKey, parseChainKey } from './audit.models.js';

/**
 * The audit trail's two keys as files, for the embedded default (`npm start` on a fresh clone).
 * Neither is ever written to the database: the chain key so that someone who can write the
 * database cannot re-link an edited record, the checkpoint key so that checkpoints kept elsewhere
 * cannot be forged from it. Production sets AUDIT_HMAC_KEY from a secret store and keeps the
 * checkpoint key off the database host (docs/adr/0007-keyed-audit-chain.md).
 */
export const chainKeyFile = (dataDir: string) => path.join(dataDir, 'secrets', 'audit-hmac.key');

/** The chain key of `dataDir`, made (32 random bytes, hex, mode 0600) when there is none yet. */
export function loadOrCreateChainKey(dataDir: string): ChainKey {
  return parseChainKey(
    readOrCreateSecretFile(chainKeyFile(dataDir), () => crypto.randomBytes(32).toString('hex')),
  );
}

/** The chain key of `dataDir` when its file exists; null when it does not (nothing is made). */
export function readChainKey(dataDir: string): ChainKey | null {
  const text = readIfExists(chainKeyFile(dataDir));
  return text === null ? null : parseChainKey(text);
}

/** The Ed25519 private key that signs checkpoints (PKCS#8 PEM), made when the file does not exist. */
export function loadOrCreateCheckpointKey(file: string): crypto.KeyObject {
  const pem = readOrCreateSecretFile(file, () =>
    crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  return ed25519(crypto.createPrivateKey(pem), file);
}

/**
 * The public key checkpoints are verified with: from a public key file (an auditor's copy), or
 * derived from the private key file. Null when the file does not exist.
 */
export function readCheckpointPublicKey(file: string): crypto.KeyObject | null {
  const pem = readIfExists(file);
  if (pem === null) return null;
  const key = pem.includes('PRIVATE KEY') ? crypto.createPrivateKey(pem) : crypto.createPublicKey(pem);
  return ed25519(crypto.createPublicKey(key), file);
}

function ed25519(key: crypto.KeyObject, file: string): crypto.KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 key`);
  return key;
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function readOrCreateSecretFile(file: string, make: () => string): string {
  const existing = readIfExists(file);
  if (existing !== null) return existing.trim();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const material = make();
  try {
    fs.writeFileSync(file, `${material.trim()}\n`, { mode: 0o600, flag: 'wx' });
    return material.trim();
  } catch (error) {
    // another process made it first: use theirs
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw error;
  }
}
