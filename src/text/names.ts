import { type CharacterReading, isLookAlike, type ValueReading } from './confusables.js';
import { normalizeText, removeWhitespace } from './unicode.js';

/** The national middle dot for minority names: U+00B7 (民委发〔2016〕33号, docs/formats.md §6.1 step 4). */
export const NAME_DOT = '\u00B7';

/**
 * Look-alikes of the name dot that OCR, fonts and other systems produce (§6.1 step 4). U+FF65 is
 * listed although NFKC already turns it into U+30FB. A hyphen is *not* mapped: it only appears
 * between Han characters when a dot was misread, and mapping it everywhere would touch Latin names.
 */
const DOT_LOOK_ALIKES = /[•・･‧∙⋅．.·]/g;

/** Placeholders that stand for one unreadable or rare character (§6.1 step 5: CET uses `_`). */
export const NAME_WILDCARDS = /[_?？□*＊]/;

/**
 * Long horizontal strokes that OCR reads for the character 一 (a single stroke, as wide as a Han
 * character): the em dash, the horizontal bar, a box-drawing line and the katakana long vowel mark.
 * No name contains any of them.
 */
const LONG_DASH_FOR_YI = /(?<=\p{Script=Han}|^)[—―─ー](?=\p{Script=Han}|$)/gu;

/**
 * The contract's name format: NFKC, no whitespace, every dot look-alike → U+00B7, a long dash next to
 * Han characters (范语— for 范语一) → 一, and a short hyphen between two Han characters (a misread
 * dot) → U+00B7.
 */
export function normalizeName(raw: string): string {
  const text = removeWhitespace(normalizeText(raw))
    .replace(DOT_LOOK_ALIKES, NAME_DOT)
    .replace(LONG_DASH_FOR_YI, '一');
  return text.replace(/(\p{Script=Han})[-‐‑–](?=\p{Script=Han})/gu, `$1${NAME_DOT}`);
}

export type NameMatch =
  /** Equal after §6.1 steps 1–4, or after removing dots and spaces (§6.2 steps 1–2). */
  | 'match'
  /** Differs in a way an OCR reading produces, or not clearly enough to be another person: a person looks. */
  | 'uncertain'
  /** Differs in a way OCR does not produce, read clearly: another person. */
  | 'mismatch';

/**
 * How surely a character must be read for its difference from the applicant's to count as another
 * person (0..1, the recogniser's probability for the character, else the OCR confidence of the name's
 * evidence). Below it, an OCR misreading is as likely as another person (§6.2 step 4).
 */
export const CONFIDENT_NAME_READING = 0.9;

/** How the document's name was read: its evidence's confidence and the recogniser's doubts. */
export type NameReading = ValueReading;

/** Why a character of the reading may stand for the applicant's: what makes it a likely misread. */
export type MisreadCause =
  /** The pair is in the look-alike table (confusables.data.ts). */
  | 'look-alike'
  /** The applicant's character is among the recogniser's own runners-up at that position. */
  | 'candidate'
  /** The recogniser read the character with low confidence. */
  | 'unsure';

export interface LikelyMisread {
  /** The character as read on the document. */
  read: string;
  /** The applicant's character at that position. */
  expected: string;
  cause: MisreadCause;
}

/** How the reading lines up with the applicant's name when it is not a match. */
export type NameDifference =
  /** A placeholder (`_ ? □ *`) stands for a character (§6.1 step 5). */
  | 'wildcard'
  /** An older system cut a long name (§6.2 step 5). */
  | 'truncated'
  /** One name is the other without its one- or two-character surname. */
  | 'surname-missing'
  /** One character more or less, at the end or inside a long name (OCR drops and doubles characters). */
  | 'character-dropped'
  /** The same length, every differing character a likely misread. */
  | 'misread'
  /** The given names differ beyond a likely misread; the surname agrees or was not read clearly. */
  | 'given-name'
  /** A different surname read clearly. */
  | 'surname'
  /** A different length that no dropped character or missing surname explains, read clearly. */
  | 'length';

export interface NameComparison {
  outcome: NameMatch;
  /** Absent for a match. */
  difference?: NameDifference;
  /** The characters a misreading explains, for the reviewer's message. */
  misreads: LikelyMisread[];
}

/**
 * Name matching policy of docs/formats.md §6.2 for a reading by OCR (docs/adr/0014):
 * - exact after normalization, or with the dots removed → match; nothing else ever matches;
 * - a wildcard, a truncated long name → uncertain;
 * - a reading that lines up with the applicant's name once a missing surname, or one character
 *   dropped or added (at the end, or anywhere in a name of three or more), is allowed for, and whose
 *   differing characters are each a look-alike, one of the recogniser's runners-up or read unsurely
 *   → uncertain, naming the likely misreads;
 * - the same length with a different surname read clearly (confident, not a look-alike, not a
 *   runner-up) → mismatch; a different given name under the same surname → uncertain;
 * - a different length nothing above explains → mismatch when read clearly, else uncertain.
 * Symmetric when no `reading` is given. Traditional/simplified folding (step 3) is not done here.
 */
export function compareNames(
  documentName: string,
  applicantName: string,
  reading?: NameReading,
): NameComparison {
  const a = normalizeName(documentName);
  const b = normalizeName(applicantName);
  if (a.length === 0 || b.length === 0) return { outcome: 'mismatch', difference: 'length', misreads: [] };
  if (a === b) return { outcome: 'match', misreads: [] };
  const aWithoutDots = a.replaceAll(NAME_DOT, '');
  const bWithoutDots = b.replaceAll(NAME_DOT, '');
  if (aWithoutDots === bWithoutDots) return { outcome: 'match', misreads: [] };
  const uncertain = (difference: NameDifference, misreads: LikelyMisread[] = []): NameComparison => ({
    outcome: 'uncertain',
    difference,
    misreads,
  });
  if (matchesWithWildcards(aWithoutDots, bWithoutDots)) return uncertain('wildcard');
  if (isTruncationOfLongName(aWithoutDots, bWithoutDots, a.includes(NAME_DOT) || b.includes(NAME_DOT))) {
    return uncertain('truncated');
  }
  const read = [...aWithoutDots];
  const expected = [...bWithoutDots];
  const doubts = readingsAlong(aWithoutDots, reading);
  const confidenceAt = (i: number) => doubts?.[i]?.confidence ?? reading?.confidence ?? 1;
  const causeAt = (i: number, j: number): MisreadCause | null => {
    const x = read[i] as string;
    const y = expected[j] as string;
    if (isLookAlike(x, y)) return 'look-alike';
    if (doubts?.[i]?.candidates.some((c) => c.char === y)) return 'candidate';
    if (confidenceAt(i) < CONFIDENT_NAME_READING) return 'unsure';
    return null;
  };
  for (const { pairs, difference } of alignments(read.length, expected.length)) {
    const misreads: LikelyMisread[] = [];
    const explained = pairs.every(([i, j]) => {
      if (read[i] === expected[j]) return true;
      const cause = causeAt(i, j);
      if (cause !== null) misreads.push({ read: read[i] as string, expected: expected[j] as string, cause });
      return cause !== null;
    });
    if (explained) return uncertain(difference, misreads);
  }
  if (read.length === expected.length) {
    const surnameDiffers = read[0] !== expected[0] && causeAt(0, 0) === null;
    return surnameDiffers
      ? { outcome: 'mismatch', difference: 'surname', misreads: [] }
      : uncertain('given-name');
  }
  const clearly = read.every((_, i) => confidenceAt(i) >= CONFIDENT_NAME_READING);
  return clearly ? { outcome: 'mismatch', difference: 'length', misreads: [] } : uncertain('length');
}

/** `compareNames`' outcome alone. */
export function matchNames(documentName: string, applicantName: string, reading?: NameReading): NameMatch {
  return compareNames(documentName, applicantName, reading).outcome;
}

/**
 * The recogniser's reading of each character of the name (normalized, dots removed), when the
 * evidence's characters contain that name exactly once (a value alone, or with its label); undefined
 * otherwise: characters that cannot be lined up with the name tell nothing about its positions.
 */
function readingsAlong(
  name: string,
  reading: NameReading | undefined,
): (CharacterReading | undefined)[] | undefined {
  const characters = (reading?.characters ?? []).filter((c) => {
    const normalized = normalizeName(c.char);
    return normalized !== '' && normalized !== NAME_DOT;
  });
  if (characters.length === 0) return undefined;
  const normalized = characters.map((c) => normalizeName(c.char));
  if (normalized.some((c) => [...c].length !== 1)) return undefined;
  const spelled = normalized;
  const target = [...name];
  const starts: number[] = [];
  for (let start = 0; start + target.length <= spelled.length; start++) {
    if (target.every((ch, k) => spelled[start + k] === ch)) starts.push(start);
  }
  const [start] = starts;
  if (start === undefined || starts.length > 1) return undefined;
  return characters.slice(start, start + target.length);
}

interface Alignment {
  /** Pairs of positions (document, applicant) that stand for the same printed character. */
  pairs: [number, number][];
  difference: NameDifference;
}

/**
 * The ways OCR lines a reading of `n` characters up with a printed name of `m` (§6.2 step 4): the
 * same positions; one name without the other's surname of one or two characters; one character
 * more or less at the end, or anywhere in a name of three or more (CTC decoding merges a doubled
 * character; long lines lose one). Symmetric in the two names.
 */
function* alignments(n: number, m: number): Generator<Alignment> {
  const straight = (offsetN: number, offsetM: number, length: number) =>
    Array.from({ length }, (_, k): [number, number] => [k + offsetN, k + offsetM]);
  if (n === m) {
    yield { pairs: straight(0, 0, n), difference: 'misread' };
    return;
  }
  const shorter = Math.min(n, m);
  const gap = Math.abs(n - m);
  // The longer name keeps the surname the shorter one lacks.
  if (gap <= 2) {
    yield {
      pairs: straight(n > m ? gap : 0, m > n ? gap : 0, shorter),
      difference: 'surname-missing',
    };
  }
  if (gap !== 1) return;
  yield { pairs: straight(0, 0, shorter), difference: 'character-dropped' };
  if (shorter + 1 < 3) return;
  for (let cut = 1; cut < shorter; cut++) {
    const pairs = Array.from({ length: shorter }, (_, k): [number, number] => {
      const other = k < cut ? k : k + 1;
      return n < m ? [k, other] : [other, k];
    });
    yield { pairs, difference: 'character-dropped' };
  }
}

function matchesWithWildcards(a: string, b: string): boolean {
  const aChars = [...a];
  const bChars = [...b];
  if (aChars.length !== bChars.length) return false;
  let wildcardCount = 0;
  for (let i = 0; i < aChars.length; i++) {
    const x = aChars[i] as string;
    const y = bChars[i] as string;
    if (NAME_WILDCARDS.test(x) || NAME_WILDCARDS.test(y)) {
      wildcardCount++;
      continue;
    }
    if (x !== y) return false;
  }
  return wildcardCount > 0 && wildcardCount < aChars.length;
}

/** §6.2 step 5: older systems cut names of 5+ characters; the kept part must be at least 4 long. */
function isTruncationOfLongName(a: string, b: string, hasDot: boolean): boolean {
  const [shorter, longer] = [...a].length <= [...b].length ? [a, b] : [b, a];
  const longerLength = [...longer].length;
  if (longerLength < 5 && !hasDot) return false;
  return [...shorter].length >= 4 && longer.startsWith(shorter);
}
