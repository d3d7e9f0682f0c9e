import { once } from 'node:events';
import type { Logger } from 'pino';
import { type Actor, SYSTEM_ACTOR, sealedPart } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { BlobNotFoundError } from '../blobs/blob-store.js';
import type { Applicant, FieldEvidence, Fields, SupportedDocumentType } from '../documents/document-types.js';
import type { Evaluation } from '../eligibility/eligibility.models.js';
import { evaluationSummary } from '../eligibility/eligibility.usecases.js';
import { ProblemError } from '../http/problems.js';
import { PdfError } from '../imaging/pdf.js';
import type { PdfReader } from '../imaging/pdf-reader.js';
import { ImageError } from '../imaging/preprocess.js';
import type { JobHandler, JobQueue } from '../jobs/job-queue.js';
import { PermanentJobError } from '../jobs/job-queue.js';
import type { Pipeline } from '../pipeline/pipeline.types.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import type { Sealer } from '../privacy/sealer.js';
import {
  assertMayUpload,
  claimSubjectForUpload,
  completeIdentity,
  identityOrThrow,
} from '../subjects/subjects.identity.usecases.js';
import type { SubjectsRepository } from '../subjects/subjects.repository.js';
import type { Reason } from '../verdicts/reasons.js';
import type { WebhookPublisher } from '../webhooks/webhooks.usecases.js';
import { type IntakeLimits, inspectUpload } from './intake.js';
import {
  auditSnapshot,
  eventView,
  type RevocationReason,
  type Verdict,
  type Verification,
} from './verifications.models.js';
import type { VerificationsRepository } from './verifications.repository.js';

export const PROCESS_VERIFICATION_JOB = 'verification.process';

export interface SubmitDeps {
  verifications: VerificationsRepository;
  subjects: SubjectsRepository;
  blobs: BlobStore;
  queue: JobQueue;
  clock: Clock;
  ids: IdGenerator;
  limits: IntakeLimits;
  /** Counts a PDF's pages at intake, off the event loop. */
  pdf: Pick<PdfReader, 'inspect'>;
  maxAttempts: number;
  admission: { subjectPerMinute: number; subjectPerDay: number; maxQueuedJobs: number };
  audit: AuditRepository;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
}

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

export interface SubmitInput {
  clientKeyId: string;
  subjectId: string;
  file: Buffer;
  /**
   * The applicant the upload gives, if any: a complete one (name and ID number) is the subject's
   * identity, registered when it has none; the batch CLI may give a name alone.
   */
  applicant: Applicant | null;
  documentTypeHint: SupportedDocumentType | null;
  idempotencyKey: string | null;
  /** Who uploaded it; the batch CLI uploads as the system. */
  actor?: Actor;
}

/**
 * Accepts an upload: checks it, stores the original, records the verification and its job in
 * one transaction. A retried request with the same Idempotency-Key returns the first
 * verification instead of making a second one. The subject is the uploading key's (another key's
 * subject answers 404) and the document is read with the subject's identity (see
 * claimSubjectForUpload); the subject's checks and the insert are one step per subject, so
 * parallel uploads never pass the per-subject limits together.
 */
export async function submitVerification(
  deps: SubmitDeps,
  input: SubmitInput,
): Promise<{ verification: Verification; replayed: boolean }> {
  const inspected = await inspectUpload(input.file, deps.limits, deps.pdf);

  if (input.idempotencyKey) {
    const earlier = await deps.verifications.findByIdempotencyKey(input.clientKeyId, input.idempotencyKey);
    if (earlier)
      return { verification: sameRequestOrThrow(earlier, input, inspected.sha256), replayed: true };
  }

  const now = deps.clock.now();
  const actor = input.actor ?? SYSTEM_ACTOR;
  const given = completeIdentity(input.applicant);
  if (given) identityOrThrow(given, now, { name: 'applicantName', idNumber: 'applicantIdNumber' });
  // A first look, so that a refused upload stores no blob; the transaction below decides.
  await precheck(deps, input, now);
  const blobKey = await deps.blobs.put(inspected.sha256, input.file);
  const id = deps.ids('ver');
  try {
    await deps.transaction(async () => {
      const { applicant } = await claimSubjectForUpload(deps, {
        subjectId: input.subjectId,
        clientKeyId: input.clientKeyId,
        applicant: input.applicant,
        actor,
        now,
      });
      await admitForSubject(deps, input.subjectId, now);
      await deps.verifications.insert({
        id,
        subjectId: input.subjectId,
        clientKeyId: input.clientKeyId,
        idempotencyKey: input.idempotencyKey,
        status: 'queued' as const,
        documentTypeHint: input.documentTypeHint,
        applicant,
        fileSha256: inspected.sha256,
        fileMime: inspected.mime,
        fileBytes: inspected.bytes,
        blobKey,
        createdAt: now,
        updatedAt: now,
      });
      await deps.queue.enqueue({
        kind: PROCESS_VERIFICATION_JOB,
        subjectRef: id,
        maxAttempts: deps.maxAttempts,
      });
      await deps.audit.append({
        entityType: 'verification',
        entityId: id,
        subjectId: input.subjectId,
        action: 'verification.created',
        actor,
        before: null,
        after: {
          status: 'queued',
          fileSha256: inspected.sha256,
          fileMime: inspected.mime,
          fileBytes: inspected.bytes,
          documentTypeHint: input.documentTypeHint,
          applicantGiven: input.applicant !== null,
          identityKnown: completeIdentity(applicant) !== null,
        },
      });
    });
  } catch (error) {
    // Two concurrent requests with one Idempotency-Key: the unique index lets one win.
    const winner = input.idempotencyKey
      ? await deps.verifications.findByIdempotencyKey(input.clientKeyId, input.idempotencyKey)
      : null;
    if (winner) return { verification: sameRequestOrThrow(winner, input, inspected.sha256), replayed: true };
    throw error;
  }
  deps.queue.wake();
  const created = await deps.verifications.findById(id);
  if (!created) throw new Error(`verification ${id} vanished after insert`);
  return { verification: created, replayed: false };
}

/**
 * 503 + Retry-After when more documents wait than the workers drain in reasonable time. Checked
 * before the upload is read and again before it is stored; uploads in flight together can pass
 * both checks, so the depth may exceed the limit by the number of concurrent uploads.
 */
export async function assertQueueHasRoom(deps: Pick<SubmitDeps, 'queue' | 'admission'>) {
  const queued = await deps.queue.waiting(PROCESS_VERIFICATION_JOB);
  if (queued >= deps.admission.maxQueuedJobs) {
    throw new ProblemError('OVERLOADED', `${queued} documents are waiting; retry shortly.`, {
      retryAfterSeconds: 30,
    });
  }
}

/**
 * The upload's checks, read once before the blob is stored: a full queue (503), another key's
 * subject (404), a conflicting identity (409) or a spent subject limit (429) is answered without
 * writing anything. The answer may change before the transaction; the transaction's checks of the
 * subject are the ones that count.
 */
async function precheck(deps: SubmitDeps, input: SubmitInput, now: Date) {
  await assertQueueHasRoom(deps);
  const subject = await deps.subjects.findById(input.subjectId);
  if (!subject) return;
  assertMayUpload(subject, input);
  await admitForSubject(deps, input.subjectId, now);
}

/**
 * One subject cannot flood the service (per minute and per day). Run in the upload's transaction
 * after the subject is claimed, so the counts cannot change before the insert.
 */
async function admitForSubject(deps: SubmitDeps, subjectId: string, now: Date) {
  const lastMinute = await deps.verifications.countBySubjectSince(
    subjectId,
    new Date(now.getTime() - 60_000),
  );
  if (lastMinute >= deps.admission.subjectPerMinute) {
    throw new ProblemError('RATE_LIMITED', 'Too many uploads for this subject in the last minute.', {
      retryAfterSeconds: 60,
    });
  }
  const startOfDay = new Date(now);
  startOfDay.setUTCHours(0, 0, 0, 0);
  if ((await deps.verifications.countBySubjectSince(subjectId, startOfDay)) >= deps.admission.subjectPerDay) {
    const tomorrow = startOfDay.getTime() + 86_400_000;
    throw new ProblemError('RATE_LIMITED', 'The daily upload limit for this subject is reached.', {
      retryAfterSeconds: Math.ceil((tomorrow - now.getTime()) / 1000),
    });
  }
}

function sameRequestOrThrow(earlier: Verification, input: SubmitInput, sha256: string): Verification {
  if (earlier.subjectId !== input.subjectId || earlier.fileSha256 !== sha256) {
    throw new ProblemError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was first used with another file or subject.',
    );
  }
  return earlier;
}

/**
 * Waits until the verification is completed or failed, or the time is up. The queue's event
 * wakes it in-process; the periodic re-read covers workers in other processes.
 */
export async function waitForVerification(
  deps: { verifications: VerificationsRepository; queue: JobQueue },
  id: string,
  timeoutMs: number,
): Promise<Verification | null> {
  const deadline = Date.now() + timeoutMs;
  const isFinal = (v: Verification | null) => v?.status === 'completed' || v?.status === 'failed';
  let current = await deps.verifications.findById(id);
  while (!isFinal(current) && Date.now() < deadline) {
    const controller = new AbortController();
    const remaining = Math.max(0, deadline - Date.now());
    const timer = setTimeout(() => controller.abort(), Math.min(remaining, 500));
    try {
      while (true) {
        const [finishedId] = await once(deps.queue.events, 'finished', { signal: controller.signal });
        if (finishedId === id) break;
      }
    } catch {
      // timed out this round: re-read below
    } finally {
      clearTimeout(timer);
    }
    current = await deps.verifications.findById(id);
  }
  return current;
}

/**
 * Records a change already written to the verification: its audit record (before → after) and
 * its webhook event, carrying the subject's eligibility as it stands after the change. Runs in
 * the caller's transaction.
 */
async function recordChange(
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

export function createProcessVerificationHandler(
  deps: {
    verifications: VerificationsRepository;
    blobs: BlobStore;
    pipeline: Pipeline;
    clock: Clock;
    logger: Logger;
  } & ChangeDeps,
): JobHandler {
  return {
    async run(job) {
      const verification = await deps.verifications.findById(job.subjectRef);
      if (!verification) throw new PermanentJobError(`verification ${job.subjectRef} not found`, 'NOT_FOUND');
      if (!verification.blobKey) throw new PermanentJobError('the original was deleted', 'BLOB_MISSING');
      await deps.verifications.markProcessing(verification.id, deps.clock.now());
      let bytes: Buffer;
      try {
        bytes = await deps.blobs.get(verification.blobKey);
      } catch (error) {
        if (error instanceof BlobNotFoundError) throw new PermanentJobError(error.message, 'BLOB_MISSING');
        throw error;
      }
      const outcome = await deps.pipeline
        .process({
          verificationId: verification.id,
          subjectId: verification.subjectId,
          bytes,
          mime: verification.fileMime,
          sha256: verification.fileSha256,
          applicant: verification.applicant,
          documentTypeHint: (verification.documentTypeHint as SupportedDocumentType | null) ?? null,
        })
        .catch((error: unknown) => {
          // A file that cannot be decoded will not decode on a retry either.
          if (error instanceof ImageError || error instanceof PdfError) {
            throw new PermanentJobError(error.message, error.code);
          }
          throw error;
        });
      // Runs in one transaction: the verdict, its audit record and its outbox event are written
      // together or not at all, and only by the first attempt to get here (a retried job whose
      // first worker was only slow finds the verdict written and changes nothing).
      return async () => {
        const before = (await deps.verifications.findById(verification.id)) ?? verification;
        if (!(await deps.verifications.complete(verification.id, outcome, deps.clock.now()))) return;
        await recordChange(deps, { before, action: 'verification.completed', actor: SYSTEM_ACTOR });
      };
    },
    async onFailed(job, error) {
      const before = await deps.verifications.findById(job.subjectRef);
      if (!(await deps.verifications.markFailed(job.subjectRef, error.code, deps.clock.now()))) return;
      if (before) await recordChange(deps, { before, action: 'verification.failed', actor: SYSTEM_ACTOR });
    },
  };
}

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
