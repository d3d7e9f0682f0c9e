import { once } from 'node:events';
import type { Logger } from 'pino';
import type { BlobStore } from '../blobs/blob-store.js';
import { BlobNotFoundError } from '../blobs/blob-store.js';
import type { Applicant, SupportedDocumentType } from '../documents/document-types.js';
import { ProblemError } from '../http/problems.js';
import type { JobHandler, JobRunner } from '../jobs/job-runner.js';
import { PermanentJobError } from '../jobs/job-runner.js';
import type { JobsRepository } from '../jobs/jobs.repository.js';
import { PdfError } from '../pipeline/pdf.js';
import type { Pipeline } from '../pipeline/pipeline.types.js';
import { ImageError } from '../pipeline/preprocess.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import { type IntakeLimits, inspectUpload } from './intake.js';
import type { Verification } from './verifications.models.js';
import type { VerificationsRepository } from './verifications.repository.js';

export const PROCESS_VERIFICATION_JOB = 'verification.process';

export interface SubmitDeps {
  verifications: VerificationsRepository;
  jobs: JobsRepository;
  blobs: BlobStore;
  runner: JobRunner;
  clock: Clock;
  ids: IdGenerator;
  limits: IntakeLimits;
  maxAttempts: number;
}

export interface SubmitInput {
  clientKeyId: string;
  subjectId: string;
  file: Buffer;
  applicant: Applicant | null;
  documentTypeHint: SupportedDocumentType | null;
  idempotencyKey: string | null;
}

/**
 * Accepts an upload: checks it, stores the original, records the verification and its job in
 * one transaction. A retried request with the same Idempotency-Key returns the first
 * verification instead of making a second one.
 */
export async function submitVerification(
  deps: SubmitDeps,
  input: SubmitInput,
): Promise<{ verification: Verification; replayed: boolean }> {
  const inspected = await inspectUpload(input.file, deps.limits);

  if (input.idempotencyKey) {
    const earlier = deps.verifications.findByIdempotencyKey(input.clientKeyId, input.idempotencyKey);
    if (earlier)
      return { verification: sameRequestOrThrow(earlier, input, inspected.sha256), replayed: true };
  }

  const blobKey = await deps.blobs.put(inspected.sha256, input.file);
  const now = deps.clock.now();
  const id = deps.ids('ver');
  const record = {
    id,
    subjectId: input.subjectId,
    clientKeyId: input.clientKeyId,
    idempotencyKey: input.idempotencyKey,
    status: 'queued' as const,
    documentTypeHint: input.documentTypeHint,
    applicant: input.applicant,
    fileSha256: inspected.sha256,
    fileMime: inspected.mime,
    fileBytes: inspected.bytes,
    blobKey,
    createdAt: now,
    updatedAt: now,
  };
  const job = deps.jobs.newJobRow({
    id: deps.ids('job'),
    kind: PROCESS_VERIFICATION_JOB,
    subjectRef: id,
    maxAttempts: deps.maxAttempts,
    now,
  });
  try {
    deps.verifications.insertWithJob(record, job);
  } catch (error) {
    // Two concurrent requests with one Idempotency-Key: the unique index lets one win.
    const winner = input.idempotencyKey
      ? deps.verifications.findByIdempotencyKey(input.clientKeyId, input.idempotencyKey)
      : null;
    if (winner) return { verification: sameRequestOrThrow(winner, input, inspected.sha256), replayed: true };
    throw error;
  }
  deps.runner.wake();
  const created = deps.verifications.findById(id);
  if (!created) throw new Error(`verification ${id} vanished after insert`);
  return { verification: created, replayed: false };
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
 * Waits until the verification is completed or failed, or the time is up. The runner's event
 * wakes it in-process; the periodic re-read covers workers in other processes.
 */
export async function waitForVerification(
  deps: { verifications: VerificationsRepository; runner: JobRunner },
  id: string,
  timeoutMs: number,
): Promise<Verification | null> {
  const deadline = Date.now() + timeoutMs;
  const isFinal = (v: Verification | null) => v?.status === 'completed' || v?.status === 'failed';
  let current = deps.verifications.findById(id);
  while (!isFinal(current) && Date.now() < deadline) {
    const controller = new AbortController();
    const remaining = Math.max(0, deadline - Date.now());
    const timer = setTimeout(() => controller.abort(), Math.min(remaining, 500));
    try {
      while (true) {
        const [finishedId] = await once(deps.runner.events, 'finished', { signal: controller.signal });
        if (finishedId === id) break;
      }
    } catch {
      // timed out this round: re-read below
    } finally {
      clearTimeout(timer);
    }
    current = deps.verifications.findById(id);
  }
  return current;
}

export function createProcessVerificationHandler(deps: {
  verifications: VerificationsRepository;
  blobs: BlobStore;
  pipeline: Pipeline;
  clock: Clock;
  logger: Logger;
}): JobHandler {
  return {
    async run(job) {
      const verification = deps.verifications.findById(job.subjectRef);
      if (!verification) throw new PermanentJobError(`verification ${job.subjectRef} not found`, 'NOT_FOUND');
      if (!verification.blobKey) throw new PermanentJobError('the original was deleted', 'BLOB_MISSING');
      deps.verifications.markProcessing(verification.id, deps.clock.now());
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
      return () => deps.verifications.complete(verification.id, outcome, deps.clock.now());
    },
    onFailed(job, error) {
      deps.verifications.markFailed(job.subjectRef, error.code, deps.clock.now());
    },
  };
}
