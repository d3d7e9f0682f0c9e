import { normalizeText, removeWhitespace } from './unicode.js';

/** The national middle dot for minority names: U+00B7 (民委发〔2016〕33号, formats-research §6.1 step 4). */
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
 * The contract's name format: NFKC, no whitespace, every dot look-alike → U+00B7, and a hyphen
 * between two Han characters (a misread dot) → U+00B7.
 */
export function normalizeName(raw: string): string {
  const text = removeWhitespace(normalizeText(raw)).replace(DOT_LOOK_ALIKES, NAME_DOT);
  return text.replace(/(\p{Script=Han})[-‐‑–—](?=\p{Script=Han})/gu, `$1${NAME_DOT}`);
}

export type NameMatch =
  /** Equal after §6.1 steps 1–4, or after removing dots and spaces (§6.2 steps 1–2). */
  | 'match'
  /** Equal only if a wildcard stands for a character, or one name is a truncation of a long one. */
  | 'uncertain'
  | 'mismatch';

/**
 * Name matching policy of formats-research §6.2: exact after normalization → match; equal with the
 * dots removed → match; equal when each wildcard (`_ ? □ *`) may be any one character → uncertain;
 * a long or dotted name (5+ characters) truncated by an older system (step 5) → uncertain;
 * otherwise mismatch. Traditional/simplified and variant folding (step 3) is not done here: such
 * pairs come out as mismatches, which the binding rule turns into a rejection only together with
 * the ID check, so they are never silently passed.
 */
export function matchNames(documentName: string, applicantName: string): NameMatch {
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
  if (isOneCharacterOff(aWithoutDots, bWithoutDots)) return 'uncertain';
  return 'mismatch';
}

/**
 * §6.2 step 4: OCR misreads or drops one character of a printed name (雷哲 → 雷皙, 龚嘉婷 → 龚婷).
 * Same surname, a name of three or more characters, and one substitution, insertion or deletion is a person's job to judge: review,
 * never a pass, and not a hard reject of what is most likely the applicant's own document.
 */
function isOneCharacterOff(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  // Two-character names differ in the whole given name after one change: that is another person.
  if (x[0] !== y[0] || Math.max(x.length, y.length) < 3 || Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  let j = 0;
  while (j < x.length - i && j < y.length - i && x[x.length - 1 - j] === y[y.length - 1 - j]) j++;
  return x.length - i - j <= 1 && y.length - i - j <= 1;
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
