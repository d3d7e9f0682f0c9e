/**
 * Character-level normalization applied to all OCR and PDF text before matching
 * (docs/formats.md §6.1 steps 1–3).
 */

/**
 * CJK Radicals Supplement (U+2E80–U+2EFF) characters and their Unicode
 * Equivalent_Unified_Ideograph. NFKC folds the Kangxi Radicals block but not this one, and PDF text
 * layers of CHSI/NEEA reports emit these radicals through font ToUnicode maps (§6.1 step 2, S74–S76).
 */
const RADICAL_SUPPLEMENT_TO_IDEOGRAPH: Readonly<Record<string, string>> = {
  '\u2E81': '厂',
  '\u2E84': '乙',
  '\u2E85': '亻',
  '\u2E86': '冂',
  '\u2E89': '刂',
  '\u2E8A': '卜',
  '\u2E8C': '小',
  '\u2E8D': '小',
  '\u2E8E': '兀',
  '\u2E90': '尢',
  '\u2E92': '巳',
  '\u2E93': '幺',
  '\u2E94': '彑',
  '\u2E96': '忄',
  '\u2E97': '心',
  '\u2E98': '扌',
  '\u2E99': '攵',
  '\u2E9B': '旡',
  '\u2E9C': '日',
  '\u2E9D': '月',
  '\u2E9F': '母',
  '\u2EA0': '民',
  '\u2EA1': '氵',
  '\u2EA2': '氺',
  '\u2EA3': '灬',
  '\u2EA4': '爫',
  '\u2EA6': '丬',
  '\u2EA7': '牛',
  '\u2EA8': '犭',
  '\u2EA9': '王',
  '\u2EAA': '疋',
  '\u2EAB': '目',
  '\u2EAC': '示',
  '\u2EAD': '礻',
  '\u2EAE': '竹',
  '\u2EAF': '糹',
  '\u2EB0': '纟',
  '\u2EB2': '罒',
  '\u2EB6': '羊',
  '\u2EB7': '羊',
  '\u2EB9': '耂',
  '\u2EBA': '肀',
  '\u2EBB': '聿',
  '\u2EBC': '月',
  '\u2EBD': '臼',
  '\u2EBE': '艹',
  '\u2EBF': '艹',
  '\u2EC0': '艹',
  '\u2EC1': '虎',
  '\u2EC2': '衤',
  '\u2EC3': '覀',
  '\u2EC4': '西',
  '\u2EC5': '见',
  '\u2EC6': '角',
  '\u2EC8': '讠',
  '\u2EC9': '贝',
  '\u2ECA': '足',
  '\u2ECB': '车',
  '\u2ECC': '辶',
  '\u2ECD': '辶',
  '\u2ECF': '阝',
  '\u2ED0': '钅',
  '\u2ED1': '長',
  '\u2ED2': '镸',
  '\u2ED3': '长',
  '\u2ED4': '门',
  '\u2ED6': '阝',
  '\u2ED7': '雨',
  '\u2ED8': '青',
  '\u2ED9': '韦',
  '\u2EDA': '页',
  '\u2EDB': '风',
  '\u2EDC': '飞',
  '\u2EDD': '食',
  '\u2EDF': '飠',
  '\u2EE0': '饣',
  '\u2EE2': '马',
  '\u2EE3': '骨',
  '\u2EE4': '鬼',
  '\u2EE5': '鱼',
  '\u2EE6': '鸟',
  '\u2EE7': '卤',
  '\u2EE8': '麦',
  '\u2EE9': '黄',
  '\u2EEA': '黾',
  '\u2EEB': '斉',
  '\u2EEC': '齐',
  '\u2EED': '歯',
  '\u2EEE': '齿',
  '\u2EEF': '竜',
  '\u2EF0': '龙',
  '\u2EF1': '龜',
  '\u2EF2': '亀',
  '\u2EF3': '龟',
};

const RADICAL_SUPPLEMENT = /[\u2E80-\u2EFF]/g;

/** Maps CJK Radicals Supplement characters to their unified ideographs; other text is unchanged. */
export function foldRadicalsSupplement(text: string): string {
  return text.replace(RADICAL_SUPPLEMENT, (ch) => RADICAL_SUPPLEMENT_TO_IDEOGRAPH[ch] ?? ch);
}

/**
 * NFKC (full-width ASCII → ASCII, U+3000 → space, Kangxi radicals → ideographs) followed by the
 * radicals-supplement fold that NFKC lacks. Idempotent.
 */
export function normalizeText(text: string): string {
  return foldRadicalsSupplement(text.normalize('NFKC'));
}

/**
 * Full-width forms (U+FF01–U+FF5E) → ASCII and the ideographic space → a space, leaving everything
 * else (CJK punctuation such as 、。《》) as it is. Narrower than NFKC: for text shown back to people.
 */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

/** ASCII (U+0021–U+007E) → full-width forms, a space → U+3000. The inverse of `toHalfWidth`. */
export function toFullWidth(text: string): string {
  return text.replace(/[\u0020-\u007E]/g, (ch) =>
    ch === ' ' ? '\u3000' : String.fromCharCode(ch.charCodeAt(0) + 0xfee0),
  );
}

/** Han ideographs, including the compatibility and extension blocks OCR engines emit. */
export const HAN = /\p{Script=Han}/u;

export function isHan(ch: string): boolean {
  return HAN.test(ch);
}

/** Removes every whitespace character (tesseract puts spaces between CJK characters). */
export function removeWhitespace(text: string): string {
  return text.replace(/\s+/gu, '');
}
