import type { Applicant, FieldEvidence, FieldValue } from '../../src/documents/document-types.js';
import type { Services } from '../../src/services.js';
import type { Verdict } from '../../src/verdicts/decide.js';
import type { Reason } from '../../src/verdicts/reasons.js';

let counter = 0;

/**
 * A completed verification written through the repository, without OCR: for tests of what
 * happens after a verdict (eligibility, audit, revocation). Its subject is created for the
 * uploading key when new, with the applicant as its identity when it has none. It has no job, so no worker picks it up.
 * With `processing`, it is left being read instead (no verdict yet).
 */
export async function seedVerification(
  services: Services,
  input: {
    subjectId: string;
    documentType:
      | 'cet_score_report'
      | 'graduation_certificate'
      | 'degree_certificate'
      | 'chsi_record'
      | 'unknown';
    verdict?: Verdict;
    fields?: Record<string, FieldValue>;
    completedAt?: Date;
    /** The original in the blob store (e.g. a committed fixture image), for pages that show it. */
    blob?: { key: string; sha256: string; mime: string; bytes: number };
    evidence?: Record<string, FieldEvidence>;
    reasons?: Reason[];
    applicant?: Applicant | null;
    /** The uploading client key (default a key that no test holds). */
    clientKeyId?: string;
    /** Leave it being read (status processing, no outcome yet) instead of completing it. */
    processing?: boolean;
  },
) {
  const now = services.clock.now();
  const id = services.ids('ver');
  counter += 1;
  const clientKeyId = input.clientKeyId ?? 'key_seed';
  const applicant =
    input.applicant === undefined ? { name: '张伟', idNumber: '11010519491231002X' } : input.applicant;
  // The subject as an upload leaves it: the first uploader's, with a complete applicant as its identity.
  const subject = await services.subjects.claim(input.subjectId, clientKeyId, now);
  if (!subject.identity && applicant?.name && applicant.idNumber) {
    await services.subjects.registerIdentity(
      input.subjectId,
      { name: applicant.name, idNumber: applicant.idNumber },
      now,
    );
  }
  await services.verifications.insert({
    id,
    subjectId: input.subjectId,
    clientKeyId,
    idempotencyKey: null,
    status: 'queued',
    documentTypeHint: null,
    applicant,
    fileSha256: input.blob?.sha256 ?? `${counter}`.padStart(64, '0'),
    fileMime: input.blob?.mime ?? 'image/jpeg',
    fileBytes: input.blob?.bytes ?? 1000,
    blobKey: input.blob?.key ?? null,
    createdAt: now,
    updatedAt: now,
  });
  if (input.processing) {
    await services.verifications.markProcessing(id, now);
    return id;
  }
  const completed = await services.verifications.complete(
    id,
    {
      documentType: input.documentType,
      fields: { name: '张伟', ...input.fields },
      evidence: input.evidence ?? {},
      verdict: input.verdict ?? 'verified',
      confidence: 0.95,
      reasons: input.reasons ?? [],
      versions: { pipeline: 'seed' },
      timingsMs: { total: 0 },
      perceptualHash: null,
      documentKey: null,
    },
    input.completedAt ?? now,
  );
  if (!completed) throw new Error(`seeded verification ${id} was not completed`);
  return id;
}
