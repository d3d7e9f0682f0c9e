import { type CharacterReading, isLookAlikeDigit, type ValueReading } from './confusables.js';
import { isRealCalendarDate } from './dates.js';
import { normalizeText, removeWhitespace } from './unicode.js';

/**
 * The resident identity number, GB 11643-1999 (docs/formats.md §5): address(6) birth date(8)
 * sequence(3) check(1). Masked characters are `*` (§5.4) and are kept.
 */

export const ID_NUMBER_LENGTH = 18;
const CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

/** ISO 7064 MOD 11-2 check character for the first 17 digits (§5.2). */
export function idCheckCharacter(first17Digits: string): string {
  if (!/^\d{17}$/.test(first17Digits)) throw new RangeError('idCheckCharacter needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17Digits[i]) * (CHECK_WEIGHTS[i] as number);
  return CHECK_CHARACTERS[sum % 11] as string;
}

const MASK_LOOK_ALIKES = /[*＊×✱※]/g;
const DIGIT_LOOK_ALIKES: Readonly<Record<string, string>> = {
  O: '0',
  D: '0',
  Q: '0',
  I: '1',
  L: '1',
  '|': '1',
  Z: '2',
  S: '5',
  B: '8',
  G: '6',
};

/**
 * The contract's idNumber format: NFKC, no spaces, upper-case, mask characters → `*`, OCR
 * look-alike letters → digits in the 17 digit positions (I1: `x` → `X` in the last). Returns null
 * unless the result is 18 characters of `[0-9*]{17}[0-9X*]`.
 */
export function normalizeIdNumber(raw: string): string | null {
  const compact = removeWhitespace(normalizeText(raw)).replace(MASK_LOOK_ALIKES, '*');
  const chars = [...compact];
  if (chars.length !== ID_NUMBER_LENGTH) return null;
  const normalized = chars
    .map((ch, index) => {
      const upper = ch === 'b' ? '6' : ch.toUpperCase();
      if (index === ID_NUMBER_LENGTH - 1 && upper === 'X') return 'X';
      return DIGIT_LOOK_ALIKES[upper] ?? upper;
    })
    .join('');
  return /^[0-9*]{17}[0-9X*]$/.test(normalized) ? normalized : null;
}

/**
 * Prefix/suffix lengths of the masking patterns of docs/formats.md §5.4 (first 6 + last 4, last 4
 * only, first 3 + last 4 or 3, first 1 + last 1).
 */
const MASK_PATTERNS: ReadonlySet<string> = new Set(['6/4', '0/4', '3/4', '3/3', '1/1']);

/**
 * An ID number as printed on a document and read by OCR. Like `normalizeIdNumber`, and in addition
 * OCR often reads a run of mask characters as fewer or more of them (`370102*******273X`, one `*`
 * short).
 * The masked positions are unknown either way, so when the revealed prefix and suffix have the
 * lengths of a known masking pattern (§5.4), the run is resized to make 18 characters: every
 * revealed character keeps its position. Anything else is left to `normalizeIdNumber` (null when
 * not 18 characters): a revealed digit lost by OCR is never papered over.
 */
export function normalizePrintedIdNumber(raw: string): string | null {
  const compact = removeWhitespace(normalizeText(raw)).replace(MASK_LOOK_ALIKES, '*');
  const run = /^([^*]*)(\*+)([^*]*)$/.exec(compact);
  if (run && compact.length !== ID_NUMBER_LENGTH) {
    const [, prefix = '', , suffix = ''] = run;
    if (MASK_PATTERNS.has(`${[...prefix].length}/${[...suffix].length}`)) {
      const stars = '*'.repeat(ID_NUMBER_LENGTH - [...prefix].length - [...suffix].length);
      return normalizeIdNumber(`${prefix}${stars}${suffix}`);
    }
  }
  return normalizeIdNumber(compact);
}

export function isMaskedIdNumber(idNumber: string): boolean {
  return idNumber.includes('*');
}

export type IdNumberRule = 'I1' | 'I2' | 'I3' | 'I5';

export interface IdNumberProblem {
  rule: IdNumberRule;
  severity: 'hard' | 'soft';
  message: string;
}

/** Province-level prefixes of GB/T 2260 (§5.3 I5; the list itself is UNCONFIRMED, hence soft). */
const PROVINCE_PREFIXES = new Set([
  ...range(11, 15),
  ...range(21, 23),
  ...range(31, 37),
  ...range(41, 46),
  ...range(50, 54),
  ...range(61, 65),
]);
/** Taiwan, Hong Kong, Macau residence permits: special, accepted only with review (§5.3 I5). */
const SPECIAL_PREFIXES = new Set([71, 81, 82, 83]);
/** NEEA's own validator (S12 `serv.isSfz18`, [CODE]): the looser first-two-digit rule. */
const NEEA_PREFIX = /^([1-6][1-9]|50)/;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export interface IdNumberFacts {
  /** `YYYY-MM-DD` when digits 7–14 are unmasked and form a real date. */
  birthDate: string | null;
  /** From the parity of digit 17 when it is unmasked (odd = 男). */
  gender: '男' | '女' | null;
}

/** What the unmasked digits say about the holder (§5.1). */
export function idNumberFacts(idNumber: string): IdNumberFacts {
  const birthDigits = idNumber.slice(6, 14);
  let birthDate: string | null = null;
  if (/^\d{8}$/.test(birthDigits)) {
    const year = Number(birthDigits.slice(0, 4));
    const month = Number(birthDigits.slice(4, 6));
    const day = Number(birthDigits.slice(6, 8));
    if (isRealCalendarDate(year, month, day)) {
      birthDate = `${birthDigits.slice(0, 4)}-${birthDigits.slice(4, 6)}-${birthDigits.slice(6, 8)}`;
    }
  }
  const sequenceDigit = idNumber[16];
  const gender =
    sequenceDigit !== undefined && /\d/.test(sequenceDigit)
      ? Number(sequenceDigit) % 2 === 1
        ? '男'
        : '女'
      : null;
  return { birthDate, gender };
}

/**
 * Structural checks of §5.3 on a normalized ID (see `normalizeIdNumber`), applied to the positions
 * that are not masked: I1 shape, I2 check digit (only when all 17 digits and the check are
 * revealed), I3 real birth date not after `today`, I5 province prefix. An empty list means valid.
 */
export function validateIdNumber(idNumber: string, today: Date): IdNumberProblem[] {
  if (!/^[0-9*]{17}[0-9X*]$/.test(idNumber)) {
    return [{ rule: 'I1', severity: 'hard', message: 'an ID number is 17 digits and a digit or X' }];
  }
  const problems: IdNumberProblem[] = [];
  const first17 = idNumber.slice(0, 17);
  const check = idNumber[17] as string;
  if (/^\d{17}$/.test(first17) && check !== '*' && idCheckCharacter(first17) !== check) {
    problems.push({ rule: 'I2', severity: 'hard', message: 'the ID number check digit is wrong' });
  }
  const birthDigits = idNumber.slice(6, 14);
  if (/^\d{8}$/.test(birthDigits)) {
    const { birthDate } = idNumberFacts(idNumber);
    if (Number(birthDigits.slice(0, 4)) < 1900) {
      problems.push({
        rule: 'I3',
        severity: 'hard',
        message: 'the birth year in the ID number is before 1900',
      });
    } else if (birthDate === null) {
      problems.push({
        rule: 'I3',
        severity: 'hard',
        message: 'the birth date in the ID number does not exist',
      });
    } else if (birthDate > today.toISOString().slice(0, 10)) {
      problems.push({
        rule: 'I3',
        severity: 'hard',
        message: 'the birth date in the ID number is in the future',
      });
    }
  }
  const prefix = idNumber.slice(0, 2);
  if (/^\d{2}$/.test(prefix)) {
    const province = Number(prefix);
    if (SPECIAL_PREFIXES.has(province)) {
      problems.push({
        rule: 'I5',
        severity: 'soft',
        message: 'a Hong Kong, Macau or Taiwan residence number',
      });
    } else if (!NEEA_PREFIX.test(prefix)) {
      problems.push({ rule: 'I5', severity: 'hard', message: `no province has the prefix ${prefix}` });
    } else if (!PROVINCE_PREFIXES.has(province)) {
      problems.push({
        rule: 'I5',
        severity: 'soft',
        message: `the prefix ${prefix} is not a known province`,
      });
    }
  }
  return problems;
}

export type IdMatchOutcome =
  /** Both fully revealed and equal. */
  | 'match'
  /** Equal on ≥ 4 positions revealed on both sides, including the check digit: corroborating only. */
  | 'partial'
  /** Equal where both are revealed, but too few positions (or not the check digit) to say anything. */
  | 'insufficient'
  /** A position revealed on both sides differs. */
  | 'mismatch';

export interface IdMatch {
  outcome: IdMatchOutcome;
  comparedPositions: number;
}

/**
 * §5.4 matching rule: compare only the positions unmasked on both sides; at least 4 including the
 * check digit; a masked comparison corroborates and is never sufficient on its own.
 */
export function matchIdNumbers(documentId: string, applicantId: string): IdMatch {
  if (documentId.length !== ID_NUMBER_LENGTH || applicantId.length !== ID_NUMBER_LENGTH) {
    return { outcome: 'mismatch', comparedPositions: 0 };
  }
  let compared = 0;
  for (let i = 0; i < ID_NUMBER_LENGTH; i++) {
    const a = documentId[i];
    const b = applicantId[i];
    if (a === '*' || b === '*') continue;
    if (a !== b) return { outcome: 'mismatch', comparedPositions: compared + 1 };
    compared++;
  }
  if (compared === ID_NUMBER_LENGTH) return { outcome: 'match', comparedPositions: compared };
  const checkRevealed = documentId[17] !== '*' && applicantId[17] !== '*';
  if (compared >= 4 && checkRevealed) return { outcome: 'partial', comparedPositions: compared };
  return { outcome: 'insufficient', comparedPositions: compared };
}

/**
 * How surely a digit must be read for its difference from the applicant's to count as another
 * person (0..1, the recogniser's probability for the digit, else the evidence's confidence).
 */
export const CONFIDENT_DIGIT_READING = 0.9;

/** How a printed number was read: its evidence's confidence and the recogniser's doubts. */
export type NumberReading = ValueReading;

export interface DigitMisread {
  /** 0-based position in the compared strings. */
  position: number;
  read: string;
  expected: string;
  /** A look-alike digit pair, the recogniser's own runner-up, or a digit read unsurely. */
  cause: 'look-alike' | 'candidate' | 'unsure';
}

/**
 * The positions where a printed number (`read`, as normalized) differs from the applicant's
 * (`expected`, the same length; `*` on either side is skipped), each with what makes it a likely
 * OCR misreading, or `cause: null` where nothing does (a digit read clearly, no look-alike, not a
 * runner-up).
 */
export function digitDifferences(
  read: string,
  expected: string,
  reading?: NumberReading,
): (Omit<DigitMisread, 'cause'> & { cause: DigitMisread['cause'] | null })[] {
  const doubts = digitReadingsAlong(read, reading);
  const differences: (Omit<DigitMisread, 'cause'> & { cause: DigitMisread['cause'] | null })[] = [];
  for (let position = 0; position < read.length; position++) {
    const x = read[position] as string;
    const y = expected[position];
    if (y === undefined || x === y || x === '*' || y === '*') continue;
    const doubt = doubts?.[position];
    const confidence = doubt?.confidence ?? reading?.confidence ?? 1;
    const cause = isLookAlikeDigit(x, y)
      ? 'look-alike'
      : doubt?.candidates.some((c) => c.char === y)
        ? 'candidate'
        : confidence < CONFIDENT_DIGIT_READING
          ? 'unsure'
          : null;
    differences.push({ position, read: x, expected: y, cause });
  }
  return differences;
}

export type IdDifference =
  /** What OCR produces: every differing digit explained, or a number that fails its own check digit. */
  | { kind: 'misread'; misreads: DigitMisread[]; checkDigitFails: boolean }
  /** A different number read clearly: another person. */
  | { kind: 'different' };

/**
 * Tells a misread ID number from another person's (docs/adr/0014), for two 18-character normalized
 * numbers that `matchIdNumbers` found to differ. A number read in full whose check digit fails is
 * no one's number: with one or two differing digits it is a misreading (ISO 7064 MOD 11-2 catches
 * every single-digit error). Otherwise it is a misreading only when each differing digit is a
 * look-alike of the applicant's, one of the recogniser's runners-up, or read unsurely: a different
 * region or birth date read clearly, with a valid check digit, is another person.
 */
export function explainIdDifference(
  documentId: string,
  applicantId: string,
  reading?: NumberReading,
): IdDifference {
  const differences = digitDifferences(documentId, applicantId, reading);
  const first17 = documentId.slice(0, 17);
  const check = documentId[17];
  const checkDigitFails = /^\d{17}$/.test(first17) && check !== '*' && idCheckCharacter(first17) !== check;
  const explained = differences.every((d) => d.cause !== null);
  if (differences.length === 0 || !(explained || (checkDigitFails && differences.length <= 2))) {
    return { kind: 'different' };
  }
  const misreads = differences.map((d) => ({ ...d, cause: d.cause ?? ('unsure' as const) }));
  return { kind: 'misread', misreads, checkDigitFails };
}

/** One character of an ID number or date as normalized, or '' for what is not one (a label, a dash). */
function asNumberCharacter(raw: string): string {
  const upper = removeWhitespace(normalizeText(raw)).replace(MASK_LOOK_ALIKES, '*').toUpperCase();
  const mapped = DIGIT_LOOK_ALIKES[upper] ?? upper;
  return /^[0-9X*]$/.test(mapped) ? mapped : '';
}

/**
 * The recogniser's reading of each position of `value`, when the evidence's number characters
 * contain it exactly once; undefined otherwise (a resized mask run, a merged label).
 */
function digitReadingsAlong(
  value: string,
  reading: NumberReading | undefined,
): (CharacterReading | undefined)[] | undefined {
  const characters = (reading?.characters ?? []).filter((c) => asNumberCharacter(c.char) !== '');
  if (characters.length < value.length) return undefined;
  const spelled = characters.map((c) => asNumberCharacter(c.char)).join('');
  const start = spelled.indexOf(value);
  if (start < 0 || spelled.indexOf(value, start + 1) >= 0) return undefined;
  return characters.slice(start, start + value.length);
}
