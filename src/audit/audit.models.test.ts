import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  canonicalJson,
  canonicalRecord,
  chainHash,
  checkChain,
  GENESIS_HASH,
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
});
