import {
  idNumberFacts,
  isMaskedIdNumber,
  matchIdNumbers,
  normalizeIdNumber,
  validateIdNumber,
} from '../text/id-number.js';
import { matchNames } from '../text/names.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import type { Applicant, Extraction } from './document-types.js';
import { printedIdNumberReasons, stringField } from './field-checks.js';

/**
 * Binds a document to the applicant (docs/formats.md X7, Z1, Z2, §5.4, §6.2):
 * - name: same after normalization or without dots → bound; a wildcard, a truncated long name, or
 *   one character an OCR misreading explains (a look-alike, an unsure reading, a long name) →
 *   APPLICANT_NAME_UNCERTAIN (soft); anything else, read confidently → APPLICANT_NAME_MISMATCH (hard);
 * - ID number printed on the document (CET, CHSI): compared on the positions revealed on both
 *   sides; any difference → APPLICANT_ID_MISMATCH (hard); a masked agreement corroborates only →
 *   APPLICANT_ID_PARTIAL (info);
 * - birth date and gender printed on the document against the applicant's ID (I4, I6, G7) →
 *   APPLICANT_ID_MISMATCH (hard);
 * - the printed ID number's own structure (check digit I2 and the rest of §5.3), with or without
 *   an applicant.
 * Whether the applicant is a whole identity at all is `identityReasons`.
 */
export function applicantBindingReasons(
  extraction: Extraction,
  applicant: Applicant | null,
  now: Date,
): Reason[] {
  const reasons = printedIdNumberReasons(extraction, now);
  if (applicant === null) return reasons;
  reasons.push(...nameBindingReasons(extraction, applicant));
  const applicantId = applicant.idNumber ? normalizeIdNumber(applicant.idNumber) : null;
  if (
    applicant.idNumber &&
    (applicantId === null || validateIdNumber(applicantId, now).some((p) => p.severity === 'hard'))
  ) {
    reasons.push(
      reason(
        'FIELD_FORMAT_INVALID',
        'soft',
        "the applicant's ID number is not a valid ID number: it binds nothing",
        {
          field: 'applicant.idNumber',
        },
      ),
    );
    return reasons;
  }
  if (applicantId === null) return reasons;
  reasons.push(
    ...idNumberBindingReasons(extraction, applicantId),
    ...birthDateAndGenderReasons(extraction, applicantId),
  );
  return reasons;
}

/**
 * A document is verified only when it is bound to the subject's known identity (docs/contract.md,
 * "Verdicts"): with no applicant, or one without a name or a complete ID number (what a subject's
 * identity is, src/subjects/subjects.models.ts), it binds to nobody → APPLICANT_UNKNOWN (soft, and
 * never verified whatever its severity, src/verdicts/decide.ts). Whatever part was given is still
 * checked by `applicantBindingReasons`.
 */
export function identityReasons(applicant: Applicant | null): Reason[] {
  if (applicant?.name?.trim() && applicant.idNumber) {
    const idNumber = normalizeIdNumber(applicant.idNumber);
    if (idNumber !== null && !isMaskedIdNumber(idNumber)) return [];
  }
  return [
    reason(
      'APPLICANT_UNKNOWN',
      'soft',
      'no identity (name and ID number) is known for the subject: the document cannot be bound to the applicant',
      { messageZh: '未提供申请人身份信息（姓名和身份证号），无法确认证件属于申请人' },
    ),
  ];
}

function nameBindingReasons(extraction: Extraction, applicant: Applicant): Reason[] {
  const documentName = stringField(extraction, 'name');
  if (!applicant.name || documentName === null) return [];
  const evidence = extraction.evidence.name;
  const outcome = matchNames(
    documentName,
    applicant.name,
    evidence ? { confidence: evidence.confidence } : undefined,
  );
  if (outcome === 'match') return [];
  if (outcome === 'uncertain') {
    return [
      reason(
        'APPLICANT_NAME_UNCERTAIN',
        'soft',
        'the name matches the applicant only partly (a placeholder, a truncation or one differing character)',
        {
          field: 'name',
          messageZh: '姓名无法完全确认与申请人一致',
        },
      ),
    ];
  }
  return [
    reason('APPLICANT_NAME_MISMATCH', 'hard', 'the name on the document is not the applicant’s', {
      field: 'name',
      messageZh: '证件姓名与申请人不一致',
    }),
  ];
}

function idNumberBindingReasons(extraction: Extraction, applicantId: string): Reason[] {
  const printed = stringField(extraction, 'idNumber');
  const documentId = printed === null ? null : normalizeIdNumber(printed);
  if (documentId === null) return [];
  const { outcome, comparedPositions } = matchIdNumbers(documentId, applicantId);
  switch (outcome) {
    case 'match':
      return [];
    case 'mismatch':
      return [
        reason('APPLICANT_ID_MISMATCH', 'hard', 'the ID number on the document is not the applicant’s', {
          field: 'idNumber',
          messageZh: '证件号码与申请人不一致',
        }),
      ];
    case 'partial':
      return [
        reason(
          'APPLICANT_ID_PARTIAL',
          'info',
          `the masked ID number agrees on ${comparedPositions} positions`,
          {
            field: 'idNumber',
          },
        ),
      ];
    case 'insufficient':
      return [
        reason('APPLICANT_ID_PARTIAL', 'info', 'the ID number is masked too much to compare', {
          field: 'idNumber',
        }),
      ];
  }
}

function birthDateAndGenderReasons(extraction: Extraction, applicantId: string): Reason[] {
  const facts = idNumberFacts(applicantId);
  const reasons: Reason[] = [];
  const birthDate = stringField(extraction, 'birthDate');
  if (birthDate !== null && facts.birthDate !== null && birthDate !== facts.birthDate) {
    reasons.push(
      reason('APPLICANT_ID_MISMATCH', 'hard', "the birth date differs from the applicant's ID number", {
        field: 'birthDate',
      }),
    );
  }
  const gender = stringField(extraction, 'gender');
  if (gender !== null && facts.gender !== null && gender !== facts.gender) {
    reasons.push(
      reason('APPLICANT_ID_MISMATCH', 'hard', "the gender differs from the applicant's ID number", {
        field: 'gender',
      }),
    );
  }
  return reasons;
}
