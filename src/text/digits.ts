import { normalizeText, removeWhitespace } from './unicode.js';

/**
 * OCR look-alikes of digits (docs/formats.md §6.3, Dynamsoft confusion sets S82). Applied only to
 * fields that are purely numeric by definition: never to CHSI verification codes, which mix letters
 * and digits.
 */
const DIGIT_LOOK_ALIKES: Readonly<Record<string, string>> = {
  O: '0',
  o: '0',
  D: '0',
  Q: '0',
  〇: '0',
  '○': '0',
  '◯': '0',
  I: '1',
  l: '1',
  '|': '1',
  丨: '1',
  Z: '2',
  z: '2',
  S: '5',
  s: '5',
  B: '8',
  G: '6',
  b: '6',
};

/**
 * Reads a purely numeric field: NFKC, whitespace removed, look-alike letters mapped to digits.
 * Returns the digit string, or null when a character remains that is neither a digit nor a known
 * look-alike (the field is then unreadable, not guessed).
 */
export function normalizeDigitField(raw: string): string | null {
  const compact = removeWhitespace(normalizeText(raw));
  if (compact.length === 0) return null;
  let digits = '';
  for (const ch of compact) {
    if (ch >= '0' && ch <= '9') digits += ch;
    else {
      const mapped = DIGIT_LOOK_ALIKES[ch];
      if (mapped === undefined) return null;
      digits += mapped;
    }
  }
  return digits;
}

/** Reads an integer (a score): the digit field as a number, or null. */
export function parseIntegerField(raw: string): number | null {
  const digits = normalizeDigitField(raw);
  if (digits === null || digits.length > 6) return null;
  return Number.parseInt(digits, 10);
}
