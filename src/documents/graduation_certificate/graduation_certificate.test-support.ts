import type { OcrResult } from '../../ocr/ocr.types.js';
import { ocrResult, ppLine, sparseBoxes } from '../synthetic-ocr.test-support.js';

/** The 2017 Wuhan University bachelor certificate of docs/formats.md §2.2, as PP-OCR lines. */
export function bachelorCertificatePpOcr(
  overrides: {
    certificateNumber?: string;
    body?: string[];
    bodyConfidence?: number;
    numberConfidence?: number;
  } = {},
): OcrResult {
  const body = overrides.body ?? [
    '学生 尹航，性别 男，一九九四年七月三十日生，于二〇一二年九月至二〇一七',
    '年六月在本校给排水科学与工程专业四年制本科学习，修完教学计划规定的全部',
    '课程，成绩合格，准予毕业。',
  ];
  return ocrResult(
    [
      ppLine('普通高等学校', 700, 100),
      ppLine('毕业证书', 760, 170),
      ...body.map((line, i) => ppLine(line, 150, 400 + i * 60, overrides.bodyConfidence)),
      ppLine('校名：武汉大学', 150, 700),
      ppLine('校长：窦贤康', 900, 700),
      ppLine('二〇一七年六月三十日', 900, 760),
      ppLine(
        `证书编号：${overrides.certificateNumber ?? '104861201705004788'}`,
        150,
        820,
        overrides.numberConfidence,
      ),
      ppLine('中华人民共和国教育部学历证书查询网址：http://www.chsi.com.cn', 150, 900),
    ],
    'ppocr',
  );
}

/**
 * The 2009 Wuyi University master certificate of §2.2 as tesseract PSM 11 boxes: one box per Han
 * character, punctuation dropped, 〇 read as O and 0, the school under its label.
 */
export function masterCertificateTesseract(): OcrResult {
  return ocrResult(
    [
      ...sparseBoxes('硕士研究生毕业证书', 600, 100),
      ...sparseBoxes(
        '研究生 李明 性别男 一九八四年二月十六日生 于二O〇六年九月至二0〇九年〇六月在',
        100,
        400,
      ),
      ...sparseBoxes('信号与信息处理 专业学习 学制三年 修完硕士研究生培养计划规定的全部课程', 100, 460),
      ...sparseBoxes('成绩合格 毕业论文答辩通过 准予毕业', 100, 520),
      ...sparseBoxes('培 养 单 位', 100, 700),
      ...sparseBoxes('五 邑 大 学', 100, 760),
      ...sparseBoxes('证书编号 113491200902000028', 100, 840),
      ...sparseBoxes('二〇〇九年六月十五日', 900, 840),
    ],
    'tesseract',
  );
}
