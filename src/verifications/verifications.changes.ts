import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Evaluation } from '../eligibility/eligibility.models.js';
import { evaluationSummary } from '../eligibility/eligibility.usecases.js';
import { ProblemError } from '../http/problems.js';
import type { Clock } from '../platform/clock.js';
import type { Sealer } from '../privacy/sealer.js';
import type { WebhookPublisher } from '../webhooks/webhooks.usecases.js';
import { auditSnapshot, eventView, type Verification } from './verifications.models.js';
import type { VerificationsRepository } from './verifications.repository.js';

/** What a change of a verification also writes, in its transaction: an audit record and an event. */
export interface ChangeDeps {
  verifications: VerificationsRepository;
  audit: AuditRepository;
  publisher: WebhookPublisher;
  eligibility: { evaluate(subjectId: string): Promise<Evaluation> };
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  /** Seals free text and corrected fields for the audit trail. */
  sealer: Pick<Sealer, 'seal'>;
}

/**
 * Records a change already written to the verification: its audit record (before → after) and
 * its webhook event, carrying the subject's eligibility as it stands after the change. Runs in
 * the caller's transaction.
 */
export async function recordChange(
  deps: ChangeDeps,
  change: {
    before: Verification;
    action:
      | 'verification.completed'
      | 'verification.failed'
      | 'verification.corrected'
      | 'verification.revoked';
    actor: Actor;
    extraAfter?: Record<string, unknown>;
    extraData?: Record<string, unknown>;
  },
) {
  const after = await deps.verifications.findById(change.before.id);
  if (!after) throw new Error(`verification ${change.before.id} vanished`);
  await deps.audit.append({
    entityType: 'verification',
    entityId: after.id,
    subjectId: after.subjectId,
    action: change.action,
    actor: change.actor,
    before: auditSnapshot(change.before),
    after: { ...auditSnapshot(after), ...change.extraAfter },
  });
  await deps.publisher.publish(change.action, {
    subjectId: after.subjectId,
    verificationId: after.id,
    data: {
      ...eventView(after),
      ...change.extraData,
      eligibility: evaluationSummary(await deps.eligibility.evaluate(after.subjectId)),
    },
  });
  return after;
}

/**
 * After a subject's erasure its verifications are closed: a correction, a revocation note or a
 * reviewer's save would write personal data back into a row that was emptied on request.
 */
export function refuseErased(v: Pick<Verification, 'id' | 'erasedAt'> | null): void {
  if (v?.erasedAt) {
    throw new ProblemError(
      'VERIFICATION_ERASED',
      `The subject of verification ${v.id} had their personal data erased; it takes no more changes.`,
    );
  }
}
