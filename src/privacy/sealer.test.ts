import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer, parseKey } from './sealer.js';

describe('sealer', () => {
  const keyA = crypto.randomBytes(32);
  const keyB = crypto.randomBytes(32);

  it('round-trips text and JSON, with a fresh IV every time', () => {
    const sealer = createSealer([keyA]);
    const a = sealer.seal('张伟 11010519491231002X');
    const b = sealer.seal('张伟 11010519491231002X');
    expect(a).not.toBe(b);
    expect(a).not.toContain('张伟');
    expect(sealer.open(a)).toBe('张伟 11010519491231002X');
    expect(sealer.openJson(sealer.sealJson({ name: '张伟' }))).toEqual({ name: '张伟' });
  });

  it('detects tampering', () => {
    const sealer = createSealer([keyA]);
    const sealed = sealer.seal('secret');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => sealer.open(parts.join('.'))).toThrow();
  });

  it('rotates: new data is sealed with the new key, old data still opens', () => {
    const old = createSealer([keyA]).seal('before rotation');
    const rotated = createSealer([keyB, keyA]);
    expect(rotated.open(old)).toBe('before rotation');
    const fresh = rotated.seal('after rotation');
    expect(() => createSealer([keyA]).open(fresh)).toThrow(/no key/);
  });

  it('blind index is keyed by the blind index key alone: a data key rotation leaves it unchanged', () => {
    const indexKey = crypto.randomBytes(32);
    const before = createSealer([keyA], { blindIndexKey: indexKey });
    const rotated = createSealer([keyB, keyA], { blindIndexKey: indexKey });
    expect(rotated.blindIndex('x')).toBe(before.blindIndex('x'));
    expect(before.blindIndex('x')).not.toBe(createSealer([keyA], { blindIndexKey: keyB }).blindIndex('x'));
    expect(() => createSealer([keyA]).blindIndex('x')).toThrow(/no blind index key/);
  });

  it('blind index candidates also find rows indexed before the index had its own key', () => {
    const legacy = crypto
      .createHmac('sha256', crypto.createHmac('sha256', keyA).update('docverify blind index v1').digest())
      .update('x')
      .digest('base64url');
    const rotated = createSealer([keyB, keyA], { blindIndexKey: crypto.randomBytes(32) });
    expect(rotated.blindIndexCandidates('x')).toEqual(
      expect.arrayContaining([rotated.blindIndex('x'), legacy]),
    );
    // Once the old data key is gone, so are its candidates: the rotation must have indexed the rows again.
    expect(createSealer([keyB], { blindIndexKey: keyA }).blindIndexCandidates('x')).not.toContain(legacy);
  });

  it('accepts hex or base64 32-byte keys only', () => {
    expect(parseKey(keyA.toString('hex'))).toEqual(keyA);
    expect(parseKey(keyA.toString('base64'))).toEqual(keyA);
    expect(() => parseKey('short')).toThrow(/32 bytes/);
  });
});
