import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../audit/audit.models.js';
import { BlobNotFoundError, type BlobStore } from '../blobs/blob-store.js';
import type { SupportedDocumentType } from '../documents/document-types.js';
import { PdfError } from '../imaging/pdf.js';
import { ImageError } from '../imaging/preprocess.js';
import { type JobHandler, PermanentJobError } from '../jobs/job-queue.js';
import type { Pipeline } from '../pipeline/pipeline.types.js';
import type { Clock } from '../platform/clock.js';
import { type ChangeDeps, recordChange } from './verifications.changes.js';
import type { VerificationsRepository } from './verifications.repository.js';

/**
 * The worker's half of an upload: reads the stored original through the pipeline, then writes the
 * verdict (or, once the job gives up, the failure) with its audit record and event.
 */
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
