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

/** The ID number that agrees with the student-status report's printed birth date (1998-05-12, a man). */
export const STUDENT_STATUS_ID_NUMBER = '110108199805120038';

/**
 * A 教育部学籍在线验证报告 read by PP-OCR, modelled on 学信网's published specimen (docs/formats.md
 * §4.2): a two-column table, 入学日期 and 毕（结）业日期 in one box, 学籍状态, a 12-digit 在线验证码 and,
 * on the specimen, a 样本 watermark across the page and an ID number whose birth date is not the
 * printed one.
 */
export function chsiStudentStatusPpOcr(
  overrides: {
    status?: string;
    idNumber?: string;
    watermark?: boolean;
    title?: string;
    /** Print 预计毕业日期 (a 在籍 report's forecast) in the dates row instead of 毕（结）业日期. */
    expectedGraduation?: string;
  } = {},
): OcrResult {
  const row = (y: number, ...cells: [number, string][]): TestBox[] =>
    cells.map(([x, text]) => ppLine(text, x, y));
  const watermark = overrides.watermark ?? true;
  return ocrResult([
    ppLine(overrides.title ?? '教育部学籍在线验证报告', 560, 100),
    ppLine('更新日期：2024年07月10日', 1200, 170),
    ...row(300, [150, '姓名'], [350, '王小明'], [800, '性别'], [1150, '男']),
    ...row(370, [150, '出生日期'], [350, '1998年05月12日'], [800, '民族'], [1150, '汉族']),
    ...row(440, [150, '证件号码'], [350, overrides.idNumber ?? '110108199901010031']),
    ...row(510, [150, '院校'], [350, '北京大学'], [800, '层次'], [1150, '本科']),
    ...row(580, [150, '院系'], [350, '信息科学技术学院'], [800, '班级'], [1150, '计算机1601']),
    ...row(650, [150, '专业'], [350, '计算机科学与技术'], [800, '学号'], [1150, '1601210001']),
    ...row(720, [150, '学制'], [350, '4年'], [800, '学历类别'], [1150, '普通高等教育']),
    ...row(790, [150, '学习形式'], [350, '普通全日制']),
    ppLine(
      overrides.expectedGraduation
        ? `入学日期 2016年09月01日 预计毕业日期 ${overrides.expectedGraduation}`
        : '入学日期 2016年09月01日 毕（结）业日期 2020年07月01日',
      150,
      860,
    ),
    ...row(930, [150, '学籍状态'], [350, overrides.status ?? '毕业']),
    ...(watermark ? [ppLine('样本', 700, 1150, 0.71, 120), ppLine('样 本', 700, 1600, 0.68, 120)] : []),
    ppLine('在线验证码：1234 5678 9012', 150, 1900),
    ppLine('在线查验网址：https://www.chsi.com.cn/xlcx/bgcx.jsp', 150, 1970),
  ]);
}
