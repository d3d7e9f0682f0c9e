import { type Actor, sealedPart } from '../audit/audit.models.js';
import { ProblemError } from '../http/problems.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { type ChangeDeps, recordChange, refuseErased } from './verifications.changes.js';
import type { RevocationReason, Verification } from './verifications.models.js';

/**
 * Revokes a verification: from now on it never counts for eligibility, and subscribers hear of it
 * (`verification.revoked`) from the same transaction.
 */
export async function revokeVerification(
  deps: ChangeDeps & { queue: Pick<JobQueue, 'wake'> },
  input: { id: string; actor: Actor; reason: RevocationReason; note: string | null },
): Promise<Verification> {
  const revoked = await deps.transaction(async () => {
    const before = await deps.verifications.findById(input.id);
    if (!before) throw new ProblemError('NOT_FOUND', `No verification ${input.id}.`);
    refuseErased(before);
    const at = deps.clock.now();
    const byKeyId = input.actor.type === 'key' ? input.actor.id : null;
    if (
      !(await deps.verifications.revoke(input.id, { at, byKeyId, reason: input.reason, note: input.note }))
    ) {
      // Erased meanwhile (another transaction), or revoked before.
      refuseErased(await deps.verifications.findById(input.id));
      throw new ProblemError('ALREADY_REVOKED', `Verification ${input.id} was revoked before.`);
    }
    return recordChange(deps, {
      before,
      action: 'verification.revoked',
      actor: input.actor,
      // The note may name a person: the audit keeps it sealed (erasable), the event leaves it out.
      extraAfter: {
        revocationReason: input.reason,
        ...(input.note ? { noteSealed: sealedPart(deps.sealer.seal(input.note)) } : {}),
      },
      extraData: {
        revokedBy: input.actor.type === 'key' ? { keyId: input.actor.id, role: input.actor.role } : null,
      },
    });
  });
  deps.queue.wake();
  return revoked;
}
