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
import { decideVerdict } from '../verdicts/decide.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import type { Verdict, Verification } from '../verifications/verifications.models.js';
import {
  type ChangeDeps,
  correctVerification,
  refuseErased,
} from '../verifications/verifications.usecases.js';
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
import type { ReviewSession, ReviewSessionsRepository } from './review-sessions.repository.js';
import type { ReviewsRepository } from './reviews.repository.js';

export interface ReviewDeps extends ChangeDeps {
  authenticator: Authenticator;
  reviewSessions: ReviewSessionsRepository;
  reviews: ReviewsRepository;
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

/**
 * A reviewer's decision: re-validates the corrected fields, then records the correction through
 * correctVerification (verdict, fields, reasons, audit record and event in one transaction, refused
 * with 409 when the case changed since it was loaded), the review row for the metrics, and a fresh
 * eligibility decision for the subject.
 */
export function submitReview(deps: ReviewDeps, input: ReviewInput) {
  return deps.transaction(async () => {
    const before = await loadCase(deps, input.id);
    const outcome = before.outcome as NonNullable<Verification['outcome']>;
    const fields = { ...outcome.fields, ...input.fields };
    const evidence: Record<string, FieldEvidence> = { ...outcome.evidence };
    for (const [name, value] of Object.entries(input.fields ?? {})) {
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
    const corrected = await correctVerification(deps, {
      id: input.id,
      actor: input.actor,
      verdict,
      ...(input.fields && Object.keys(input.fields).length > 0 ? { fields: input.fields } : {}),
      note: input.note ?? null,
      reasons,
      expectedVersion: input.expectedVersion,
    });
    await deps.reviews.insert({
      id: deps.ids('rev'),
      verificationId: input.id,
      reviewerKeyId: input.actor.type === 'key' ? input.actor.id : 'system',
      documentType: outcome.documentType,
      machineVerdict: outcome.verdict,
      reviewerVerdict: verdict,
      changedFields: Object.keys(input.fields ?? {}).sort(),
      createdAt: deps.clock.now(),
    });
    const eligibility = await deps.eligibility.decide(corrected.subjectId, input.actor);
    return { verification: corrected, revalidation, eligibility };
  });
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
    verdict: outcome.verdict,
    acceptableVerdicts: [outcome.verdict],
    expectedReasons: outcome.reasons
      .filter((r) => r.code !== 'REVIEWER_DECISION' && r.severity !== 'info')
      .map((r) => r.code),
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
