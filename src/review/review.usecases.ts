import sharp from 'sharp';
import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { ApiKey } from '../auth/api-keys.models.js';
import { roleAllows } from '../auth/api-keys.models.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type {
  FieldEvidence,
  Fields,
  FieldValue,
  SupportedDocumentType,
} from '../documents/document-types.js';
import { DOCUMENT_TYPE_IDS } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import type { EligibilityService } from '../eligibility/eligibility.usecases.js';
import type { Authenticator } from '../http/middleware.js';
import { ProblemError } from '../http/problems.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import type { Sealer } from '../privacy/sealer.js';
import { decideVerdict, type Verdict } from '../verdicts/decide.js';
import { hardReasonCodes } from '../verdicts/hard-reasons.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import { type ChangeDeps, refuseErased } from '../verifications/verifications.changes.js';
import { correctVerification } from '../verifications/verifications.correct.usecases.js';
import type { Verification } from '../verifications/verifications.models.js';
import { redactCase } from './fixture-redaction.js';
import { type ExpectedCase, type FixtureScope, type FixtureStore, reviewedCaseId } from './fixtures.store.js';
import {
  changedFieldValues,
  mergeRevalidatedReasons,
  parseFieldValue,
  randomToken,
  sha256Hex,
  VERDICT_LABELS,
} from './review.models.js';
import type { ReviewApproval, ReviewApprovalsRepository } from './review-approvals.repository.js';
import type { ReviewSession, ReviewSessionsRepository } from './review-sessions.repository.js';
import type { ReviewsRepository } from './reviews.repository.js';

export interface ReviewDeps extends ChangeDeps {
  authenticator: Authenticator;
  reviewSessions: ReviewSessionsRepository;
  reviews: ReviewsRepository;
  approvals: ReviewApprovalsRepository;
  /** Seals and opens proposed field values and notes. */
  sealer: Sealer;
  fixtures: FixtureStore;
  blobs: BlobStore;
  eligibility: EligibilityService;
  queue: Pick<JobQueue, 'wake'>;
  ids: IdGenerator;
  clock: Clock;
  audit: AuditRepository;
  /** `trustProxy`: believe X-Forwarded-Proto/-Host (TRUST_PROXY). */
  settings: { qcSampleOneIn: number; sessionHours: number; trustProxy: boolean };
}

// ---- sessions ---------------------------------------------------------------------------------

export class SignInRefused extends Error {
  override readonly name = 'SignInRefused';
  constructor(readonly why: 'invalid_key' | 'wrong_role') {
    super(why);
  }
}

/** A reviewer or admin key opens a session; any other key, or none, is refused. */
export async function signIn(
  deps: Pick<ReviewDeps, 'authenticator' | 'reviewSessions' | 'clock' | 'settings'>,
  secret: string,
) {
  const key = secret.trim() ? await deps.authenticator.authenticate(secret.trim()) : null;
  if (!key) throw new SignInRefused('invalid_key');
  if (!roleAllows(key.role, ['reviewer'])) throw new SignInRefused('wrong_role');
  const sessionId = randomToken();
  const now = deps.clock.now();
  await deps.reviewSessions.deleteExpired(now);
  await deps.reviewSessions.insert({
    idHash: sha256Hex(sessionId),
    keyId: key.id,
    csrfToken: randomToken(),
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.settings.sessionHours * 3_600_000),
  });
  return { sessionId, key, maxAgeSeconds: Math.round(deps.settings.sessionHours * 3600) };
}

export async function findSession(
  deps: Pick<ReviewDeps, 'reviewSessions' | 'clock'>,
  sessionId: string | undefined,
): Promise<ReviewSession | null> {
  if (!sessionId || sessionId.length > 128) return null;
  return deps.reviewSessions.findLive(sha256Hex(sessionId), deps.clock.now());
}

export async function signOut(deps: Pick<ReviewDeps, 'reviewSessions'>, sessionId: string | undefined) {
  if (sessionId) await deps.reviewSessions.delete(sha256Hex(sessionId));
}

export const actorOf = (key: Pick<ApiKey, 'id' | 'role'> | ReviewSession): Actor =>
  'keyId' in key
    ? { type: 'key', id: key.keyId, role: key.role }
    : { type: 'key', id: key.id, role: key.role };

// ---- queue and metrics ------------------------------------------------------------------------

// In their own module (no sharp, no fixture files), so the edge Worker can serve them too.
export { reviewMetrics, reviewQueue } from './review.queue.js';

// ---- a case -----------------------------------------------------------------------------------

const isSupported = (type: string): type is SupportedDocumentType =>
  (DOCUMENT_TYPE_IDS as readonly string[]).includes(type);

/** The type's fields in schema order, then any other field the outcome holds. */
export function fieldNamesFor(v: Verification): string[] {
  const type = v.outcome?.documentType ?? 'unknown';
  const schemaFields = isSupported(type) ? Object.keys(documentModuleFor(type).schema.shape) : [];
  return [...new Set([...schemaFields, ...Object.keys(v.outcome?.fields ?? {})])];
}

export async function loadCase(deps: Pick<ReviewDeps, 'verifications'>, id: string): Promise<Verification> {
  const v = await deps.verifications.findById(id);
  if (!v?.outcome) throw new ProblemError('NOT_FOUND', `No completed verification ${id}.`);
  return v;
}

/** Width and height as the browser shows the original (EXIF orientation applied); null for PDFs. */
export async function imageSize(deps: Pick<ReviewDeps, 'blobs'>, v: Verification) {
  if (!v.blobKey || !v.fileMime.startsWith('image/')) return null;
  try {
    const meta = await sharp(await deps.blobs.get(v.blobKey)).metadata();
    if (!meta.width || !meta.height) return null;
    const swapped = (meta.orientation ?? 1) >= 5;
    return swapped ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
  } catch {
    return null;
  }
}

/** The original, for an authenticated reviewer; every look is written to the audit trail. */
export async function readOriginal(
  deps: Pick<ReviewDeps, 'verifications' | 'blobs' | 'audit'>,
  id: string,
  actor: Actor,
) {
  const v = await deps.verifications.findById(id);
  if (!v?.blobKey) throw new ProblemError('NOT_FOUND', `No original for ${id}.`);
  const bytes = await deps.blobs.get(v.blobKey);
  await deps.audit.append({
    entityType: 'verification',
    entityId: v.id,
    subjectId: v.subjectId,
    action: 'verification.image_viewed',
    actor,
    before: null,
    after: { fileSha256: v.fileSha256 },
  });
  return { bytes, mime: v.fileMime };
}

/** Form text to typed field values, keeping only those that differ from the stored ones. */
export function fieldsFromForm(v: Verification, form: Record<string, string>): Fields {
  const type = v.outcome?.documentType ?? 'unknown';
  const shape = isSupported(type) ? documentModuleFor(type).schema.shape : {};
  const next: Fields = {};
  for (const name of fieldNamesFor(v)) {
    const raw = form[name];
    if (raw === undefined) continue;
    const schema = (shape as Record<string, { safeParse(x: unknown): { success: boolean } }>)[name];
    const accepts = (value: FieldValue) =>
      schema ? schema.safeParse(value).success : typeof value === 'string';
    next[name] = parseFieldValue(raw, accepts, v.outcome?.fields[name]);
  }
  return changedFieldValues(v.outcome?.fields ?? {}, next);
}

/**
 * Re-runs the type's validators on the corrected fields (with the stored applicant), keeps the
 * reasons that do not come from the fields, and decides the verdict the rules would give now.
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
  const fieldReasons = module.validate(
    { fields, evidence },
    { now: deps.clock.now(), applicant: v.applicant },
  );
  const reasons = mergeRevalidatedReasons(outcome.reasons, fieldReasons);
  const decision = decideVerdict({
    qualityReasons: [],
    classification: { type, confidence: 1 },
    reasons,
    fieldConfidences: module.scoredFields.map((f) =>
      fields[f] == null ? 0 : (evidence[f]?.confidence ?? 0),
    ),
  });
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

// ---- fixtures ---------------------------------------------------------------------------------

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
};

/**
 * Exports a reviewed case into the fixture set. Every value in expected.json that identifies the
 * person (name, ID number, birth date, certificate, ticket and report numbers, CHSI code) is
 * replaced by a synthetic one that passes the same rules (fixture-redaction.ts). The image still
 * shows the real person, so by default the case is private (`<FIXTURES_DIR>/private/<case>/`,
 * git-ignored); only a reviewer who states that the image itself holds no real person (a synthetic
 * or generated document) exports it as public. The case names the verification it came from, so
 * erasing the subject deletes it.
 */
const APPLICANT_CODES = new Set([
  'APPLICANT_NAME_MISMATCH',
  'APPLICANT_NAME_UNCERTAIN',
  'APPLICANT_ID_MISMATCH',
  'APPLICANT_ID_PARTIAL',
]);

/**
 * What the eval may expect of an exported case, whose manifest line binds no applicant (see
 * exportFixture): no identity is known, so the pipeline gives it at most `needs_review` with
 * APPLICANT_UNKNOWN (src/verdicts/decide.ts), and no applicant check can reject it. The
 * reviewer's own verdict is kept beside it.
 */
function unboundExpectation(outcome: NonNullable<Verification['outcome']>) {
  const reasons = outcome.reasons.filter((r) => r.code !== 'REVIEWER_DECISION' && r.severity !== 'info');
  const otherReasons = reasons.filter((r) => !APPLICANT_CODES.has(r.code));
  const rejectedOnlyAsSomeoneElse =
    outcome.verdict === 'rejected' && !otherReasons.some((r) => r.severity === 'hard');
  const verdict =
    outcome.verdict === 'verified' || rejectedOnlyAsSomeoneElse ? 'needs_review' : outcome.verdict;
  return {
    verdict,
    acceptableVerdicts: [verdict],
    reviewerVerdict: outcome.verdict,
    expectedReasons: [
      ...otherReasons.map((r) => r.code),
      ...(verdict === 'needs_review' ? ['APPLICANT_UNKNOWN'] : []),
    ],
  };
}

export async function exportFixture(
  deps: Pick<ReviewDeps, 'verifications' | 'reviews' | 'blobs' | 'fixtures' | 'audit'>,
  input: { id: string; actor: Actor; imageHasNoRealPerson: boolean },
) {
  const v = await loadCase(deps, input.id);
  refuseErased(v);
  const outcome = v.outcome as NonNullable<Verification['outcome']>;
  if ((await deps.reviews.countFor(v.id)) === 0) {
    throw new ProblemError(
      'VALIDATION_FAILED',
      'Only a reviewed case can become a fixture: save a review first.',
    );
  }
  if (!v.blobKey) throw new ProblemError('NOT_FOUND', `The original of ${v.id} was deleted.`);
  const bytes = await deps.blobs.get(v.blobKey);
  const scope: FixtureScope = input.imageHasNoRealPerson ? 'public' : 'private';
  const caseId = reviewedCaseId(v.id);
  const redacted = redactCase({
    documentType: outcome.documentType,
    fields: outcome.fields,
    applicant: v.applicant,
  });
  const subjectId = `u-reviewed-${sha256Hex(v.subjectId).slice(0, 8)}`;
  const expected: ExpectedCase = {
    caseId,
    kind: 'reviewed',
    variant: v.fileMime === 'application/pdf' ? 'pdf' : 'photo',
    subjectId,
    applicant: redacted.applicant,
    documentType: outcome.documentType,
    fields: redacted.fields,
    ...unboundExpectation(outcome),
    legible: outcome.verdict !== 'needs_retake',
    private: scope === 'private',
    redactedFields: redacted.redactedFields,
    sourceVerificationId: v.id,
  };
  const created = deps.fixtures.create({
    scope,
    caseId,
    inputExt: EXTENSIONS[v.fileMime] ?? 'bin',
    inputBytes: bytes,
    expected,
    // The image shows the real person, the expected values a synthetic one: binding them would
    // only measure the redaction, so the manifest line gives no applicant.
    manifestLine: { subjectId, applicant: null },
  });
  await deps.audit.append({
    entityType: 'verification',
    entityId: v.id,
    subjectId: v.subjectId,
    action: 'verification.fixture_exported',
    actor: input.actor,
    before: null,
    after: { caseId, scope },
  });
  return { caseId, scope, dir: created.dir, manifest: created.manifest };
}

/** A reviewer's correction of an existing fixture's expected values (and verdict). */
export function correctFixture(
  deps: Pick<ReviewDeps, 'fixtures'>,
  input: {
    scope: FixtureScope;
    caseId: string;
    version: string;
    form: Record<string, string>;
    verdict?: string;
  },
) {
  const current = deps.fixtures.read(input.scope, input.caseId);
  if (!current) throw new ProblemError('NOT_FOUND', `No fixture case ${input.caseId}.`);
  const type = current.expected.documentType;
  const shape = isSupported(type) ? documentModuleFor(type).schema.shape : {};
  const fields: Fields = { ...current.expected.fields };
  for (const name of Object.keys(current.expected.fields)) {
    const raw = input.form[name];
    if (raw === undefined) continue;
    const schema = (shape as Record<string, { safeParse(x: unknown): { success: boolean } }>)[name];
    const accepts = (value: FieldValue) =>
      schema ? schema.safeParse(value).success : typeof value === 'string';
    fields[name] = parseFieldValue(raw, accepts, current.expected.fields[name]);
  }
  const verdict = input.verdict ?? current.expected.verdict;
  const acceptable = current.expected.acceptableVerdicts ?? [current.expected.verdict];
  return deps.fixtures.update(input.scope, input.caseId, input.version, {
    ...current.expected,
    fields,
    verdict,
    acceptableVerdicts: acceptable.includes(verdict) ? acceptable : [verdict, ...acceptable],
  });
}
