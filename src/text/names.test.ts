import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLookAlike } from './confusables.js';
import { compareNames, matchNames, NAME_DOT, normalizeName } from './names.js';

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
    // a different given name under the same surname is not what OCR can rule out: a person looks
    ['张伟', '张玮', 'uncertain'],
    ['张伟', '李伟', 'mismatch'],
    ['李_丽', '王晓丽', 'mismatch'],
    ['张伟', '张伟伟', 'uncertain'],
    ['龚嘉婷', '龚婷', 'uncertain'],
    ['王小明', '王晓明', 'uncertain'],
    ['王小明', '李小明', 'mismatch'],
    ['王小明', '王大刚', 'uncertain'],
    ['雷哲', '雷欣', 'uncertain'],
    ['雷哲', '雷皙', 'uncertain'],
    ['任晴敏', '任暗敏', 'uncertain'],
    // one character fewer at the end, or a name without its surname: what OCR drops
    ['张', '张伟', 'uncertain'],
    ['伟明', '张伟明', 'uncertain'],
    ['娜娜', '欧阳娜娜', 'uncertain'],
    // a clearly different length is another person
    ['张伟', '张伟明华', 'mismatch'],
    ['李明', '欧阳娜娜', 'mismatch'],
    ['__', '张伟', 'mismatch'],
    ['', '张伟', 'mismatch'],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(matchNames(a, b)).toBe(expected);
  });

  it.each([
    ['雷欣', '雷哲', 0.97, 'uncertain'],
    ['雷欣', '雷哲', 0.85, 'uncertain'],
    ['雷皙', '雷哲', 0.99, 'uncertain'],
    ['李欣', '雷哲', 0.97, 'mismatch'],
    ['李欣', '雷哲', 0.5, 'uncertain'],
    ['张伟明华', '张伟', 0.97, 'mismatch'],
    ['张伟明华', '张伟', 0.6, 'uncertain'],
    ['王小明', '王晓明', 0.99, 'uncertain'],
    ['张伟', '张伟', 0.3, 'match'],
  ])(
    '%s vs %s read with confidence %f → %s (a difference needs a sure reading to reject)',
    (a, b, confidence, expected) => {
      expect(matchNames(a, b, { confidence })).toBe(expected);
    },
  );

  it('takes a look-alike surname for a misreading, not another family (王丽 read as 玉丽)', () => {
    expect(compareNames('玉丽', '王丽', { confidence: 0.99 })).toEqual({
      outcome: 'uncertain',
      difference: 'misread',
      misreads: [{ read: '玉', expected: '王', cause: 'look-alike' }],
    });
    expect(compareNames('赢政', '嬴政', { confidence: 0.99 }).outcome).toBe('uncertain');
  });

  it('takes a name read without its surname for a misreading (任晴敏 read as 晴敏, 暗敏)', () => {
    expect(compareNames('晴敏', '任晴敏', { confidence: 0.99 })).toEqual({
      outcome: 'uncertain',
      difference: 'surname-missing',
      misreads: [],
    });
    expect(compareNames('暗敏', '任晴敏', { confidence: 0.99 })).toEqual({
      outcome: 'uncertain',
      difference: 'surname-missing',
      misreads: [{ read: '暗', expected: '晴', cause: 'look-alike' }],
    });
  });

  const read = (chars: [string, number, string[]][]) => ({
    confidence: Math.min(...chars.map(([, p]) => p)),
    characters: chars.map(([char, confidence, candidates]) => ({
      char,
      confidence,
      candidates: candidates.map((c) => ({ char: c, confidence: 0.03 })),
    })),
  });

  it("asks a person when the applicant's surname is the recogniser's own runner-up", () => {
    // 赫/郝 are not in the look-alike table: only the recogniser knows it hesitated
    const doubted = read([
      ['赫', 0.93, ['郝', '赤']],
      ['明', 0.99, []],
    ]);
    expect(compareNames('赫明', '郝明', doubted)).toEqual({
      outcome: 'uncertain',
      difference: 'misread',
      misreads: [{ read: '赫', expected: '郝', cause: 'candidate' }],
    });
    const sure = read([
      ['赫', 0.99, []],
      ['明', 0.99, []],
    ]);
    expect(compareNames('赫明', '郝明', sure)).toEqual({
      outcome: 'mismatch',
      difference: 'surname',
      misreads: [],
    });
  });

  it('judges the surname by its own character, not by the mean of the line', () => {
    const surnameUnsure = {
      confidence: 0.95,
      characters: read([
        ['李', 0.62, []],
        ['欣', 0.99, []],
      ]).characters,
    };
    expect(compareNames('李欣', '雷欣', surnameUnsure).outcome).toBe('uncertain');
  });

  it('lines characters up with the name when the evidence also holds its label', () => {
    const labelled = read([
      ['姓', 0.99, []],
      ['名', 0.99, []],
      ['赫', 0.91, ['郝']],
      ['明', 0.99, []],
    ]);
    expect(compareNames('赫明', '郝明', labelled).misreads).toEqual([
      { read: '赫', expected: '郝', cause: 'candidate' },
    ]);
  });

  it('never matches what is not the same name, whatever explains the difference', () => {
    const name = fc.constantFrom('王丽', '玉丽', '晴敏', '任晴敏', '任暗敏', '郝明', '赫明', '张', '张伟');
    fc.assert(
      fc.property(name, name, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, confidence) => {
        fc.pre(a !== b);
        expect(matchNames(a, b, { confidence })).not.toBe('match');
      }),
    );
  });

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
