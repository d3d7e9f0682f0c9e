import type { OcrResult } from '../../ocr/ocr.types.js';
import { ocrResult, ppLine, sparseBoxes, type TestBox } from '../synthetic-ocr.test-support.js';

/**
 * OCR-shaped CET-4 reports (2025 H2, ticket 340801252117128 from docs/formats.md §1.4; report
 * number with the same year, half, level and centre).
 */
export const CET_TICKET = '340801252117128';
export const CET_REPORT_NUMBER = '252134080100123';
export const CET_ID_NUMBER = '410326199507103197';

/** PP-OCR: one box per line, labels and values together or in separate boxes to the right. */
export function cetReportPpOcr(
  overrides: { total?: string; idNumber?: string; listening?: string | null; extraLines?: TestBox[] } = {},
): OcrResult {
  return ocrResult(
    [
      ppLine('全国大学英语四级考试成绩报告单', 500, 100),
      ppLine('姓名：张伟', 150, 250),
      ppLine('学校：苏州科技大学', 150, 320),
      ppLine('证件号码', 150, 390),
      ppLine(overrides.idNumber ?? CET_ID_NUMBER, 400, 392),
      ppLine('笔试成绩', 150, 470),
      ppLine(`准考证号:${CET_TICKET}`, 150, 540),
      ppLine('考试时间：2025年12月', 1000, 540),
      ppLine('总分', 150, 620),
      ppLine('听力', 450, 620),
      ppLine('阅读', 750, 620),
      ppLine('写作和翻译', 1050, 620),
      ppLine(overrides.total ?? '570', 160, 690),
      ...(overrides.listening === null ? [] : [ppLine(overrides.listening ?? '166', 460, 690)]),
      ppLine('211', 760, 690),
      ppLine('193', 1090, 690),
      ppLine('口试成绩', 150, 780),
      ppLine('准考证号：--', 150, 850),
      ppLine('考试时间：--', 1000, 850),
      ppLine('等级：--', 150, 920),
      ppLine(`成绩报告单编号：${CET_REPORT_NUMBER}`, 150, 1010),
      ...(overrides.extraLines ?? []),
      ppLine('全国大学英语四、六级考试委员会', 900, 1100),
    ],
    'ppocr',
  );
}

/**
 * Tesseract PSM 11: every Han character its own box, spaces between CJK characters, the score
 * table as one row of headers and one row of numbers, and lower confidences.
 */
export function cetReportTesseract(): OcrResult {
  return ocrResult(
    [
      ...sparseBoxes('全国大学英语六级考试成绩报告单', 500, 100),
      ...sparseBoxes('姓 名 : 阿卜杜•热合曼', 150, 250),
      ...sparseBoxes('学 校 : 新疆大学', 150, 320),
      ...sparseBoxes('证件号码 : 650102********0011', 150, 390),
      ...sparseBoxes('笔 试 成 绩', 150, 470),
      ...sparseBoxes('准 考 证 号 : 650010241200512', 150, 540),
      ...sparseBoxes('考 试 时 间 : 2024年6月', 1000, 540),
      ...sparseBoxes('总分 听力 阅读 写作和翻译', 150, 620),
      ...sparseBoxes('5O1', 160, 690),
      ...sparseBoxes('172', 255, 690),
      ...sparseBoxes('180', 355, 690),
      ...sparseBoxes('149', 520, 690),
      ...sparseBoxes('口 试 成 绩', 150, 780),
      ...sparseBoxes('准考证号 : S65001241200512', 150, 850),
      ...sparseBoxes('等级 : B+', 150, 920),
      ...sparseBoxes('成 绩 报 告 单 编 号 : 241265001000042', 150, 1010),
    ],
    'tesseract',
  );
}
