import { describe, expect, it } from 'vitest';
import { chineseDigitValue } from './numerals.js';

describe('chineseDigitValue', () => {
  it('reads 一 to 九 and nothing else', () => {
    expect([...'一二三四五六七八九'].map(chineseDigitValue)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const text of ['〇', '零', '十', '两', '1', '', '一二', 'constructor']) {
      expect(chineseDigitValue(text)).toBeNull();
    }
  });
});
