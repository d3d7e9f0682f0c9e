import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLookAlike, matchNames, NAME_DOT, normalizeName } from './names.js';

describe('normalizeName', () => {
  it.each([
    ['张 伟', '张伟'],
    ['张\u3000伟', '张伟'],
    ['阿卜杜•热合曼', '阿卜杜·热合曼'],
    ['阿卜杜・热合曼', '阿卜杜·热合曼'],
    ['阿卜杜･热合曼', '阿卜杜·热合曼'],
    ['阿卜杜‧热合曼', '阿卜杜·热合曼'],
    ['阿卜杜∙热合曼', '阿卜杜·热合曼'],
    ['阿卜杜⋅热合曼', '阿卜杜·热合曼'],
    ['阿卜杜．热合曼', '阿卜杜·热合曼'],
    ['阿卜杜.热合曼', '阿卜杜·热合曼'],
    ['阿卜杜-热合曼', '阿卜杜·热合曼'],
    ['范语—', '范语一'],
    ['王―鸣', '王一鸣'],
    ['李ー', '李一'],
    ['Anne-Marie', 'Anne-Marie'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeName(raw)).toBe(expected);
  });

  it('maps every dot look-alike to U+00B7 and never leaves whitespace', () => {
    const lookAlike = fc.constantFrom('•', '・', '･', '‧', '∙', '⋅', '．', '.', '·', ' ');
    fc.assert(
      fc.property(fc.array(fc.constantFrom('阿', '卜', '杜', '热', '合', '曼')), lookAlike, (chars, dot) => {
        const name = normalizeName(`${chars.join('')}${dot}${chars.join('')}`);
        expect(name).not.toMatch(/\s|[•・･‧∙⋅．.]/);
        if (dot !== ' ') expect(name).toContain(NAME_DOT);
      }),
    );
  });
});

describe('matchNames (docs/formats.md §6.2)', () => {
  it.each([
    ['张伟', '张伟', 'match'],
    ['张 伟', '张伟', 'match'],
    ['阿卜杜•热合曼', '阿卜杜·热合曼', 'match'],
    ['阿卜杜热合曼', '阿卜杜·热合曼', 'match'],
    ['李_丽', '李晓丽', 'uncertain'],
    ['李?丽', '李晓丽', 'uncertain'],
    ['李□丽', '李晓丽', 'uncertain'],
    ['李*丽', '李晓丽', 'uncertain'],
    ['买买提·阿不都', '买买提·阿不都热合曼', 'uncertain'],
    ['张伟', '张玮', 'mismatch'],
    ['张伟', '李伟', 'mismatch'],
    ['李_丽', '王晓丽', 'mismatch'],
    ['张伟', '张伟伟', 'uncertain'],
    ['龚嘉婷', '龚婷', 'uncertain'],
    ['王小明', '王晓明', 'uncertain'],
    ['王小明', '李小明', 'mismatch'],
    ['王小明', '王大刚', 'mismatch'],
    ['雷哲', '雷欣', 'mismatch'],
    ['雷哲', '雷皙', 'uncertain'],
    ['任晴敏', '任暗敏', 'uncertain'],
    ['张', '张伟', 'mismatch'],
    ['__', '张伟', 'mismatch'],
    ['', '张伟', 'mismatch'],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(matchNames(a, b)).toBe(expected);
  });

  it.each([
    ['雷欣', '雷哲', 0.97, 'mismatch'],
    ['雷欣', '雷哲', 0.85, 'uncertain'],
    ['雷皙', '雷哲', 0.99, 'uncertain'],
    ['李欣', '雷哲', 0.5, 'mismatch'],
    ['王小明', '王晓明', 0.99, 'uncertain'],
    ['张伟', '张伟', 0.3, 'match'],
  ])(
    '%s read with confidence %d vs %s → %s (a one-character difference needs a sure reading to reject)',
    (a, b, confidence, expected) => {
      expect(matchNames(a, b, { confidence })).toBe(expected);
    },
  );

  it('knows OCR look-alikes, symmetrically, and no character is its own look-alike', () => {
    expect(isLookAlike('哲', '皙')).toBe(true);
    expect(isLookAlike('皙', '哲')).toBe(true);
    expect(isLookAlike('己', '巳')).toBe(true);
    expect(isLookAlike('哲', '哲')).toBe(false);
    expect(isLookAlike('宁', '卓')).toBe(false);
  });

  it('is symmetric', () => {
    const name = fc.string({ unit: fc.constantFrom('张', '伟', '·', '_', ' ', '李'), maxLength: 8 });
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(matchNames(a, b)).toBe(matchNames(b, a));
      }),
    );
  });
});
