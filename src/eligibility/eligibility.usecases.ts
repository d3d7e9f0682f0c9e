import { z } from 'zod';
import type { Actor, AuditRecord } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import { isBoundTo, type Subject } from '../subjects/subjects.models.js';
import type { SubjectsRepository } from '../subjects/subjects.repository.js';
import type { EvidenceRecord, EvidenceSource } from './eligibility.evidence.js';
import { type Evaluation, type Evidence, evaluateEligibility, sameOutcome } from './eligibility.models.js';
import type { Policy } from './eligibility.policy.js';

export interface Decision extends Evaluation {
  decisionId: string;
  subjectId: string;
  decidedAt: Date;
}

export type EligibilityService = ReturnType<typeof createEligibilityService>;

/**
 * What the evaluation needs of a verification. It is bound only when the subject's owner uploaded
 * it and it was read with the subject's registered identity (src/subjects/subjects.models.ts):
 * older rows read with no identity, and uploads by other keys, never count.
 */
export const toEvidence = (
  { clientKeyId, applicant, ...evidence }: EvidenceRecord,
  subject: Subject | null,
): Evidence => ({
  ...evidence,
  boundToIdentity:
    subject !== null && clientKeyId === subject.ownerKeyId && isBoundTo(applicant, subject.identity),
});

/** A compact, personal-data-free view of an evaluation, for webhook payloads and audit records. */
export const evaluationSummary = (e: Evaluation) => ({
  eligible: e.eligible,
  tier: e.tier,
  suggestedIncrease: e.suggestedIncrease,
  signals: e.signals,
  expiresAt: e.expiresAt.toISOString(),
  policyVersion: e.policyVersion,
});

export function createEligibilityService(deps: {
  policy: Policy;
  evidence: EvidenceSource;
  subjects: Pick<SubjectsRepository, 'findById'>;
  audit: AuditRepository;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  ids: IdGenerator;
}) {
  const evaluate = async (subjectId: string): Promise<Evaluation> => {
    const subject = await deps.subjects.findById(subjectId);
    // Only the owner's uploads are evidence at all: another key's never shows up in a decision.
    const owned = (await deps.evidence.listForSubject(subjectId)).filter(
      (v) => v.clientKeyId === subject?.ownerKeyId,
    );
    return evaluateEligibility(
      deps.policy,
      owned.map((v) => toEvidence(v, subject)),
      deps.clock.now(),
    );
  };

  return {
    policyVersion: deps.policy.policyVersion,
    /** The current outcome, without recording a decision (for event payloads). */
    evaluate,
    /**
     * Evaluates and records the decision in the audit trail, under a new decision id, unless the
     * subject's last recorded decision says the same and has not expired: then that one is the
     * answer, so polling does not grow the audit trail (one record per change or per TTL).
     */
    decide(subjectId: string, actor: Actor): Promise<Decision> {
      return deps.transaction(async () => {
        const evaluation = await evaluate(subjectId);
        const last = await deps.audit.lastForSubject(subjectId, 'eligibility.decided');
        const recorded = last ? recordedDecision(last) : null;
        if (
          recorded &&
          recorded.expiresAt.getTime() > deps.clock.now().getTime() &&
          sameOutcome(recorded, evaluation)
        ) {
          return recorded;
        }
        const decision: Decision = {
          ...evaluation,
          decisionId: deps.ids('dec'),
          subjectId,
          decidedAt: deps.clock.now(),
        };
        await deps.audit.append({
          entityType: 'subject',
          entityId: subjectId,
          subjectId,
          action: 'eligibility.decided',
          actor,
          before: null,
          after: {
            decisionId: decision.decisionId,
            ...evaluationSummary(evaluation),
            verificationIds: [...new Set(evaluation.signals.flatMap((s) => s.verificationIds))].sort(),
          },
        });
        return decision;
      });
    },
  };
}

const RecordedDecisionSchema = z.object({
  decisionId: z.string(),
  eligible: z.boolean(),
  tier: z.string().nullable(),
  suggestedIncrease: z.object({ amount: z.number(), currency: z.string() }),
  signals: z.array(
    z.object({
      kind: z.enum(['new_graduate', 'cet', 'degree']),
      tier: z.string(),
      verificationIds: z.array(z.string()),
    }),
  ),
  expiresAt: z.iso.datetime(),
  policyVersion: z.string(),
});

/** The decision an `eligibility.decided` record holds; null when it is not one (then a new one is made). */
function recordedDecision(record: AuditRecord): Decision | null {
  const parsed = RecordedDecisionSchema.safeParse(record.after);
  if (!parsed.success) return null;
  const { decisionId, expiresAt, ...outcome } = parsed.data;
  return {
    ...outcome,
    expiresAt: new Date(expiresAt),
    decisionId,
    subjectId: record.subjectId,
    decidedAt: record.at,
  };
}

export const decisionToJson = (d: Decision) => ({
  decisionId: d.decisionId,
  subjectId: d.subjectId,
  eligible: d.eligible,
  tier: d.tier,
  suggestedIncrease: d.suggestedIncrease,
  signals: d.signals,
  expiresAt: d.expiresAt.toISOString(),
  decidedAt: d.decidedAt.toISOString(),
  policyVersion: d.policyVersion,
});
