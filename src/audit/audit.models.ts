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
  /** A client registered (or first gave on an upload) the identity a subject's documents bind to; no personal data. */
  'subject.identity_registered',
  /** One invocation of `docverify keys rotate-data-key`: key ids and counts only. */
  'data_key.rotation_run',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditSnapshot = Record<string, unknown> | null;

/** What a caller appends; id, time and hashes are added by the repository. */
export interface AuditEntry {
  entityType: 'verification' | 'subject' | 'data_key';
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

export function chainHash(prevHash: string, canonical: string): string {
  return crypto.createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export type ChainCheck =
  | { ok: true; records: number }
  | { ok: false; records: number; badRecord: { seq: number; id: string }; problem: string };

/**
 * Walks the chain in order and reports the first record whose link or content does not match.
 * Pure: the caller feeds records in seq order.
 */
export async function checkChain(
  records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
): Promise<ChainCheck> {
  let prev = GENESIS_HASH;
  let count = 0;
  for await (const record of records) {
    count++;
    const bad = (problem: string): ChainCheck => ({
      ok: false,
      records: count,
      badRecord: { seq: record.seq, id: record.id },
      problem,
    });
    if (record.prevHash !== prev) return bad('its previous hash does not match the record before it');
    if (chainHash(record.prevHash, canonicalRecord(record)) !== record.hash) {
      return bad('its content does not match its hash');
    }
    prev = record.hash;
  }
  return { ok: true, records: count };
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
