import crypto from 'node:crypto';
import type { Role } from '../auth/api-keys.models.js';

/** Who made a change: an API key (its id and role) or the service itself. */
export type Actor = { type: 'key'; id: string; role: Role } | { type: 'system' };

export const SYSTEM_ACTOR: Actor = { type: 'system' };

export const AUDIT_ACTIONS = [
  'verification.created',
  'verification.completed',
  'verification.failed',
  'verification.corrected',
  'verification.revoked',
  /** A reviewer opened the original image (personal data): who looked, and when. */
  'verification.image_viewed',
  /** A reviewer exported the case into the fixture set. */
  'verification.fixture_exported',
  'eligibility.decided',
  /** The retention sweeper deleted the original image; the verdict stays. */
  'verification.image_deleted',
  /** An admin erased a subject's personal data (PIPL): counts only, no personal data. */
  'subject.erased',
  /**
   * The chain switches from unkeyed links (sha256, written before AUDIT_HMAC_KEY existed) to keyed
   * ones: this record and every later one are HMAC-linked (docs/adr/0007-keyed-audit-chain.md).
   */
  'audit.chain_keyed',
  /** A reviewer's `verified` over a HARD reason, waiting for a second reviewer (no change yet). */
  'verification.correction_proposed',
  /** A second reviewer approved a proposal; the `verification.corrected` record follows. */
  'verification.correction_approved',
  /** A second reviewer sent a proposal back; the verification is unchanged. */
  'verification.correction_sent_back',
  /** A client registered (or first gave on an upload) the identity a subject's documents bind to; no personal data. */
  'subject.identity_registered',
  /** One invocation of `docverify keys rotate-data-key`: key ids and counts only. */
  'data_key.rotation_run',
  /** An admin's change of a webhook endpoint: its settings before and after, never a secret. */
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.disabled',
  'webhook_endpoint.enabled',
  'webhook_endpoint.removed',
  'webhook_endpoint.secret_rotated',
  'webhook_endpoint.pinged',
  /** An API key was created, revoked or given a new secret: its metadata, never the secret or its hash. */
  'api_key.created',
  'api_key.revoked',
  'api_key.rotated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditSnapshot = Record<string, unknown> | null;

/** What a caller appends; id, time and hashes are added by the repository. */
export interface AuditEntry {
  /** 'data_key' for key rotations; 'audit' only for the chain's own records (audit.chain_keyed). */
  entityType: 'verification' | 'subject' | 'data_key' | 'webhook_endpoint' | 'api_key' | 'audit';
  entityId: string;
  subjectId: string;
  action: AuditAction;
  actor: Actor;
  /** Personal data must be sealed or left out before it gets here. */
  before: AuditSnapshot;
  after: AuditSnapshot;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  id: string;
  at: Date;
  prevHash: string;
  hash: string;
}

/** A row of the chain as the checker reads it: a record, or one whose stored JSON cannot be read. */
export type ChainEntry = AuditRecord | { seq: number; id: string; unreadable: 'before' | 'after' };

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hashed content of a record: everything but seq (its position) and the hashes themselves. */
export function canonicalRecord(record: Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>): string {
  const actor =
    record.actor.type === 'key'
      ? { type: 'key', id: record.actor.id, role: record.actor.role }
      : { type: 'system' };
  return canonicalJson({
    id: record.id,
    entityType: record.entityType,
    entityId: record.entityId,
    subjectId: record.subjectId,
    action: record.action,
    actor,
    at: record.at.toISOString(),
    before: commitSealedParts(record.before),
    after: commitSealedParts(record.after),
  });
}

/** The chain's key (AUDIT_HMAC_KEY): 32 bytes the database never holds. */
export type ChainKey = Buffer;

/** AUDIT_HMAC_KEY's text (64 hex characters, or base64) as the 32-byte key; throws on anything else. */
export function parseChainKey(material: string): ChainKey {
  const trimmed = material.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('AUDIT_HMAC_KEY must be 32 bytes (64 hex characters or base64)');
  return key;
}

/**
 * The one link function of the chain: `hash = HMAC-SHA256(key, prevHash + "\n" + canonical)`.
 * Without the key nobody can recompute a link, so an edited record cannot be re-chained.
 */
export function chainHash(key: ChainKey, prevHash: string, canonical: string): string {
  return crypto.createHmac('sha256', key).update(prevHash).update('\n').update(canonical).digest('hex');
}

/** The link of records written before the chain was keyed (sha256, no key); only read, never written. */
export function unkeyedChainHash(prevHash: string, canonical: string): string {
  return crypto.createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** Whether a record's stored hash is an unkeyed link (so the chain's end is not keyed yet). */
export function isUnkeyedLink(key: ChainKey, record: AuditRecord): boolean {
  let canonical: string;
  try {
    canonical = canonicalRecord(record);
  } catch {
    return false;
  }
  return (
    chainHash(key, record.prevHash, canonical) !== record.hash &&
    unkeyedChainHash(record.prevHash, canonical) === record.hash
  );
}

export type ChainCheck =
  | {
      ok: true;
      records: number;
      /** Records before the audit.chain_keyed record, linked without a key (only when there are any). */
      unkeyedRecords?: number;
    }
  | { ok: false; records: number; badRecord: { seq: number; id: string }; problem: string }
  | { ok: false; records: number; checkpoint: { headSeq: number; time: string }; problem: string };

/** What a checkpoint states about the chain (audit.checkpoints.ts signs and reads them). */
export interface ChainCheckpoint {
  headSeq: number;
  headHash: string;
  count: number;
  time: string;
}

/**
 * Walks the chain in order and reports the first record whose link or content does not match,
 * then whether each checkpoint's head is still in the chain with the hash it signed and its count
 * not undercut. Records before an `audit.chain_keyed` record may carry unkeyed links (a chain
 * started before the key existed); from that record on, and in a chain keyed from its first
 * record, every link must be keyed. A chain that ends unkeyed fails: someone could have rewritten
 * it without the key. Pure: the caller feeds records in seq order.
 */
export async function checkChain(
  records: AsyncIterable<ChainEntry> | Iterable<ChainEntry>,
  key: ChainKey,
  checkpoints: readonly ChainCheckpoint[] = [],
): Promise<ChainCheck> {
  return (await walkChain(records, key, checkpoints)).check;
}

/** checkChain, and the chain's last record (what a checkpoint signs; null for an empty chain). */
export async function walkChain(
  records: AsyncIterable<ChainEntry> | Iterable<ChainEntry>,
  key: ChainKey,
  checkpoints: readonly ChainCheckpoint[] = [],
): Promise<{ check: ChainCheck; head: { seq: number; hash: string } | null }> {
  const result = await walk(records, key, checkpoints);
  return 'check' in result ? result : { check: result, head: null };
}

async function walk(
  records: AsyncIterable<ChainEntry> | Iterable<ChainEntry>,
  key: ChainKey,
  checkpoints: readonly ChainCheckpoint[],
): Promise<ChainCheck | { check: ChainCheck; head: { seq: number; hash: string } | null }> {
  let prev = GENESIS_HASH;
  let count = 0;
  let keyed = false;
  let unkeyed = 0;
  let last: { seq: number; id: string; hash: string } | null = null;
  const seen = new Map<number, { hash: string; count: number }>();
  const wanted = new Set(checkpoints.map((c) => c.headSeq));
  for await (const record of records) {
    count++;
    const bad = (problem: string): ChainCheck => ({
      ok: false,
      records: count,
      badRecord: { seq: record.seq, id: record.id },
      problem,
    });
    if ('unreadable' in record) return bad(`its ${record.unreadable} is not valid JSON`);
    if (record.prevHash !== prev) return bad('its previous hash does not match the record before it');
    let canonical: string;
    try {
      canonical = canonicalRecord(record);
    } catch {
      // e.g. a time that is not a date: a stored value no append could have written
      return bad('its content cannot be read');
    }
    const keyedLink = chainHash(key, record.prevHash, canonical) === record.hash;
    if (!keyed && (keyedLink || record.action === 'audit.chain_keyed')) {
      // The switch, or a chain keyed from its first record: nothing unkeyed may follow.
      keyed = true;
    }
    if (keyed && !keyedLink) {
      return bad(
        'its content does not match its hash (a changed record, or AUDIT_HMAC_KEY is not the chain’s key)',
      );
    }
    if (!keyed) {
      if (unkeyedChainHash(record.prevHash, canonical) !== record.hash) {
        return bad('its content does not match its hash');
      }
      unkeyed++;
    }
    if (wanted.has(record.seq)) seen.set(record.seq, { hash: record.hash, count });
    prev = record.hash;
    last = { seq: record.seq, id: record.id, hash: record.hash };
  }
  if (last && !keyed) {
    return {
      ok: false,
      records: count,
      badRecord: { seq: last.seq, id: last.id },
      problem:
        'the chain is not keyed: no audit.chain_keyed record follows its unkeyed records (start the service once with its AUDIT_HMAC_KEY)',
    };
  }
  for (const checkpoint of checkpoints) {
    const problem = checkpointProblem(checkpoint, seen.get(checkpoint.headSeq) ?? null, count);
    if (problem) {
      return {
        ok: false,
        records: count,
        checkpoint: { headSeq: checkpoint.headSeq, time: checkpoint.time },
        problem,
      };
    }
  }
  return {
    check: { ok: true, records: count, ...(unkeyed > 0 ? { unkeyedRecords: unkeyed } : {}) },
    head: last && { seq: last.seq, hash: last.hash },
  };
}

function checkpointProblem(
  checkpoint: ChainCheckpoint,
  head: { hash: string; count: number } | null,
  total: number,
): string | null {
  if (checkpoint.headSeq === 0) {
    // signed over an empty chain: only the count can be undercut (it is 0)
    return total < checkpoint.count
      ? `the chain has ${total} records, the checkpoint counted ${checkpoint.count}`
      : null;
  }
  if (!head) {
    return `its head record (seq ${checkpoint.headSeq}) is no longer in the chain: records were cut off or removed`;
  }
  if (head.hash !== checkpoint.headHash) {
    return `record seq ${checkpoint.headSeq} has another hash than the checkpoint signed: the chain was rewritten up to it`;
  }
  if (head.count !== checkpoint.count) {
    return `the chain has ${head.count} records up to seq ${checkpoint.headSeq}, the checkpoint counted ${checkpoint.count}: records were removed`;
  }
  if (total < checkpoint.count) {
    return `the chain has ${total} records, the checkpoint counted ${checkpoint.count}: records were cut off`;
  }
  return null;
}

// ---- sealed parts: erasable without breaking the chain (docs/adr/0006-erasure.md) ----

/**
 * A sealed payload in a snapshot (a reviewer's note, corrected fields), as written, and after the
 * subject's erasure: only the sha256 of the ciphertext is left. The chain hashes that digest in
 * both cases, so erasing the ciphertext leaves the record's hash valid, while any other change to
 * it (another ciphertext, another digest) still breaks the chain.
 */
export type SealedPart = { sealed: string } | { erasedSha256: string };

export const sealedPart = (ciphertext: string): SealedPart => ({ sealed: ciphertext });

const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

function isSealedPart(value: unknown): value is { sealed: string } {
  return isOnlyKey(value, 'sealed');
}

function isErasedPart(value: unknown): value is { erasedSha256: string } {
  return isOnlyKey(value, 'erasedSha256');
}

function isOnlyKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === key && typeof (value as Record<string, unknown>)[key] === 'string';
}

/** The snapshot as the chain hashes it: each sealed part by the digest of its ciphertext. */
function commitSealedParts(snapshot: AuditSnapshot): AuditSnapshot {
  if (snapshot === null) return null;
  return Object.fromEntries(
    Object.entries(snapshot).map(([key, value]) => {
      if (isSealedPart(value)) return [key, { sealedSha256: sha256Hex(value.sealed) }];
      if (isErasedPart(value)) return [key, { sealedSha256: value.erasedSha256 }];
      return [key, value];
    }),
  );
}

/**
 * The snapshot with every sealed part replaced by its digest: what erasure leaves. `erased` counts
 * the parts replaced; `legacy` counts sealed strings from before sealed parts existed, whose
 * ciphertext the record's hash covers directly, so they cannot be erased without breaking the chain.
 */
export function eraseSealedParts(snapshot: AuditSnapshot): {
  snapshot: AuditSnapshot;
  erased: number;
  legacy: number;
} {
  if (snapshot === null) return { snapshot, erased: 0, legacy: 0 };
  let erased = 0;
  let legacy = 0;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(snapshot)) {
    if (isSealedPart(value)) {
      out[key] = { erasedSha256: sha256Hex(value.sealed) };
      erased++;
    } else {
      if (key.endsWith('Sealed') && typeof value === 'string') legacy++;
      out[key] = value;
    }
  }
  return { snapshot: out, erased, legacy };
}
