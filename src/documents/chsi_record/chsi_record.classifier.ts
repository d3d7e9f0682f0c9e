import type { OcrResult } from '../../ocr/ocr.types.js';
import { type Signal, scoreSignals } from '../classification-signals.js';
import { buildOcrPage } from '../ocr-page.js';

const SIGNALS: readonly Signal[] = [
  { pattern: /学历证书电子注册备案表|电子注册备案表/, weight: 0.45 },
  { pattern: /在线验证码/, weight: 0.2 },
  { pattern: /学信网|chsi\.com\.cn/i, weight: 0.1 },
  { pattern: /学历类别/, weight: 0.1 },
  { pattern: /毕\(?结\)?业日期/, weight: 0.1 },
  { pattern: /入学日期/, weight: 0.05 },
  { pattern: /学习形式/, weight: 0.05 },
  { pattern: /层次/, weight: 0.05 },
  // H5: a 学籍 report shows enrolment, not graduation; it is not a 备案表 and must not pass as one.
  { pattern: /学籍在线验证报告|学籍状态/, weight: -0.8 },
  { pattern: /学位在线验证报告|成绩报告单/, weight: -0.5 },
];

export function classifyChsiRecord(ocr: OcrResult): number {
  return scoreSignals(buildOcrPage(ocr), SIGNALS);
}
