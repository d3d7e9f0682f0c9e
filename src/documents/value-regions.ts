import { searchPage } from './field-reading.js';
import type { PageChar, TextWithPositions } from './ocr-page.js';

/**
 * The place on a page where a field's value is printed: the characters standing there, whatever
 * they read as (a label's row after the label, the cell under it, a slot of a certificate's body
 * sentence). The rules read a field only from such places; text elsewhere on the page (a margin
 * note, a seal, another field) is not that field's value, even when it looks like one.
 */
export interface ValueRegion {
  /**
   * Characters in reading order, with their positions; a space (`ch === ' '`) stands for a gap
   * between words or boxes of one row.
   */
  chars: PageChar[];
}

/** Per field of a document type, the places its value may be printed; a field without any has none. */
export type ValueRegions = Record<string, ValueRegion[]>;

/**
 * The `value` group of every match of a template pattern: a slot of a certificate's body sentence
 * ("学生{name}，性别…"). The patterns are looser than the rules' own about what stands in the slot (so
 * a reading the rules could not parse can still be placed there), never about the words around it.
 */
export function slotRegions(text: TextWithPositions, pattern: RegExp): ValueRegion[] {
  return searchPage(text, pattern).flatMap((match) => {
    const slot = match.groups.value;
    return slot && slot.chars.length > 0 ? [{ chars: slot.chars }] : [];
  });
}

/** Only the first region (the place the rules read when a field is printed once, e.g. a title). */
export function firstRegion(regions: ValueRegion[]): ValueRegion[] {
  return regions.slice(0, 1);
}
