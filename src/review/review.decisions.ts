import type { Actor } from '../audit/audit.models.js';
import type { FieldEvidence, Fields } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import { ProblemError } from '../http/problems.js';
import { decide } from '../pipeline/decision.js';
import { validate } from '../pipeline/validate.js';
import type { Verdict } from '../verdicts/decide.js';
import { hardReasonCodes } from '../verdicts/hard-reasons.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import { refuseErased } from '../verifications/verifications.changes.js';
import { correctVerification } from '../verifications/verifications.correct.usecases.js';
import type { Verification } from '../verifications/verifications.models.js';
import { mergeRevalidatedReasons, VERDICT_LABELS } from './review.models.js';
import { isSupported, loadCase, type ReviewDeps } from './review.usecases.js';
import type { ReviewApproval } from './review-approvals.repository.js';

/**
 * Re-runs the type's validators on the corrected fields (with the stored applicant), keeps the
 * reasons that do not come from the fields, and decides the verdict the rules would give now:
 * the pipeline's validate and decide stages (pipeline/validate.ts, pipeline/decision.ts).
 */
export function revalidate(
  deps: Pick<ReviewDeps, 'clock'>,
  v: Verification,
  fields: Fields,
  evidence: Record<string, FieldEvidence>,
): { reasons: Reason[]; verdict: Verdict } {
  const outcome = v.outcome;
  if (!outcome) throw new ProblemError('NOT_FOUND', `No completed verification ${v.id}.`);
  const type = outcome.documentType;
  if (!isSupported(type)) return { reasons: outcome.reasons, verdict: outcome.verdict };
  const module = documentModuleFor(type);
  // The pipeline's validate and decide stages, on the corrected reading.
  const fieldReasons = validate(
    module,
    { fields, evidence },
    { now: deps.clock.now(), applicant: v.applicant },
  );
  const reasons = mergeRevalidatedReasons(outcome.reasons, fieldReasons);
  // A corrected reading counts every scored field: an empty one, or one without evidence, as 0.
  const decision = decide(
    { type, confidence: 1 },
    reasons,
    module.scoredFields.map((f) => (fields[f] == null ? 0 : (evidence[f]?.confidence ?? 0))),
  );
  return { reasons, verdict: decision.verdict };
}

export interface ReviewInput {
  id: string;
  actor: Actor;
  /** The reviewer's verdict: final. Without one, the re-validated verdict is taken. */
  verdict?: Verdict;
  /** Only the fields that change. */
  fields?: Fields;
  note?: string | null;
  expectedVersion: Date;
}

/** A review worked out but not yet written: the re-validation and the verdict it would store. */
interface PreparedReview {
  before: Verification;
  outcome: NonNullable<Verification['outcome']>;
  fields: Fields;
  revalidation: { reasons: Reason[]; verdict: Verdict };
  verdict: Verdict;
  reasons: Reason[];
}

function prepareReview(
  deps: Pick<ReviewDeps, 'clock'>,
  before: Verification,
  input: { verdict?: Verdict | undefined; fields?: Fields | undefined },
): PreparedReview {
  const outcome = before.outcome as NonNullable<Verification['outcome']>;
  const changes = input.fields ?? {};
  const fields = { ...outcome.fields, ...changes };
  const evidence: Record<string, FieldEvidence> = { ...outcome.evidence };
  for (const [name, value] of Object.entries(changes)) {
    evidence[name] = {
      text: value === null ? '' : String(value),
      box: null,
      confidence: 1,
      source: 'reviewer',
    };
  }
  const revalidation = revalidate(deps, before, fields, evidence);
  const verdict = input.verdict ?? revalidation.verdict;
  const reasons = [
    ...revalidation.reasons,
    reason(
      'REVIEWER_DECISION',
      'info',
      `A reviewer set the verdict to ${verdict}; the re-validated rules say ${revalidation.verdict}.`,
      { messageZh: `人工复核结论：${VERDICT_LABELS[verdict].split(' ')[0]}` },
    ),
  ];
  return { before, outcome, fields: changes, revalidation, verdict, reasons };
}

/**
 * Writes a prepared review through correctVerification (verdict, fields, reasons, audit record
 * and event in one transaction, refused with 409 when the case changed since `expectedVersion`),
 * the review row for the metrics, and a fresh eligibility decision. Any proposal still waiting on
 * the case is superseded: it was made on the version this replaces.
 */
async function applyReview(
  deps: ReviewDeps,
  prepared: PreparedReview,
  input: { actor: Actor; note: string | null; expectedVersion: Date; reviewerKeyId: string },
) {
  const { before, outcome } = prepared;
  const corrected = await correctVerification(deps, {
    id: before.id,
    actor: input.actor,
    verdict: prepared.verdict,
    ...(Object.keys(prepared.fields).length > 0 ? { fields: prepared.fields } : {}),
    note: input.note,
    reasons: prepared.reasons,
    expectedVersion: input.expectedVersion,
  });
  await deps.reviews.insert({
    id: deps.ids('rev'),
    verificationId: before.id,
    reviewerKeyId: input.reviewerKeyId,
    documentType: outcome.documentType,
    machineVerdict: outcome.verdict,
    reviewerVerdict: prepared.verdict,
    changedFields: Object.keys(prepared.fields).sort(),
    hardReasonCodes: hardReasonCodes(outcome.reasons),
    createdAt: deps.clock.now(),
  });
  await deps.approvals.supersedePending(before.id, input.reviewerKeyId, deps.clock.now());
  const eligibility = await deps.eligibility.decide(corrected.subjectId, input.actor);
  return { verification: corrected, revalidation: prepared.revalidation, eligibility };
}

const keyIdOf = (actor: Actor) => (actor.type === 'key' ? actor.id : 'system');

export type ReviewOutcome =
  | ({ kind: 'applied' } & Awaited<ReturnType<typeof applyReview>>)
  | {
      kind: 'proposed';
      approval: ReviewApproval;
      verification: Verification;
      revalidation: PreparedReview['revalidation'];
    };

/**
 * A reviewer's decision: re-validates the corrected fields, then either applies the correction
 * (applyReview) or, when it would make the case `verified` over a HARD reason, stores it as a
 * proposal for a second reviewer (the two-person rule). HARD reasons are those the case has now,
 * those the corrected fields raise, and those it had before any earlier review of it, so fixing
 * the fields first and saving `verified` second does not get around the rule.
 */
export function submitReview(deps: ReviewDeps, input: ReviewInput): Promise<ReviewOutcome> {
  return deps.transaction(async () => {
    const before = await loadCase(deps, input.id);
    // Before the two-person rule: an erased case takes no proposal either.
    refuseErased(before);
    const prepared = prepareReview(deps, before, input);
    if (prepared.verdict === 'verified') {
      const hard = [
        ...new Set([
          ...hardReasonCodes([...prepared.outcome.reasons, ...prepared.revalidation.reasons]),
          ...(await deps.reviews.hardReasonCodesBefore(before.id)),
        ]),
      ].sort();
      if (hard.length > 0) {
        const approval = await proposeReview(deps, prepared, { ...input, hardReasonCodes: hard });
        return { kind: 'proposed', approval, verification: before, revalidation: prepared.revalidation };
      }
    }
    const applied = await applyReview(deps, prepared, {
      actor: input.actor,
      note: input.note ?? null,
      expectedVersion: input.expectedVersion,
      reviewerKeyId: keyIdOf(input.actor),
    });
    return { kind: 'applied', ...applied };
  });
}

/**
 * Stores a correction for a second reviewer instead of applying it: the verification keeps its
 * verdict (so it does not count for eligibility) and stays in the queue, marked. A newer proposal
 * replaces an older one still waiting.
 */
async function proposeReview(
  deps: ReviewDeps,
  prepared: PreparedReview,
  input: ReviewInput & { hardReasonCodes: string[] },
): Promise<ReviewApproval> {
  const { before } = prepared;
  if (before.updatedAt.getTime() !== input.expectedVersion.getTime()) {
    throw new ProblemError(
      'VERSION_CONFLICT',
      `Verification ${before.id} was changed at ${before.updatedAt.toISOString()}, after you loaded it; reload it and redo your change.`,
    );
  }
  const now = deps.clock.now();
  const proposer = keyIdOf(input.actor);
  await deps.approvals.supersedePending(before.id, proposer, now);
  const changedFields = Object.keys(prepared.fields).sort();
  const approval: ReviewApproval = {
    id: deps.ids('apr'),
    verificationId: before.id,
    status: 'pending',
    proposedVerdict: prepared.verdict,
    fieldsSealed: changedFields.length > 0 ? deps.sealer.seal(JSON.stringify(prepared.fields)) : null,
    changedFields,
    noteSealed: input.note ? deps.sealer.seal(input.note) : null,
    hardReasonCodes: input.hardReasonCodes,
    baseVersion: before.updatedAt,
    proposedByKeyId: proposer,
    proposedAt: now,
    decidedByKeyId: null,
    decidedAt: null,
    decisionNoteSealed: null,
  };
  await deps.approvals.insert(approval);
  await deps.audit.append({
    entityType: 'verification',
    entityId: before.id,
    subjectId: before.subjectId,
    action: 'verification.correction_proposed',
    actor: input.actor,
    before: null,
    after: {
      approvalId: approval.id,
      proposedVerdict: approval.proposedVerdict,
      changedFields,
      hardReasonCodes: approval.hardReasonCodes,
    },
  });
  return approval;
}

export interface ApprovalDecisionInput {
  verificationId: string;
  approvalId: string;
  actor: Actor;
  decision: 'approve' | 'send_back';
  note: string | null;
}

/**
 * A second reviewer decides a proposal. Approving applies the proposed correction through the
 * same path as any review (applyReview: audit, event, eligibility), on the version it was made on;
 * sending it back closes it and the case keeps its verdict. Both are audited. The proposer may do
 * neither (403 SELF_APPROVAL_FORBIDDEN): the point is a second person.
 */
export function decideApproval(deps: ReviewDeps, input: ApprovalDecisionInput) {
  return deps.transaction(async () => {
    const approval = await deps.approvals.findById(input.approvalId);
    if (!approval || approval.verificationId !== input.verificationId) {
      throw new ProblemError('NOT_FOUND', `No proposal ${input.approvalId} on ${input.verificationId}.`);
    }
    if (approval.status !== 'pending') {
      throw new ProblemError('APPROVAL_NOT_PENDING', `Proposal ${approval.id} is ${approval.status}.`);
    }
    const decider = keyIdOf(input.actor);
    if (input.actor.type !== 'key' || decider === approval.proposedByKeyId) {
      throw new ProblemError(
        'SELF_APPROVAL_FORBIDDEN',
        'A proposal is approved or sent back by another reviewer than the one who made it.',
      );
    }
    const before = await loadCase(deps, input.verificationId);
    const noteSealed = input.note ? deps.sealer.seal(input.note) : null;
    const status = input.decision === 'approve' ? 'approved' : 'sent_back';
    const now = deps.clock.now();
    if (!(await deps.approvals.decide(approval.id, { status, byKeyId: decider, at: now, noteSealed }))) {
      throw new ProblemError('APPROVAL_NOT_PENDING', `Proposal ${approval.id} was decided meanwhile.`);
    }
    await deps.audit.append({
      entityType: 'verification',
      entityId: before.id,
      subjectId: before.subjectId,
      action:
        status === 'approved' ? 'verification.correction_approved' : 'verification.correction_sent_back',
      actor: input.actor,
      before: null,
      after: {
        approvalId: approval.id,
        proposedBy: approval.proposedByKeyId,
        proposedVerdict: approval.proposedVerdict,
        changedFields: approval.changedFields,
        ...(noteSealed ? { noteSealed } : {}),
      },
    });
    const decided: ReviewApproval = {
      ...approval,
      status,
      decidedByKeyId: decider,
      decidedAt: now,
      decisionNoteSealed: noteSealed,
    };
    if (status === 'sent_back') return { approval: decided, verification: before, eligibility: null };

    const proposal = openProposal(deps, approval);
    const prepared = prepareReview(deps, before, {
      verdict: approval.proposedVerdict,
      fields: proposal.fields,
    });
    const applied = await applyReview(deps, prepared, {
      actor: input.actor,
      note: proposal.note,
      expectedVersion: approval.baseVersion,
      reviewerKeyId: approval.proposedByKeyId,
    });
    return { approval: decided, verification: applied.verification, eligibility: applied.eligibility };
  });
}

/** A proposal's sealed field values and note, opened for the reviewers who decide it. */
export function openProposal(deps: Pick<ReviewDeps, 'sealer'>, approval: ReviewApproval) {
  return {
    fields: approval.fieldsSealed ? (JSON.parse(deps.sealer.open(approval.fieldsSealed)) as Fields) : {},
    note: approval.noteSealed ? deps.sealer.open(approval.noteSealed) : null,
    decisionNote: approval.decisionNoteSealed ? deps.sealer.open(approval.decisionNoteSealed) : null,
  };
}
