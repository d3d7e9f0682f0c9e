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
  /** Keyed hash (HMAC-SHA256) for equality search over sealed values. */
  blindIndex(value: string): string;
}

export interface SealerKey {
  id: string;
  key: Buffer;
}

export function parseKey(material: string): Buffer {
  const trimmed = material.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('DATA_ENCRYPTION_KEY must be 32 bytes (64 hex chars or base64)');
  return key;
}

export function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/** `keys[0]` seals; every key opens. */
export function createSealer(keys: Buffer[]): Sealer {
  const [current] = keys;
  if (!current) throw new Error('createSealer needs at least one key');
  const ring = new Map(keys.map((k) => [keyId(k), k]));
  const currentId = keyId(current);
  const indexKey = crypto.createHmac('sha256', current).update('docverify blind index v1').digest();

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
  const open = (sealed: string) => {
    const [version, id, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !id || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const key = ring.get(id);
    if (!key) throw new Error(`no key ${id} in the key ring`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  };
  return {
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
    blindIndex: (value) => crypto.createHmac('sha256', indexKey).update(value).digest('base64url'),
  };
}
