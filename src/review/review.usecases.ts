import sharp from 'sharp';
import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { ApiKey } from '../auth/api-keys.models.js';
import { roleAllows } from '../auth/api-keys.models.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Fields, FieldValue, SupportedDocumentType } from '../documents/document-types.js';
import { DOCUMENT_TYPE_IDS } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import type { EligibilityService } from '../eligibility/eligibility.usecases.js';
import type { Authenticator } from '../http/middleware.js';
import { ProblemError } from '../http/problems.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import type { Sealer } from '../privacy/sealer.js';
import type { ChangeDeps } from '../verifications/verifications.changes.js';
import type { Verification } from '../verifications/verifications.models.js';
import type { FixtureStore } from './fixtures.store.js';
import { changedFieldValues, parseFieldValue, randomToken, sha256Hex } from './review.models.js';
import type { ReviewApprovalsRepository } from './review-approvals.repository.js';
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

export const isSupported = (type: string): type is SupportedDocumentType =>
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
