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

  it('blind index is stable per key and differs across keys', () => {
    expect(createSealer([keyA]).blindIndex('x')).toBe(createSealer([keyA]).blindIndex('x'));
    expect(createSealer([keyA]).blindIndex('x')).not.toBe(createSealer([keyB]).blindIndex('x'));
  });

  it('accepts hex or base64 32-byte keys only', () => {
    expect(parseKey(keyA.toString('hex'))).toEqual(keyA);
    expect(parseKey(keyA.toString('base64'))).toEqual(keyA);
    expect(() => parseKey('short')).toThrow(/32 bytes/);
  });
});
