import { once } from 'node:events';
import { type Actor, SYSTEM_ACTOR } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Applicant, SupportedDocumentType } from '../documents/document-types.js';
import { ProblemError } from '../http/problems.js';
import type { PdfReader } from '../imaging/pdf-reader.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import {
  assertMayUpload,
  claimSubjectForUpload,
  completeIdentity,
  identityOrThrow,
} from '../subjects/subjects.identity.usecases.js';
import type { SubjectsRepository } from '../subjects/subjects.repository.js';
import { type IntakeLimits, inspectUpload } from './intake.js';
import { PROCESS_VERIFICATION_JOB, type Verification } from './verifications.models.js';
import type { VerificationsRepository } from './verifications.repository.js';

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
