import type { Fields, SupportedDocumentType } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import { hammingDistance, SAME_DOCUMENT_MAX_DISTANCE } from '../imaging/phash.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import type { SeenBefore } from './pipeline.types.js';

/** The paper's identity: its type and the value of the field that names one paper of that type. */
export function documentKey(type: SupportedDocumentType, fields: Fields): string | null {
  const value = fields[documentModuleFor(type).identifyingField];
  return typeof value === 'string' && value.length >= 12 && !value.includes('*') ? `${type}:${value}` : null;
}

/**
 * The same file, or the same paper (same identifier), seen before under another subject is a
 * hard duplicate. A perceptual-hash match alone only says "same layout and framing" (phash.ts),
 * so it counts only together with the same identifier; under the same subject it is just a resubmission.
 */
export async function duplicateReasons(
  seenBefore: SeenBefore,
  input: {
    verificationId: string;
    subjectId: string;
    fileSha256: string;
    documentKey: string | null;
    perceptualHash: string | null;
  },
): Promise<Reason[]> {
  const copies = await seenBefore.findCopies({
    excludeId: input.verificationId,
    fileSha256: input.fileSha256,
    documentKey: input.documentKey,
  });
  const otherSubjects = copies.filter((c) => c.subjectId !== input.subjectId);
  if (otherSubjects.length) {
    const how = otherSubjects.some((c) => c.sameFile) ? 'The same file' : 'The same document number';
    const nearPhoto =
      input.perceptualHash &&
      (await seenBefore.listPerceptualHashes(input.verificationId)).some(
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
