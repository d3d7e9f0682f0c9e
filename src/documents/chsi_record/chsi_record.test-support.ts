import type { OcrResult } from '../../ocr/ocr.types.js';
import { ocrResult, ppLine, sparseBoxes, type TestBox } from '../synthetic-ocr.test-support.js';

/** A 备案表 PDF page rendered and read by PP-OCR: a labelled table, one box per cell. */
export function chsiRecordPpOcr(
  overrides: { code?: string; certificateNumber?: string; category?: string; engine?: string } = {},
): OcrResult {
  const row = (y: number, ...cells: [number, string][]): TestBox[] =>
    cells.map(([x, text]) => ppLine(text, x, y));
  return ocrResult(
    [
      ppLine('教育部学历证书电子注册备案表', 600, 100),
      ppLine('更新日期：2024年07月01日', 1200, 170),
      ...row(300, [150, '姓名'], [350, '张伟'], [700, '性别'], [900, '男']),
      ...row(370, [150, '出生日期'], [350, '2002年11月20日']),
      ...row(
        440,
        [150, '入学日期'],
        [350, '2020年09月07日'],
        [800, '毕（结）业日期'],
        [1150, '2024年06月30日'],
      ),
      ...row(510, [150, '学校名称'], [350, '苏州科技大学']),
      ...row(580, [150, '专业'], [350, '计算机科学与技术']),
      ...row(650, [150, '学制'], [350, '4'], [800, '层次'], [1150, '本科']),
      ...row(
        720,
        [150, '学历类别'],
        [350, overrides.category ?? '普通高等教育'],
        [800, '学习形式'],
        [1150, '普通全日制'],
      ),
      ...row(
        790,
        [150, '毕（结）业'],
        [350, '毕业'],
        [800, '证书编号'],
        [1150, overrides.certificateNumber ?? '103321202405001234'],
      ),
      ...row(860, [150, '校（院）长姓名'], [450, '李四']),
      ppLine(`在线验证码：${overrides.code ?? 'AQT52ZQTS2RJWC0Q'}`, 150, 1000),
      ppLine('注：本备案表仅作为学历证书电子注册信息的证明，请于有效期内进行在线验证。', 150, 1070),
    ],
    overrides.engine ?? 'ppocr',
  );
}

/** A photo of a printout read by tesseract: spaced text, the code's label lost under a fold. */
export function chsiRecordTesseract(): OcrResult {
  return ocrResult(
    [
      ...sparseBoxes('教育部学历证书电子注册备案表', 600, 100),
      ...sparseBoxes('姓 名 阿卜杜・热合曼 性 别 男', 150, 300),
      ...sparseBoxes('出 生 日 期 2001年3月5日', 150, 370),
      ...sparseBoxes('入 学 日 期 2019年09月01日 毕 ( 结 ) 业 日 期 2022年07月01日', 150, 440),
      ...sparseBoxes('学 校 名 称 新 疆 职 业 大 学', 150, 510),
      ...sparseBoxes('专 业 旅 游 管 理', 150, 580),
      ...sparseBoxes('学 制 3 层 次 专 科', 150, 650),
      ...sparseBoxes('学 历 类 别 普 通 高 等 教 育', 150, 720),
      ...sparseBoxes('证 书 编 号 123581202206000456', 150, 790),
      ...sparseBoxes('ASLMN1RQZPRMHX05', 1100, 1000),
    ],
    'tesseract',
  );
}
