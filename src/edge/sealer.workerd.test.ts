import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSealer, keyId, parseKey } from '../privacy/sealer.js';

/**
 * Sealed by the Node service (node:crypto, AES-256-GCM) with the edge tests' key: the edge must
 * open what the cluster wrote, and seal in the same format, with workerd's node:crypto.
 */
const SEALED_BY_NODE =
  'v1.XjGPjPnL.SVm_0PlQ-_6NdRLp.1wa2MfHn_tJahrqS6bVhmw.9T4DFx9YEwM6jl8wFJbzD9uN_kFE7Y6KeQ';
/** HMAC-SHA256 of 'x' under the blind index key 6c…6c, computed by the Node service. */
const BLIND_INDEX_BY_NODE = 'CusyN2bQhQtim3vCX_OAljAZ26t0bA9fia-sDYjoJbo';
/** The same under the index key installs derived from the data key before it had its own. */
const LEGACY_BLIND_INDEX_BY_NODE = 'iN4uQhSmO7aO497EJ--ym28dAnlBYi6MkwMlxXumfhU';

describe('sealer in workerd (nodejs_compat)', () => {
  const key = parseKey(env.DATA_ENCRYPTION_KEY);
  const sealer = createSealer([key]);

  it('opens a value the Node service sealed, and computes the same blind index', () => {
    expect(sealer.open(SEALED_BY_NODE)).toBe('张伟 11010519491231002X');
    const indexed = createSealer([key], { blindIndexKey: parseKey('6c'.repeat(32)) });
    expect(indexed.blindIndexCandidates('x')).toEqual([BLIND_INDEX_BY_NODE, LEGACY_BLIND_INDEX_BY_NODE]);
  });

  it('seals in the same format: v1.<key id>.<iv>.<tag>.<ciphertext>, a fresh IV each time', () => {
    const a = sealer.seal('张伟');
    const b = sealer.seal('张伟');
    expect(a).not.toBe(b);
    const [version, id, iv, tag, body] = a.split('.');
    expect([version, id]).toEqual(['v1', keyId(key)]);
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(body ?? '', 'base64url')).toHaveLength(Buffer.byteLength('张伟'));
    expect(sealer.open(a)).toBe('张伟');
  });

  it('refuses a tampered value (the GCM tag is checked)', () => {
    const [version, id, iv, tag, body] = SEALED_BY_NODE.split('.');
    const flipped = Buffer.from(body ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = [version, id, iv, tag, flipped.toString('base64url')].join('.');
    expect(() => sealer.open(tampered)).toThrow();
  });
});
