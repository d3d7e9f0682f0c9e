import { type Signal, scoreSignals } from '../classification-signals.js';
import type { OcrPage } from '../ocr-page.js';

const SIGNALS: readonly Signal[] = [
  { pattern: /学历证书电子注册备案表|电子注册备案表/, weight: 0.45 },
  // The 学籍在线验证报告 is a chsi_record too (docs/contract.md); its status decides what it proves (H5).
  { pattern: /学籍在线验证报告/, weight: 0.45 },
  { pattern: /学籍状态/, weight: 0.1 },
  { pattern: /在线验证码/, weight: 0.2 },
  { pattern: /学信网|chsi\.com\.cn/i, weight: 0.1 },
  { pattern: /学历类别/, weight: 0.1 },
  { pattern: /毕[([〔【]?结[)\]〕】]?业日期|离校日期/, weight: 0.1 },
  { pattern: /入学(?:日期|时间)/, weight: 0.05 },
  { pattern: /学习形式/, weight: 0.05 },
  { pattern: /层次/, weight: 0.05 },
  { pattern: /学位在线验证报告|成绩报告单/, weight: -0.5 },
];

export function classifyChsiRecord(page: OcrPage): number {
  return scoreSignals(page, SIGNALS);
}
