import type { OcrResult } from '../../ocr/ocr.types.js';
import { type Signal, scoreSignals } from '../classification-signals.js';
import { buildOcrPage } from '../ocr-page.js';

const SIGNALS: readonly Signal[] = [
  { pattern: /学位证书/, weight: 0.4 },
  // 授予工学学士学位, 授予工商管理硕士专业学位; the level's first character may be misread (硕 → 顾).
  { pattern: /授予.{1,14}?士(?:专业)?学位/, weight: 0.3 },
  { pattern: /学位条例|学位法/, weight: 0.15 },
  { pattern: /学位评定委员会/, weight: 0.1 },
  { pattern: /业已毕业|完成了.{0,6}学习计划/, weight: 0.1 },
  { pattern: /证书编号/, weight: 0.05 },
  { pattern: /毕业证书|准予毕业|电子注册备案表|在线验证码|成绩报告单/, weight: -0.5 },
];

export function classifyDegreeCertificate(ocr: OcrResult): number {
  return scoreSignals(buildOcrPage(ocr), SIGNALS);
}
