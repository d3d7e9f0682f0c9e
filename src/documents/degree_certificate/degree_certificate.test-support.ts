import type { OcrResult } from '../../ocr/ocr.types.js';
import { ocrResult, ppLine, sparseBoxes } from '../synthetic-ocr.test-support.js';

/** A 2016+ self-designed bachelor degree certificate (学位〔2015〕18号 wording), as PP-OCR lines. */
export function bachelorDegreePpOcr(
  overrides: { degreeLine?: string; certificateNumber?: string } = {},
): OcrResult {
  return ocrResult(
    [
      ppLine('学士学位证书', 760, 120),
      ppLine('学生张伟，性别男，2000年1月15日生。在本校计算机科学与技术专业', 150, 400),
      ppLine('完成了本科学习计划，业已毕业，经审核符合《中华人民共和国学位条例》', 150, 460),
      ppLine(overrides.degreeLine ?? '的规定，授予工学学士学位。', 150, 520),
      ppLine('学位授予单位：复旦大学', 150, 700),
      ppLine('校长', 900, 700),
      ppLine('学位评定委员会主席', 900, 760),
      ppLine(`证书编号：${overrides.certificateNumber ?? '1024642022000123'}`, 150, 820),
      ppLine('发证日期：2022年6月30日', 900, 820),
    ],
    'ppocr',
  );
}

/**
 * Classic wording (§3.3) as tesseract PSM 11 boxes: the name opens the body, the school is inside
 * the sentence, and 工学 is misread as 王学 (§6.3).
 */
export function classicDegreeTesseract(): OcrResult {
  return ocrResult(
    [
      ...sparseBoxes('学士学位证书', 700, 100),
      ...sparseBoxes(
        '尹航 ， 男 ， 一九九四年七月三十日生 。 在武汉大学给排水科学与工程专业完成了',
        100,
        400,
      ),
      ...sparseBoxes(
        '四年制本科学习计划 ， 业已毕业 ， 经审核符合 《 中华人民共和国学位条例 》 的规定 ，',
        100,
        460,
      ),
      ...sparseBoxes('授予王学学士学位 。', 100, 520),
      ...sparseBoxes('( 普通高等教育本科毕业生 )', 100, 640),
      ...sparseBoxes('证书编号 : 1048642017004788', 100, 760),
      ...sparseBoxes('二〇一七年六月三十日', 900, 760),
    ],
    'tesseract',
  );
}
