import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isRealCalendarDate,
  parseNumeralSmallNumber,
  parseNumeralYear,
  parsePrintedDate,
  toImpossibleIsoDate,
  toIsoDate,
  toIsoMonth,
} from './dates.js';

describe('Chinese numerals', () => {
  it.each([
    ['二〇〇一', 2001],
    ['二O一七', 2017],
    ['二0一七', 2017],
    ['二○一七', 2017],
    ['二◯一七', 2017],
    ['一九九四', 1994],
    ['2024', 2024],
  ])('year %s → %d', (text, year) => expect(parseNumeralYear(text)).toBe(year));

  it.each([
    ['三', 3],
    ['十', 10],
    ['十一', 11],
    ['十二', 12],
    ['二十', 20],
    ['二十三', 23],
    ['三十一', 31],
    ['〇六', 6],
    ['06', 6],
    ['9', 9],
  ])('month/day %s → %d', (text, value) => expect(parseNumeralSmallNumber(text)).toBe(value));

  it.each(['三七', '十十', '一二三', '', '二十三十'])('refuses %s', (text) => {
    expect(parseNumeralSmallNumber(text)).toBeNull();
  });
});

describe('toIsoDate', () => {
  it.each([
    ['二〇〇一年三月五日', '2001-03-05'],
    ['一九九四年七月三十日', '1994-07-30'],
    ['二O一七年六月三十日', '2017-06-30'],
    ['二0一七年六月三十日', '2017-06-30'],
    ['二〇〇九年〇六月十五日', '2009-06-15'],
    ['2024年6月30日', '2024-06-30'],
    ['2024年09月07日', '2024-09-07'],
    ['2025-12-13', '2025-12-13'],
    ['2024 年 6 月 30 日', '2024-06-30'],
    ['２０２４年６月３０日', '2024-06-30'],
  ])('%s → %s', (raw, iso) => expect(toIsoDate(raw)).toBe(iso));

  it.each([
    '二〇二三年二月二十九日',
    '2024年2月30日',
    '2024年13月1日',
    '2024年6月',
    '二〇一七年六月三七日',
    '六月三十日',
  ])('refuses %s', (raw) => expect(toIsoDate(raw)).toBeNull());

  it('accepts 29 February only in leap years', () => {
    expect(toIsoDate('二〇二四年二月二十九日')).toBe('2024-02-29');
    expect(toIsoDate('1900-02-29')).toBeNull();
  });
});

describe('toImpossibleIsoDate', () => {
  it.each([
    ['一九九七年二月三十日', '1997-02-30'],
    ['2023年04月31日', '2023-04-31'],
    ['2023-02-29', '2023-02-29'],
  ])('%s → %s (well formed, not on the calendar)', (raw, iso) => expect(toImpossibleIsoDate(raw)).toBe(iso));

  it.each([
    '2024年02月29日', // real: toIsoDate reads it
    '二〇二五年六月五十日', // a day of 50 is a misreading, not a date
    '2024年13月01日',
    '2024年6月',
  ])('refuses %s', (raw) => expect(toImpossibleIsoDate(raw)).toBeNull());
});

describe('toIsoMonth', () => {
  it.each([
    ['2024年6月', '2024-06'],
    ['2024-06', '2024-06'],
    ['二〇一二年九月', '2012-09'],
    ['二〇〇九年〇六月', '2009-06'],
    ['2021年12月', '2021-12'],
    ['2024年6月30日', '2024-06'],
  ])('%s → %s', (raw, iso) => expect(toIsoMonth(raw)).toBe(iso));

  it('refuses impossible months', () => {
    expect(toIsoMonth('2024年13月')).toBeNull();
    expect(toIsoMonth('二〇一二年十三月')).toBeNull();
  });
});

const chineseDigit = (d: number) => '〇一二三四五六七八九'[d] as string;
const chineseSmall = (n: number) => {
  if (n < 10) return chineseDigit(n);
  const tens = Math.floor(n / 10);
  const units = n % 10;
  return `${tens === 1 ? '' : chineseDigit(tens)}十${units === 0 ? '' : chineseDigit(units)}`;
};

describe('date properties', () => {
  const realDate = fc.date({
    min: new Date('1900-01-01T00:00:00Z'),
    max: new Date('2199-12-31T00:00:00Z'),
    noInvalidDate: true,
  });

  it('any real date written in Chinese numerals parses back to itself', () => {
    fc.assert(
      fc.property(realDate, (date) => {
        const y = date.getUTCFullYear();
        const m = date.getUTCMonth() + 1;
        const d = date.getUTCDate();
        const written = `${[...String(y)].map((c) => chineseDigit(Number(c))).join('')}年${chineseSmall(m)}月${chineseSmall(d)}日`;
        expect(toIsoDate(written)).toBe(date.toISOString().slice(0, 10));
      }),
    );
  });

  it('any real date written in Arabic 年月日 parses back to itself', () => {
    fc.assert(
      fc.property(realDate, (date) => {
        const written = `${date.getUTCFullYear()}年${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
        expect(toIsoDate(written)).toBe(date.toISOString().slice(0, 10));
      }),
    );
  });

  it('never returns a date that is not on the calendar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2199 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const iso = toIsoDate(`${y}年${m}月${d}日`);
          expect(iso !== null).toBe(isRealCalendarDate(y, m, d));
          expect(parsePrintedDate(`${y}-${m}-${d}`) !== null).toBe(isRealCalendarDate(y, m, d));
        },
      ),
    );
  });
});

describe('OCR look-alikes in printed dates', () => {
  it('reads 二 read as "=" in a Chinese-numeral year (real PP-OCR: "至二〇=三年六月")', () => {
    expect(toIsoMonth('二〇=三年六月')).toBe('2023-06');
  });

  it('still refuses a year that lost a digit', () => {
    expect(toIsoMonth('二〇二年九月')).toBeNull();
  });
});
