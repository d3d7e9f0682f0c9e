import { describe, expect, it } from 'vitest';
import {
  educationLevelOfCode,
  normalizeEducationCategory,
  normalizeEducationLevel,
  parseDegreeName,
  parseYearsCount,
} from './education.js';

describe('normalizeEducationLevel (docs/formats.md §6.5)', () => {
  it.each([
    ['大专', '专科'],
    ['高职', '专科'],
    ['专科', '专科'],
    ['高职高专', '专科'],
    ['本科', '本科'],
    ['四年制本科', '本科'],
    ['专升本', '本科'],
    ['硕士', '硕士研究生'],
    ['硕士研究生毕业证书', '硕士研究生'],
    ['博士研究生', '博士研究生'],
    ['第二学士学位', '第二学士学位'],
  ])('%s → %s', (raw, level) => expect(normalizeEducationLevel(raw)).toBe(level));

  it('does not treat 学士 (a degree) or other words as a level', () => {
    expect(normalizeEducationLevel('学士')).toBeNull();
    expect(normalizeEducationLevel('高中')).toBeNull();
  });
});

describe('level codes and vocabulary', () => {
  it('maps certificate level codes', () => {
    expect(educationLevelOfCode('05')).toBe('本科');
    expect(educationLevelOfCode('02')).toBe('硕士研究生');
    expect(educationLevelOfCode('03')).toBeNull();
  });

  it('maps 学历类别 wording', () => {
    expect(normalizeEducationCategory('普通高等教育')).toBe('普通高等教育');
    expect(normalizeEducationCategory('高等教育自学考试')).toBe('高等教育自学考试');
    expect(normalizeEducationCategory('成人教育')).toBe('成人高等教育');
    expect(normalizeEducationCategory('电视')).toBeNull();
  });

  it('splits degree names', () => {
    expect(parseDegreeName('工学学士')).toEqual({ discipline: '工学', level: '学士' });
    expect(parseDegreeName('工商管理硕士')).toEqual({ discipline: '工商管理', level: '硕士' });
    expect(parseDegreeName('学士')).toBeNull();
  });

  it('reads year counts', () => {
    expect(parseYearsCount('四')).toBe(4);
    expect(parseYearsCount('两')).toBe(2);
    expect(parseYearsCount('3')).toBe(3);
    expect(parseYearsCount('十')).toBeNull();
  });
});
