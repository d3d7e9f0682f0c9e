import type crypto from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import { type SignedCheckpoint, signCheckpoint } from './audit.checkpoints.js';
import {
  type ChainCheck,
  type ChainCheckpoint,
  checkChain,
  GENESIS_HASH,
  walkChain,
} from './audit.models.js';
import type { AuditRepository } from './audit.repository.js';

/**
 * Recomputes every link of the audit chain with its key; names the first record that does not
 * match, then checks the chain against each (already signature-checked) checkpoint.
 */
export function verifyAuditChain(
  deps: { audit: AuditRepository },
  checkpoints: readonly ChainCheckpoint[] = [],
): Promise<ChainCheck> {
  return checkChain(deps.audit.iterateChain(), deps.audit.chainKey, checkpoints);
}

/**
 * Checks the whole chain, then signs its end. A broken chain is not signed: a checkpoint must
 * never vouch for a chain that already fails.
 */
export async function createCheckpoint(
  deps: { audit: AuditRepository; clock: Clock },
  privateKey: crypto.KeyObject,
): Promise<{ check: ChainCheck; checkpoint: SignedCheckpoint | null }> {
  const { check, head } = await walkChain(deps.audit.iterateChain(), deps.audit.chainKey);
  if (!check.ok) return { check, checkpoint: null };
  const checkpoint = signCheckpoint(
    {
      headSeq: head?.seq ?? 0,
      headHash: head?.hash ?? GENESIS_HASH,
      count: check.records,
      time: deps.clock.now().toISOString(),
    },
    privateKey,
  );
  return { check, checkpoint };
}

export function describeChainCheck(check: ChainCheck): string {
  if (check.ok) {
    const unkeyed = check.unkeyedRecords
      ? ` (the first ${check.unkeyedRecords} linked before the chain was keyed)`
      : '';
    return `audit chain ok: ${check.records} records${unkeyed}`;
  }
  if ('checkpoint' in check) {
    return `audit chain does not match the checkpoint of ${check.checkpoint.time} (head seq ${check.checkpoint.headSeq}): ${check.problem}`;
  }
  return `audit chain broken at record ${check.badRecord.id} (seq ${check.badRecord.seq}): ${check.problem}`;
}
