import type { Actor } from '../audit/audit.models.js';
import type { Fields, FieldValue } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import { ProblemError } from '../http/problems.js';
import { refuseErased } from '../verifications/verifications.changes.js';
import type { Verification } from '../verifications/verifications.models.js';
import { redactCase } from './fixture-redaction.js';
import { type ExpectedCase, type FixtureScope, reviewedCaseId } from './fixtures.store.js';
import { parseFieldValue, sha256Hex } from './review.models.js';
import { isSupported, loadCase, type ReviewDeps } from './review.usecases.js';

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
