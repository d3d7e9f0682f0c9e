/**
 * Characters an OCR engine takes for one another. Each string is one group: any two of its members
 * are look-alikes. Kept as data; `confusables.ts` reads it.
 *
 * Where the groups come from (docs/formats.md §6.3):
 * - the look-alikes listed there from a public correction table (S83): 己已巳, 日曰, 目且, 大太犬, 未末,
 *   本木, 土士, 人入, 王玉, 戊戌戍;
 * - misreadings seen on photographed documents: 雷哲 → 雷皙, 任晴敏 → 任暗敏, 大 → 天/关 under seals
 *   (src/documents/field-parsers.ts), 工学 → 王学;
 * - the rule behind both: two characters that share every component but one stroke, dot or short
 *   part (晴/暗 share 日 and differ in 青/音; 汩/汨 differ in the length of one stroke; 赢/嬴 in one
 *   component of five). Only pairs this rule produces are added by hand; a pair that differs in a
 *   whole component (张/弦) is not a look-alike.
 */
export const HAN_LOOK_ALIKE_GROUPS: readonly string[] = [
  '己已巳',
  '日曰',
  '目且',
  '大太犬天关夭',
  '未末',
  '本木术',
  '土士',
  '人入八',
  '王玉主壬',
  '工王',
  '戊戌戍戎',
  '哲皙晳晰',
  '晴暗',
  '赢嬴羸',
  '汩汨',
  '千干于',
  '子孑孓',
  '刀力',
  '贝见',
  '田由甲申',
  '毋母',
  '候侯',
  '析折',
  '清倩情晴请',
  '钰钮',
  '玮炜伟',
  '峰锋蜂烽',
  '婷停',
  '琪祺棋',
  '怡恰',
  '祎袆',
  '颖颍',
  '茜茵',
  '萍苹',
  '杨扬',
  '徐涂',
  '冉再',
  '厉历',
  '白自',
  '兔免',
  '崇祟',
  '鸟乌',
];

/**
 * Digits an OCR engine takes for one another in printed numbers: the closed loops of 0, 6, 8, 9, 3
 * and 5, and the strokes of 1 and 7 (docs/formats.md §6.3 maps letters to digits; these are the
 * digit-for-digit confusions left after that).
 */
export const DIGIT_LOOK_ALIKE_GROUPS: readonly string[] = ['0689', '358', '56', '17'];
