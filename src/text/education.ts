import { chineseDigitValue } from './numerals.js';
import { normalizeText, removeWhitespace } from './unicode.js';

/** The contract's education levels (层次), docs/formats.md §6.5. */
export const EDUCATION_LEVELS = ['专科', '本科', '第二学士学位', '硕士研究生', '博士研究生'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

/** Certificate-number positions 11–12 for each level (§2.4, S32/S33). */
export const LEVEL_CODE_OF_EDUCATION_LEVEL: Readonly<Record<EducationLevel, string>> = {
  博士研究生: '01',
  硕士研究生: '02',
  第二学士学位: '04',
  本科: '05',
  专科: '06',
};

export function educationLevelOfCode(code: string): EducationLevel | null {
  for (const level of EDUCATION_LEVELS) {
    if (LEVEL_CODE_OF_EDUCATION_LEVEL[level] === code) return level;
  }
  return null;
}

/**
 * Maps printed level wording to the contract enum (§6.5): 大专/高职/高职高专/专科 → 专科;
 * 本科 (also 四年制本科, 专升本) → 本科; 硕士/硕士研究生 → 硕士研究生; 博士 → 博士研究生;
 * 第二学士学位 → itself. 学士 alone is a degree, not a level: null.
 */
export function normalizeEducationLevel(raw: string): EducationLevel | null {
  const text = removeWhitespace(normalizeText(raw));
  if (text.length === 0) return null;
  if (text.includes('第二学士')) return '第二学士学位';
  if (text.includes('博士')) return '博士研究生';
  if (text.includes('硕士')) return '硕士研究生';
  if (/专升本|本科/.test(text)) return '本科';
  if (/大专|高职|专科/.test(text)) return '专科';
  return null;
}

/** 办学类型: certificate-number digit 6 (§2.4): 1, 5, 6 are [OFFICIAL]; 7 is [SECONDARY]. */
export const STUDY_TYPE_OF_CERTIFICATE_DIGIT: Readonly<Record<string, string>> = {
  '1': '普通高等教育',
  '5': '成人高等教育',
  '6': '高等教育自学考试',
  '7': '网络教育',
};

/** 学历类别 values printed on CHSI records (§6.5). */
export const EDUCATION_CATEGORIES = [
  '普通高等教育',
  '成人高等教育',
  '高等教育自学考试',
  '网络教育',
  '开放教育',
] as const;

/** Maps printed 学历类别 wording to the canonical category, or null. */
export function normalizeEducationCategory(raw: string): string | null {
  const text = removeWhitespace(normalizeText(raw));
  if (/自学考试|自考/.test(text)) return '高等教育自学考试';
  if (/成人/.test(text)) return '成人高等教育';
  if (/网络/.test(text)) return '网络教育';
  if (/开放/.test(text)) return '开放教育';
  if (/普通/.test(text)) return '普通高等教育';
  return null;
}

/** 学位级别 and certificate digit 6 of degree numbers (§3.4: 2 博士, 3 硕士, 4 学士). */
export const DEGREE_LEVEL_DIGITS: Readonly<Record<'学士' | '硕士' | '博士', string>> = {
  博士: '2',
  硕士: '3',
  学士: '4',
};

/** 学科门类 of the 2022 目录 (§6.5, S51). */
export const DISCIPLINE_CATEGORIES = [
  '哲学',
  '经济学',
  '法学',
  '教育学',
  '文学',
  '历史学',
  '理学',
  '工学',
  '农学',
  '医学',
  '军事学',
  '管理学',
  '艺术学',
  '交叉学科',
] as const;

/** Splits a degree name such as 工学学士 or 工商管理硕士 into its discipline and level. */
export function parseDegreeName(
  degree: string,
): { discipline: string; level: '学士' | '硕士' | '博士' } | null {
  const match = /^(.+?)(学士|硕士|博士)(?:学位)?$/.exec(degree);
  if (!match) return null;
  return { discipline: match[1] as string, level: match[2] as '学士' | '硕士' | '博士' };
}

/** Chinese numeral or digit for a duration in years (四 → 4). */
export function parseYearsCount(raw: string): number | null {
  const text = removeWhitespace(normalizeText(raw));
  if (/^[1-9]$/.test(text)) return Number(text);
  // 两 is the "two" of counted things (两年); a date never prints it.
  if (text === '两') return 2;
  return chineseDigitValue(text);
}
