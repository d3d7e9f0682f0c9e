import type { Fields, SupportedDocumentType } from '../documents/document-types.js';
import { hammingDistance, SAME_DOCUMENT_MAX_DISTANCE } from '../imaging/phash.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';

/** The field that names one paper: two subjects presenting the same one is one paper used twice. */
const IDENTIFYING_FIELD: Record<SupportedDocumentType, string> = {
  cet_score_report: 'reportNumber',
  graduation_certificate: 'certificateNumber',
  degree_certificate: 'certificateNumber',
  chsi_record: 'verificationCode',
};

export function documentKey(type: SupportedDocumentType, fields: Fields): string | null {
  const value = fields[IDENTIFYING_FIELD[type]];
  return typeof value === 'string' && value.length >= 12 && !value.includes('*') ? `${type}:${value}` : null;
}

/**
 * The same file, or the same paper (same identifier), seen before under another subject is a
 * hard duplicate. A perceptual-hash match alone only says "same layout and framing" (phash.ts),
 * so it counts only together with the same identifier; under the same subject it is just a resubmission.
 */
export async function duplicateReasons(
  verifications: VerificationsRepository,
  input: {
    verificationId: string;
    subjectId: string;
    fileSha256: string;
    documentKey: string | null;
    perceptualHash: string | null;
  },
): Promise<Reason[]> {
  const copies = await verifications.findCopies({
    excludeId: input.verificationId,
    fileSha256: input.fileSha256,
    documentKey: input.documentKey,
  });
  const otherSubjects = copies.filter((c) => c.subjectId !== input.subjectId);
  if (otherSubjects.length) {
    const how = otherSubjects.some((c) => c.sameFile) ? 'The same file' : 'The same document number';
    const nearPhoto =
      input.perceptualHash &&
      (await verifications.listPerceptualHashes(input.verificationId)).some(
        (h) =>
          h.subjectId !== input.subjectId &&
          hammingDistance(h.hash, input.perceptualHash as string) <= SAME_DOCUMENT_MAX_DISTANCE,
      );
    return [
      reason(
        'DUPLICATE_ACROSS_SUBJECTS',
        'hard',
        `${how}${nearPhoto ? ' (and a matching photo)' : ''} was submitted for another applicant.`,
        { messageZh: '该文件已被其他申请人提交。' },
      ),
    ];
  }
  if (copies.length) {
    return [
      reason('DUPLICATE_SAME_SUBJECT', 'info', 'This document was submitted before for the same applicant.'),
    ];
  }
  return [];
}
