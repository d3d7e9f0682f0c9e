import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldRadicalsSupplement,
  normalizeText,
  removeWhitespace,
  toFullWidth,
  toHalfWidth,
} from './unicode.js';

describe('normalizeText', () => {
  it('folds full-width ASCII, the ideographic space and Kangxi radicals (NFKC)', () => {
    expect(normalizeText('１２３ＡＢＣ\u3000⼀⼈')).toBe('123ABC 一人');
  });

  it('folds CJK Radicals Supplement characters that NFKC leaves alone', () => {
    expect('⻘'.normalize('NFKC')).toBe('⻘');
    expect(normalizeText('⻘岛⻔⻓⻅')).toBe('青岛门长见');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
      }),
    );
  });
});

describe('foldRadicalsSupplement', () => {
  it('leaves unified ideographs and ASCII unchanged', () => {
    expect(foldRadicalsSupplement('武汉大学 CET4')).toBe('武汉大学 CET4');
  });
});

describe('full/half width', () => {
  it('converts full-width forms to ASCII but keeps CJK punctuation', () => {
    expect(toHalfWidth('（网络教育）：２０２４，。')).toBe('(网络教育):2024,。');
  });

  it('round-trips printable ASCII', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
        (text) => {
          expect(toHalfWidth(toFullWidth(text))).toBe(text);
        },
      ),
    );
  });
});

describe('removeWhitespace', () => {
  it('joins tesseract-spaced CJK', () => {
    expect(removeWhitespace('张 伟\u3000 三')).toBe('张伟三');
  });
});
