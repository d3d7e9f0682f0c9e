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
  /**
   * Equal only if a wildcard stands for a character, one name is a truncation of a long one, or one
   * character differs in a way an OCR misreading explains.
   */
  | 'uncertain'
  | 'mismatch';

/**
 * How surely the document's name was read (0..1, the OCR confidence of its evidence). A one-character
 * difference counts as a different person only when the reading is at least this sure: below it, an
 * OCR misreading is as likely as another person (§6.2 step 4).
 */
export const CONFIDENT_NAME_READING = 0.9;

/**
 * Han characters OCR takes for one another: the look-alikes of docs/formats.md §6.3 (from public
 * correction tools, S83), 天/关 for 大 seen under seals (field-parsers), and misreadings measured on
 * photographed certificates (雷哲 → 雷皙, 任晴敏 → 任暗敏). Each string is one group of look-alikes.
 */
const LOOK_ALIKE_GROUPS: readonly string[] = [
  '己已巳',
  '日曰',
  '目且',
  '大太犬天关',
  '未末',
  '本木',
  '土士',
  '人入',
  '王玉',
  '戊戌戍',
  '哲皙晳晰',
  '晴暗',
];

/** Whether two different characters are OCR look-alikes (symmetric). */
export function isLookAlike(a: string, b: string): boolean {
  return a !== b && LOOK_ALIKE_GROUPS.some((group) => group.includes(a) && group.includes(b));
}

export interface NameReading {
  /** 0..1: OCR confidence of the document's name (its evidence). */
  confidence: number;
}

/**
 * Name matching policy of docs/formats.md §6.2: exact after normalization → match; equal with the
 * dots removed → match; equal when each wildcard (`_ ? □ *`) may be any one character → uncertain;
 * a long or dotted name (5+ characters) truncated by an older system (step 5) → uncertain;
 * one character more or less in a name of three or more (OCR drops and doubles characters of long
 * lines) → uncertain; one character replaced (step 4) → uncertain when the pair is an OCR look-alike,
 * when the name has three or more characters, or when the document's name was not read confidently
 * (`reading`, when given), and a mismatch otherwise: a confident reading of another given name is
 * another person. Anything else → mismatch. Traditional/simplified and variant folding (step 3) is
 * not done here: such pairs come out as mismatches, which the binding rule turns into a rejection only
 * together with the ID check, so they are never silently passed.
 */
export function matchNames(documentName: string, applicantName: string, reading?: NameReading): NameMatch {
  const a = normalizeName(documentName);
  const b = normalizeName(applicantName);
  if (a.length === 0 || b.length === 0) return 'mismatch';
  if (a === b) return 'match';
  const aWithoutDots = a.replaceAll(NAME_DOT, '');
  const bWithoutDots = b.replaceAll(NAME_DOT, '');
  if (aWithoutDots === bWithoutDots) return 'match';
  if (matchesWithWildcards(aWithoutDots, bWithoutDots)) return 'uncertain';
  if (isTruncationOfLongName(aWithoutDots, bWithoutDots, a.includes(NAME_DOT) || b.includes(NAME_DOT))) {
    return 'uncertain';
  }
  const difference = oneCharacterDifference(aWithoutDots, bWithoutDots);
  if (difference === null) return 'mismatch';
  if (difference.kind === 'indel') return difference.length >= 3 ? 'uncertain' : 'mismatch';
  const unsure = reading !== undefined && reading.confidence < CONFIDENT_NAME_READING;
  if (difference.length >= 3 || unsure || isLookAlike(difference.first, difference.second))
    return 'uncertain';
  return 'mismatch';
}

type OneCharacterDifference =
  | { kind: 'substitution'; first: string; second: string; length: number }
  | { kind: 'indel'; length: number };

/**
 * §6.2 step 4: OCR misreads or drops one character of a printed name (雷哲 → 雷皙, 龚嘉婷 → 龚婷): the
 * names differ by one substitution, insertion or deletion after the surname (a changed surname is
 * another family). `length` is the longer name's length.
 */
function oneCharacterDifference(a: string, b: string): OneCharacterDifference | null {
  const x = [...a];
  const y = [...b];
  const length = Math.max(x.length, y.length);
  if (x[0] !== y[0] || length < 2 || Math.abs(x.length - y.length) > 1) return null;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  let j = 0;
  while (j < x.length - i && j < y.length - i && x[x.length - 1 - j] === y[y.length - 1 - j]) j++;
  const restX = x.length - i - j;
  const restY = y.length - i - j;
  if (restX === 1 && restY === 1) {
    return { kind: 'substitution', first: x[i] as string, second: y[i] as string, length };
  }
  if (restX + restY === 1) return { kind: 'indel', length };
  return null;
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
