import crypto from 'node:crypto';

/**
 * Encrypts personal data at rest with AES-256-GCM. A sealed value is
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts), so keys can rotate: new data is sealed
 * with the current key, and old data opens with any key still in the ring.
 */
export interface Sealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
  sealJson(value: unknown): string;
  openJson<T>(sealed: string): T;
  /** Id of the key that seals now (`keys[0]`). */
  readonly currentKeyId: string;
  /** Id of the key a value was sealed with; throws for anything that is not a sealed value. */
  keyIdOf(sealed: string): string;
  /**
   * Keyed hash (HMAC-SHA256) for equality search over sealed values. Its key is the blind index
   * key, never the data key, so rotating the data key leaves every stored hash valid.
   */
  blindIndex(value: string): string;
  /**
   * Every hash a stored row may hold for `value`: `blindIndex(value)`, then the values that
   * installs made before the blind index had its own key (derived from each data key in the
   * ring), so rows not yet re-indexed by `docverify keys rotate-data-key` are still found.
   */
  blindIndexCandidates(value: string): string[];
  /** Id of the blind index key (null without one): a rotation records which key its hashes used. */
  readonly blindIndexKeyId: string | null;
}

export interface SealerKey {
  id: string;
  key: Buffer;
}

export function parseKey(material: string, name = 'DATA_ENCRYPTION_KEY'): Buffer {
  const trimmed = material.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes (64 hex chars or base64)`);
  return key;
}

export function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/** How blind indexes were keyed before they had a key of their own: derived from the data key. */
function legacyIndexKey(dataKey: Buffer): Buffer {
  return crypto.createHmac('sha256', dataKey).update('docverify blind index v1').digest();
}

const hmac = (key: Buffer, value: string) =>
  crypto.createHmac('sha256', key).update(value).digest('base64url');

/**
 * `keys[0]` seals; every key opens. `blindIndexKey` keys the blind index; without one (the edge
 * Worker, which only reads) `blindIndex` throws.
 */
export function createSealer(keys: Buffer[], options: { blindIndexKey?: Buffer | null } = {}): Sealer {
  const [current] = keys;
  if (!current) throw new Error('createSealer needs at least one key');
  const ring = new Map(keys.map((k) => [keyId(k), k]));
  const currentId = keyId(current);
  const indexKey = options.blindIndexKey ?? null;
  const legacyIndexKeys = keys.map(legacyIndexKey);

  const seal = (plaintext: string) => {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', current, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      currentId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  };
  const parts = (sealed: string) => {
    const [version, id, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !id || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    return { id, iv, tag, body };
  };
  const open = (sealed: string) => {
    const { id, iv, tag, body } = parts(sealed);
    const key = ring.get(id);
    if (!key) throw new Error(`no key ${id} in the key ring`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  };
  const blindIndex = (value: string) => {
    if (!indexKey) throw new Error('no blind index key: this sealer only opens and seals');
    return hmac(indexKey, value);
  };
  return {
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
    currentKeyId: currentId,
    keyIdOf: (sealed) => parts(sealed).id,
    blindIndex,
    blindIndexKeyId: indexKey ? keyId(indexKey) : null,
    blindIndexCandidates: (value) => [
      ...new Set([blindIndex(value), ...legacyIndexKeys.map((k) => hmac(k, value))]),
    ],
  };
}
