import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  canonicalJson,
  canonicalRecord,
  chainHash,
  checkChain,
  eraseSealedParts,
  GENESIS_HASH,
  sealedPart,
} from './audit.models.js';

const chain = (n: number): AuditRecord[] => {
  const records: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const base = {
      id: `aud_${i}`,
      entityType: 'verification' as const,
      entityId: 'ver_1',
      subjectId: 'u-1',
      action: 'verification.completed' as const,
      actor: { type: 'system' as const },
      at: new Date(1_700_000_000_000 + i),
      before: null,
      after: { verdict: 'verified', n: i },
    };
    const hash = chainHash(prev, canonicalRecord(base));
    records.push({ ...base, seq: i, prevHash: prev, hash });
    prev = hash;
  }
  return records;
};

describe('audit chain', () => {
  it('canonical JSON sorts keys at every level and is stable', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('accepts an intact chain', async () => {
    expect(await checkChain(chain(5))).toEqual({ ok: true, records: 5 });
  });

  it('names the first record whose content was changed', async () => {
    const records = chain(5);
    const third = records[2];
    if (!third) throw new Error('chain too short');
    records[2] = { ...third, after: { verdict: 'rejected', n: 3 } };
    expect(await checkChain(records)).toMatchObject({ ok: false, badRecord: { seq: 3, id: 'aud_3' } });
  });

  it('detects a removed record at the record after it', async () => {
    const records = chain(5);
    records.splice(1, 1);
    expect(await checkChain(records)).toMatchObject({ ok: false, badRecord: { id: 'aud_3' } });
  });

  it('a sealed part is hashed by its digest: erasing it keeps the chain, changing it breaks it', async () => {
    const records = chain(3);
    const second = records[1];
    if (!second) throw new Error('chain too short');
    const base = { ...second, after: { revoked: true, noteSealed: sealedPart('v1.k.iv.tag.ciphertext') } };
    const hash = chainHash(base.prevHash, canonicalRecord(base));
    records[1] = { ...base, hash };
    const third = records[2];
    if (!third) throw new Error('chain too short');
    const relinked = { ...third, prevHash: hash };
    records[2] = { ...relinked, hash: chainHash(hash, canonicalRecord(relinked)) };
    expect(await checkChain(records)).toEqual({ ok: true, records: 3 });

    const erased = eraseSealedParts(base.after);
    expect(erased).toMatchObject({ erased: 1, legacy: 0 });
    expect(JSON.stringify(erased.snapshot)).not.toContain('ciphertext');
    records[1] = { ...base, after: erased.snapshot, hash };
    expect(await checkChain(records)).toEqual({ ok: true, records: 3 });

    records[1] = { ...base, after: { revoked: true, noteSealed: { erasedSha256: '0'.repeat(64) } }, hash };
    expect(await checkChain(records)).toMatchObject({ ok: false, badRecord: { seq: 2 } });
    records[1] = { ...base, after: { revoked: true, noteSealed: sealedPart('v1.k.iv.tag.other') }, hash };
    expect(await checkChain(records)).toMatchObject({ ok: false, badRecord: { seq: 2 } });
  });

  it('records written before sealed parts existed hash as they always did, and their sealed strings stay', () => {
    const legacy = { noteSealed: 'v1.k.iv.tag.ciphertext', revoked: true };
    const record = {
      id: 'aud_1',
      entityType: 'verification' as const,
      entityId: 'ver_1',
      subjectId: 'u-1',
      action: 'verification.revoked' as const,
      actor: { type: 'system' as const },
      at: new Date(1_700_000_000_000),
      before: null,
      after: legacy,
    };
    expect(canonicalRecord(record)).toContain('"noteSealed":"v1.k.iv.tag.ciphertext"');
    expect(eraseSealedParts(legacy)).toEqual({ snapshot: legacy, erased: 0, legacy: 1 });
  });
});
