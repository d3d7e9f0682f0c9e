import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  canonicalJson,
  canonicalRecord,
  chainHash,
  checkChain,
  eraseSealedParts,
  GENESIS_HASH,
  isUnkeyedLink,
  sealedPart,
  unkeyedChainHash,
  walkChain,
} from './audit.models.js';

const key = crypto.randomBytes(32);

type Link = (prev: string, canonical: string) => string;
const keyedLink: Link = (prev, canonical) => chainHash(key, prev, canonical);

/** A chain of `n` records; `linkOf(i)` says how record i (from 1) is linked. */
const chain = (n: number, linkOf: (i: number) => Link = () => keyedLink, marker?: number): AuditRecord[] => {
  const records: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const base = {
      id: `aud_${i}`,
      entityType: 'verification' as const,
      entityId: 'ver_1',
      subjectId: 'u-1',
      action: i === marker ? ('audit.chain_keyed' as const) : ('verification.completed' as const),
      actor: { type: 'system' as const },
      at: new Date(1_700_000_000_000 + i),
      before: null,
      after: { verdict: 'verified', n: i },
    };
    const hash = linkOf(i)(prev, canonicalRecord(base));
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

  it('accepts an intact chain and reports its head', async () => {
    const records = chain(5);
    expect(await checkChain(records, key)).toEqual({ ok: true, records: 5 });
    expect(await walkChain(records, key)).toEqual({
      check: { ok: true, records: 5 },
      head: { seq: 5, hash: records[4]?.hash },
    });
  });

  it('names the first record whose content was changed', async () => {
    const records = chain(5);
    const third = records[2];
    if (!third) throw new Error('chain too short');
    records[2] = { ...third, after: { verdict: 'rejected', n: 3 } };
    expect(await checkChain(records, key)).toMatchObject({ ok: false, badRecord: { seq: 3, id: 'aud_3' } });
  });

  it('detects a removed record at the record after it', async () => {
    const records = chain(5);
    records.splice(1, 1);
    expect(await checkChain(records, key)).toMatchObject({ ok: false, badRecord: { id: 'aud_3' } });
  });

  it('refuses a chain linked with another key, or re-linked without one', async () => {
    expect(await checkChain(chain(3), crypto.randomBytes(32))).toMatchObject({
      ok: false,
      badRecord: { seq: 1 },
    });
    const relinked = chain(3, () => unkeyedChainHash);
    expect(await checkChain(relinked, key)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not keyed'),
    });
  });

  it('accepts unkeyed records up to the audit.chain_keyed record, and only keyed links after it', async () => {
    const migrated = chain(6, (i) => (i <= 3 ? unkeyedChainHash : keyedLink), 4);
    expect(await checkChain(migrated, key)).toMatchObject({ ok: true, records: 6, unkeyedRecords: 3 });
    expect(isUnkeyedLink(key, migrated[2] as AuditRecord)).toBe(true);
    expect(isUnkeyedLink(key, migrated[3] as AuditRecord)).toBe(false);

    // an unkeyed link after the switch is refused, as is a switch record that is not keyed
    const downgraded = chain(6, (i) => (i <= 3 || i === 6 ? unkeyedChainHash : keyedLink), 4);
    expect(await checkChain(downgraded, key)).toMatchObject({ ok: false, badRecord: { seq: 6 } });
    const forgedSwitch = chain(6, (i) => (i <= 4 ? unkeyedChainHash : keyedLink), 4);
    expect(await checkChain(forgedSwitch, key)).toMatchObject({ ok: false, badRecord: { seq: 4 } });
  });

  it('checks checkpoints: the head with its hash and count, and no records cut off after it', async () => {
    const records = chain(5);
    const third = records[2] as AuditRecord;
    const at3 = { headSeq: 3, headHash: third.hash, count: 3, time: '2025-01-01T00:00:00.000Z' };
    expect(await checkChain(records, key, [at3])).toMatchObject({ ok: true });
    expect(await checkChain(records.slice(0, 2), key, [at3])).toMatchObject({
      ok: false,
      checkpoint: { headSeq: 3 },
      problem: expect.stringContaining('cut off'),
    });
    expect(await checkChain(records, key, [{ ...at3, headHash: 'f'.repeat(64) }])).toMatchObject({
      ok: false,
      problem: expect.stringContaining('rewritten'),
    });
    expect(
      await checkChain(records, key, [{ ...at3, headSeq: 5, headHash: records[4]?.hash ?? '', count: 7 }]),
    ).toMatchObject({ ok: false, problem: expect.stringContaining('removed') });
  });

  it('a sealed part is hashed by its digest: erasing it keeps the chain, changing it breaks it', async () => {
    const records = chain(3);
    const second = records[1];
    if (!second) throw new Error('chain too short');
    const base = { ...second, after: { revoked: true, noteSealed: sealedPart('v1.k.iv.tag.ciphertext') } };
    const hash = chainHash(key, base.prevHash, canonicalRecord(base));
    records[1] = { ...base, hash };
    const third = records[2];
    if (!third) throw new Error('chain too short');
    const relinked = { ...third, prevHash: hash };
    records[2] = { ...relinked, hash: chainHash(key, hash, canonicalRecord(relinked)) };
    expect(await checkChain(records, key)).toEqual({ ok: true, records: 3 });

    const erased = eraseSealedParts(base.after);
    expect(erased).toMatchObject({ erased: 1, legacy: 0 });
    expect(JSON.stringify(erased.snapshot)).not.toContain('ciphertext');
    records[1] = { ...base, after: erased.snapshot, hash };
    expect(await checkChain(records, key)).toEqual({ ok: true, records: 3 });

    records[1] = { ...base, after: { revoked: true, noteSealed: { erasedSha256: '0'.repeat(64) } }, hash };
    expect(await checkChain(records, key)).toMatchObject({ ok: false, badRecord: { seq: 2 } });
    records[1] = { ...base, after: { revoked: true, noteSealed: sealedPart('v1.k.iv.tag.other') }, hash };
    expect(await checkChain(records, key)).toMatchObject({ ok: false, badRecord: { seq: 2 } });
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
