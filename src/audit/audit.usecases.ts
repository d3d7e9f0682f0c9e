import { type ChainCheck, checkChain } from './audit.models.js';
import type { AuditRepository } from './audit.repository.js';

/** Recomputes every link of the audit chain; names the first record that does not match. */
export function verifyAuditChain(deps: { audit: AuditRepository }): Promise<ChainCheck> {
  return checkChain(deps.audit.iterateChain());
}

export function describeChainCheck(check: ChainCheck): string {
  return check.ok
    ? `audit chain ok: ${check.records} records`
    : `audit chain broken at record ${check.badRecord.id} (seq ${check.badRecord.seq}): ${check.problem}`;
}
