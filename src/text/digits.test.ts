import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDigitField, parseIntegerField } from './digits.js';

describe('normalizeDigitField', () => {
  it.each([
    ['34080125211712B', '340801252117128'],
    ['1O486 12O17O5OO4788', '104861201705004788'],
    ['I|l1', '1111'],
    ['ZSBGbDQo', '25866000'],
    ['３７０１５０', '370150'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeDigitField(raw)).toBe(expected);
  });

  it('refuses text that is not a number instead of guessing', () => {
    expect(normalizeDigitField('3408012A2117128')).toBeNull();
    expect(normalizeDigitField('准考证号')).toBeNull();
    expect(normalizeDigitField('')).toBeNull();
  });

  it('leaves digit strings unchanged, leading zeros kept', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,20}$/), (digits) => {
        expect(normalizeDigitField(digits)).toBe(digits);
      }),
    );
  });
});

describe('parseIntegerField', () => {
  it('reads scores', () => {
    expect(parseIntegerField('57O')).toBe(570);
    expect(parseIntegerField('１６６')).toBe(166);
    expect(parseIntegerField('分数')).toBeNull();
  });
});
