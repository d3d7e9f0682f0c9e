import { type Actor, sealedPart } from '../audit/audit.models.js';
import type { FieldEvidence, Fields } from '../documents/document-types.js';
import { ProblemError } from '../http/problems.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Verdict } from '../verdicts/decide.js';
import type { Reason } from '../verdicts/reasons.js';
import { type ChangeDeps, recordChange, refuseErased } from './verifications.changes.js';
import type { Verification } from './verifications.models.js';

/**
 * The hook for reviewer work: a reviewer sets the verdict and/or corrects fields. The change, its
 * audit record (corrected fields sealed) and a `verification.corrected` event commit together.
 * `reasons` replaces the stored reasons (the review re-validates the corrected fields); with
 * `expectedVersion` (the `updatedAt` the reviewer loaded) a stale save is refused with 409
 * VERSION_CONFLICT instead of silently overwriting someone else's change.
 */
export async function correctVerification(
  deps: ChangeDeps & { queue: Pick<JobQueue, 'wake'> },
  input: {
    id: string;
    actor: Actor;
    verdict?: Verdict;
    fields?: Fields;
    note?: string | null;
    reasons?: Reason[];
    expectedVersion?: Date;
  },
): Promise<Verification> {
  const corrected = await deps.transaction(async () => {
    const before = await deps.verifications.findById(input.id);
    if (!before?.outcome) throw new ProblemError('NOT_FOUND', `No completed verification ${input.id}.`);
    refuseErased(before);
    if (input.expectedVersion && before.updatedAt.getTime() !== input.expectedVersion.getTime()) {
      throw new ProblemError(
        'VERSION_CONFLICT',
        `Verification ${input.id} was changed at ${before.updatedAt.toISOString()}, after you loaded it; reload it and redo your change.`,
      );
    }
    const changedFields = Object.keys(input.fields ?? {}).sort();
    const evidence: Record<string, FieldEvidence> = { ...before.outcome.evidence };
    for (const [name, value] of Object.entries(input.fields ?? {})) {
      evidence[name] = {
        text: value === null ? '' : String(value),
        box: null,
        confidence: 1,
        source: 'reviewer',
      };
    }
    // Strictly later than the version it replaces, so two saves in one millisecond still differ.
    const now = new Date(Math.max(deps.clock.now().getTime(), before.updatedAt.getTime() + 1));
    const applied = await deps.verifications.applyCorrection(
      input.id,
      {
        verdict: input.verdict ?? before.outcome.verdict,
        fields: { ...before.outcome.fields, ...input.fields },
        evidence,
        ...(input.reasons ? { reasons: input.reasons } : {}),
      },
      now,
      before.updatedAt,
    );
    if (!applied) {
      refuseErased(await deps.verifications.findById(input.id));
      throw new ProblemError('VERSION_CONFLICT', `Verification ${input.id} changed meanwhile.`);
    }
    return recordChange(deps, {
      before,
      action: 'verification.corrected',
      actor: input.actor,
      extraAfter: {
        changedFields,
        ...(input.fields ? { fieldsSealed: sealedPart(deps.sealer.seal(JSON.stringify(input.fields))) } : {}),
        ...(input.note ? { noteSealed: sealedPart(deps.sealer.seal(input.note)) } : {}),
      },
      extraData: { changedFields, verdictBefore: before.outcome.verdict },
    });
  });
  deps.queue.wake();
  return corrected;
}
