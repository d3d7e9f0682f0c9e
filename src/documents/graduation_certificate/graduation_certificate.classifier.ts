import { type Signal, scoreSignals } from '../classification-signals.js';
import type { OcrPage } from '../ocr-page.js';

const SIGNALS: readonly Signal[] = [
  { pattern: /毕业证书/, weight: 0.4 },
  { pattern: /普通高等学校|研究生毕业/, weight: 0.1 },
  { pattern: /准予毕业/, weight: 0.25 },
  { pattern: /修完.{0,12}规定的全部课程|成绩合格/, weight: 0.15 },
  { pattern: /性别[:：]?[男女]/, weight: 0.05 },
  { pattern: /至.{4,12}在(本校)?/, weight: 0.05 },
  { pattern: /证书编号/, weight: 0.05 },
  { pattern: /校名|培养单位|学校名称|毕业院校/, weight: 0.05 },
  { pattern: /学位证书|授予.{1,10}学位|电子注册备案表|在线验证码|成绩报告单/, weight: -0.5 },
];

export function classifyGraduationCertificate(page: OcrPage): number {
  return scoreSignals(page, SIGNALS);
}
