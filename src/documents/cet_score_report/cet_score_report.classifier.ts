import type { OcrResult } from '../../ocr/ocr.types.js';
import { type Signal, scoreSignals } from '../classification-signals.js';
import { buildOcrPage } from '../ocr-page.js';

const SIGNALS: readonly Signal[] = [
  { pattern: /大学英语[四六]级考试|英语[四六]级考试|CET-?[46]/i, weight: 0.35 },
  { pattern: /成绩报告单/, weight: 0.25 },
  { pattern: /准考证号/, weight: 0.15 },
  { pattern: /写作[和与及]翻译|翻译[和与]写作/, weight: 0.15 },
  { pattern: /听力/, weight: 0.05 },
  { pattern: /阅读/, weight: 0.05 },
  { pattern: /总分/, weight: 0.05 },
  { pattern: /成绩报告单编号|报告单编号/, weight: 0.1 },
  { pattern: /口试|笔试/, weight: 0.05 },
  // An admission ticket (准考证) names the exam and its ticket number too, but it is titled 准考证 and
  // gives the seat and the candidate's instructions; a score report prints only 准考证号 (§1.2).
  { pattern: /准考证(?!号)|座位号|考生须知/, weight: -0.3 },
  // A 学信网 or diploma page that mentions English never carries these, but it carries its own titles.
  { pattern: /毕业证书|学位证书|电子注册备案表|在线验证码/, weight: -0.4 },
];

export function classifyCetScoreReport(ocr: OcrResult): number {
  return scoreSignals(buildOcrPage(ocr), SIGNALS);
}
