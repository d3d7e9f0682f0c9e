import {
  type DigitMisread,
  digitDifferences,
  explainIdDifference,
  idNumberFacts,
  isMaskedIdNumber,
  matchIdNumbers,
  normalizeIdNumber,
  validateIdNumber,
} from '../text/id-number.js';
import { compareNames, type LikelyMisread, type NameDifference } from '../text/names.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import type { Applicant, Extraction, FieldEvidence } from './document-types.js';
import { printedIdNumberReasons, stringField } from './field-checks.js';

/**
 * Binds a document to the applicant (docs/formats.md X7, Z1, Z2, §5.4, §6.2), telling an OCR
 * misreading from another person (docs/adr/0014): a misreading asks a person to look and never
 * rejects; only a difference OCR does not produce, read clearly, rejects; nothing but an exact
 * agreement binds.
 * - name (`compareNames`): same after normalization or without dots → bound; a different surname
 *   or a different length read clearly → APPLICANT_NAME_MISMATCH (hard); any other difference →
 *   APPLICANT_NAME_UNCERTAIN (soft), naming the likely misread;
 * - ID number printed on the document (CET, CHSI): compared on the positions revealed on both
 *   sides; a difference read clearly → APPLICANT_ID_MISMATCH (hard); a misread digit
 *   (`explainIdDifference`) → APPLICANT_ID_PARTIAL (soft), and the failed check digit or the
 *   disagreeing birth date the misread causes on the document is soft too; a masked agreement
 *   corroborates only → APPLICANT_ID_PARTIAL (info);
 * - birth date and gender printed on the document against the applicant's ID (I4, I6, G7) →
 *   APPLICANT_ID_MISMATCH (hard), one misread digit of the birth date → APPLICANT_ID_PARTIAL (soft);
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
  const idBinding = idNumberBindingReasons(extraction, applicantId);
  const printedReasons = idBinding.misread
    ? softenMisreadConsequences(reasons, extraction, applicantId)
    : reasons;
  return [...printedReasons, ...idBinding.reasons, ...birthDateAndGenderReasons(extraction, applicantId)];
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
  const comparison = compareNames(documentName, applicant.name, readingOf(evidence));
  if (comparison.outcome === 'match') return [];
  if (comparison.outcome === 'uncertain') {
    const { message, messageZh } = nameDoubtMessage(comparison.difference, comparison.misreads);
    return [reason('APPLICANT_NAME_UNCERTAIN', 'soft', message, { field: 'name', messageZh })];
  }
  const why =
    comparison.difference === 'surname'
      ? 'a different surname, read clearly'
      : 'a name of a different length, read clearly';
  return [
    reason('APPLICANT_NAME_MISMATCH', 'hard', `the name on the document is not the applicant’s: ${why}`, {
      field: 'name',
      messageZh: '证件姓名与申请人不一致',
    }),
  ];
}

/** The evidence as the text matchers take it: its confidence and the recogniser's doubts. */
function readingOf(evidence: FieldEvidence | undefined) {
  if (!evidence) return undefined;
  return evidence.characters
    ? { confidence: evidence.confidence, characters: evidence.characters }
    : { confidence: evidence.confidence };
}

const MISREAD_CAUSE: Record<LikelyMisread['cause'], [string, string]> = {
  'look-alike': ['a look-alike', '形近字'],
  candidate: ["the recogniser's second reading", '识别备选字'],
  unsure: ['read unsurely', '识别不确定'],
};

/** What the reviewer is told about a name that differs the way OCR differs: the likely misread. */
function nameDoubtMessage(
  difference: NameDifference | undefined,
  misreads: readonly LikelyMisread[],
): { message: string; messageZh: string } {
  const misreadList = misreads
    .map((m) => `${m.read} read for ${m.expected} (${MISREAD_CAUSE[m.cause][0]})`)
    .join(', ');
  const misreadListZh = misreads
    .map((m) => `“${m.expected}”可能被识别为“${m.read}”（${MISREAD_CAUSE[m.cause][1]}）`)
    .join('，');
  const withMisreads = (message: string, messageZh: string) =>
    misreads.length > 0
      ? { message: `${message}; likely misread: ${misreadList}`, messageZh: `${messageZh}：${misreadListZh}` }
      : { message, messageZh };
  switch (difference) {
    case 'wildcard':
    case 'truncated':
      return withMisreads(
        'the name matches the applicant only partly (a placeholder or a truncated long name)',
        '姓名无法完全确认与申请人一致',
      );
    case 'surname-missing':
      return withMisreads(
        'the name was read without its surname: a reading, not another person, until a person looks',
        '证件姓名识别缺少姓氏，需人工确认',
      );
    case 'character-dropped':
      return withMisreads(
        'the name has one character more or less than the applicant’s, as OCR drops or doubles characters',
        '证件姓名比申请人姓名多或少一个字，可能为识别错误',
      );
    case 'misread':
      return withMisreads(
        'the name differs from the applicant’s where OCR misreads',
        '证件姓名可能存在识别错误',
      );
    case 'given-name':
      return withMisreads(
        'the given name differs from the applicant’s; the surname agrees or was not read clearly',
        '证件姓名与申请人名字不一致，需人工确认',
      );
    default:
      return withMisreads(
        'the name differs from the applicant’s but was not read clearly',
        '证件姓名识别不清晰，无法确认与申请人一致',
      );
  }
}

function idNumberBindingReasons(
  extraction: Extraction,
  applicantId: string,
): { reasons: Reason[]; misread: boolean } {
  const printed = stringField(extraction, 'idNumber');
  const documentId = printed === null ? null : normalizeIdNumber(printed);
  if (documentId === null) return { reasons: [], misread: false };
  const { outcome, comparedPositions } = matchIdNumbers(documentId, applicantId);
  switch (outcome) {
    case 'match':
      return { reasons: [], misread: false };
    case 'mismatch': {
      const difference = explainIdDifference(
        documentId,
        applicantId,
        readingOf(extraction.evidence.idNumber),
      );
      if (difference.kind === 'misread') {
        const failed = difference.checkDigitFails ? ' (its check digit fails: it is no one’s number)' : '';
        return {
          misread: true,
          reasons: [
            reason(
              'APPLICANT_ID_PARTIAL',
              'soft',
              `the ID number on the document differs from the applicant’s where OCR misreads${failed}; likely misread: ${digitList(difference.misreads)}`,
              { field: 'idNumber', messageZh: '证件号码与申请人不完全一致，可能为识别错误，需人工确认' },
            ),
          ],
        };
      }
      return {
        misread: false,
        reasons: [
          reason('APPLICANT_ID_MISMATCH', 'hard', 'the ID number on the document is not the applicant’s', {
            field: 'idNumber',
            messageZh: '证件号码与申请人不一致',
          }),
        ],
      };
    }
    case 'partial':
      return {
        misread: false,
        reasons: [
          reason(
            'APPLICANT_ID_PARTIAL',
            'info',
            `the masked ID number agrees on ${comparedPositions} positions`,
            {
              field: 'idNumber',
            },
          ),
        ],
      };
    case 'insufficient':
      return {
        misread: false,
        reasons: [
          reason('APPLICANT_ID_PARTIAL', 'info', 'the ID number is masked too much to compare', {
            field: 'idNumber',
          }),
        ],
      };
  }
}

function digitList(misreads: readonly DigitMisread[]): string {
  return misreads
    .map((m) => `${m.read} read for ${m.expected} at position ${m.position + 1} (${m.cause})`)
    .join(', ');
}

/**
 * A misread digit of the printed ID number also breaks the document's own checks of it: its check
 * digit (I2), its birth date or province (I3, I5) and its agreement with the printed birth date and
 * gender (I6, I4). Those are the same misreading, not a forgery: soft, so a person looks (the
 * agreements only where the applicant's own number agrees with what the document prints).
 */
function softenMisreadConsequences(reasons: readonly Reason[], extraction: Extraction, applicantId: string) {
  const facts = idNumberFacts(applicantId);
  const agrees = (field: string) => {
    const printed = stringField(extraction, field);
    return printed !== null && printed === (field === 'birthDate' ? facts.birthDate : facts.gender);
  };
  const causedByTheMisread = (r: Reason) =>
    r.field === 'idNumber' || (r.code === 'CROSS_FIELD_MISMATCH' && r.field !== undefined && agrees(r.field));
  return reasons.map((r) =>
    causedByTheMisread(r)
      ? { ...r, severity: 'soft' as const, message: `${r.message} (the ID number was likely misread)` }
      : r,
  );
}

function birthDateAndGenderReasons(extraction: Extraction, applicantId: string): Reason[] {
  const facts = idNumberFacts(applicantId);
  const reasons: Reason[] = [];
  const birthDate = stringField(extraction, 'birthDate');
  if (birthDate !== null && facts.birthDate !== null && birthDate !== facts.birthDate) {
    const misread = birthDateMisread(birthDate, facts.birthDate, extraction.evidence.birthDate);
    reasons.push(
      misread
        ? reason(
            'APPLICANT_ID_PARTIAL',
            'soft',
            `the birth date differs from the applicant's ID number in one digit OCR misreads; likely misread: ${digitList([misread])}`,
            { field: 'birthDate', messageZh: '出生日期与申请人身份证号不完全一致，可能为识别错误' },
          )
        : reason('APPLICANT_ID_MISMATCH', 'hard', "the birth date differs from the applicant's ID number", {
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

/**
 * One digit of a printed birth date that OCR misread (`YYYY-MM-DD` against the applicant's): the
 * only differing digit, and a look-alike, a runner-up or read unsurely. Two differing digits are
 * another birth date.
 */
function birthDateMisread(
  printed: string,
  expected: string,
  evidence: FieldEvidence | undefined,
): DigitMisread | null {
  const digits = (date: string) => date.replaceAll('-', '');
  const differences = digitDifferences(digits(printed), digits(expected), readingOf(evidence));
  const [only] = differences;
  return differences.length === 1 && only?.cause ? { ...only, cause: only.cause } : null;
}
