/**
 * The Chinese numerals one to nine, in order (一 is 1), as diplomas print dates (二〇一七年六月三十日)
 * and durations (学制四年). Zero and ten are not digits here: dates read zero from its OCR look-alikes
 * and compose tens with 十 (dates.ts).
 */
export const CHINESE_DIGITS = '一二三四五六七八九';

/** 一 → 1 … 九 → 9; null for anything else. */
export function chineseDigitValue(text: string): number | null {
  const index = [...text].length === 1 ? CHINESE_DIGITS.indexOf(text) : -1;
  return index === -1 ? null : index + 1;
}
