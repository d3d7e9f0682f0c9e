import { DIGIT_LOOK_ALIKE_GROUPS, HAN_LOOK_ALIKE_GROUPS } from './confusables.data.js';

/**
 * Which characters OCR takes for one another (the groups are data, in confusables.data.ts). Used to
 * tell an OCR misreading from a different name or number: a difference these pairs explain asks a
 * person to look; it never rejects and never verifies on its own.
 */

function partnersOf(groups: readonly string[]): ReadonlyMap<string, ReadonlySet<string>> {
  const partners = new Map<string, Set<string>>();
  for (const group of groups) {
    const members = [...group];
    for (const member of members) {
      const set = partners.get(member) ?? new Set<string>();
      for (const other of members) if (other !== member) set.add(other);
      partners.set(member, set);
    }
  }
  return partners;
}

/** What the recogniser said about one read character (FieldEvidence.characters). */
export interface CharacterReading {
  char: string;
  /** 0..1: its probability for the character. */
  confidence: number;
  /** Its next-best characters at this position, most probable first. */
  candidates: readonly { char: string; confidence: number }[];
}

/** How a value was read, for telling a misreading from a different value. */
export interface ValueReading {
  /** 0..1: OCR confidence of the value's evidence. */
  confidence: number;
  /** Every read character, when the recogniser doubted any of them. */
  characters?: readonly CharacterReading[];
}

const HAN_PARTNERS = partnersOf(HAN_LOOK_ALIKE_GROUPS);
const DIGIT_PARTNERS = partnersOf(DIGIT_LOOK_ALIKE_GROUPS);

/** Whether two different Han characters are OCR look-alikes (symmetric). */
export function isLookAlike(a: string, b: string): boolean {
  return a !== b && (HAN_PARTNERS.get(a)?.has(b) ?? false);
}

/** Whether two different digits are OCR look-alikes in print (symmetric): 0/8, 3/8, 5/6, 1/7, … */
export function isLookAlikeDigit(a: string, b: string): boolean {
  return a !== b && (DIGIT_PARTNERS.get(a)?.has(b) ?? false);
}
