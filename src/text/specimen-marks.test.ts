import { describe, expect, it } from 'vitest';
import { allRealOcr } from '../documents/real-ocr.test-support.js';
import { ocrResult, ppLine, sparseBoxes } from '../documents/synthetic-ocr.test-support.js';
import type { OcrResult } from '../ocr/ocr.types.js';
import { findSpecimenMarks, specimenReasons } from './specimen-marks.js';

const page = (...lines: string[]): OcrResult =>
  ocrResult(lines.map((text, index) => ppLine(text, 150, 100 + 70 * index)));
const marksOf = (ocr: OcrResult) => findSpecimenMarks(ocr).map((m) => m.mark);

describe('findSpecimenMarks', () => {
  it.each([
    ['a 样本 watermark line', page('教育部学籍在线验证报告', '样本'), ['样本']],
    ['a spaced-out watermark', page('姓名 张伟', '样 本'), ['样本']],
    ['a 样张 stamp inside a line', page('学位证书（样张）'), ['样张']],
    ['仅供参考', page('本报告仅供参考'), ['仅供参考']],
    ['a 作废 stamp', page('作 废'), ['作废']],
    ['SPECIMEN', page('SPECIMEN'), ['SPECIMEN']],
    ['letter-spaced S P E C I M E N', page('S P E C I M E N'), ['SPECIMEN']],
    ['full-width ＳＰＥＣＩＭＥＮ', page('ＳＰＥＣＩＭＥＮ'), ['SPECIMEN']],
    ['full-width 样　本 with an ideographic space', page('样　本'), ['样本']],
    ['lower-case void in a stamp', page('Void'), ['VOID']],
  ])('%s', (_, ocr, expected) => {
    expect(marksOf(ocr)).toEqual(expected);
  });

  it('finds a watermark a sparse engine read one character per box', () => {
    const ocr = ocrResult(
      [...sparseBoxes('姓 名 张 伟', 150, 300), ...sparseBoxes('样 本', 800, 900)],
      'tesseract',
    );
    expect(marksOf(ocr)).toEqual(['样本']);
  });

  it.each([
    ['a rule that voids an altered certificate', page('本证书涂改作废'), []],
    ['a validity rule', page('逾期作废'), []],
    ['a verification code holding the letters VOID', page('在线验证码：AVOIDQTS2RJWC0Q7'), []],
    ['English words that contain the marks', page('Avoid devoid specimens'), []],
    ['a 备案表 note', page('注：本备案表仅作为学历证书电子注册信息的证明，请于有效期内进行在线验证。'), []],
    [
      'two neighbouring boxes of ordinary words',
      ocrResult([ppLine('同样', 150, 300), ppLine('本科', 260, 300)]),
      [],
    ],
  ])('passes over %s', (_, ocr, expected) => {
    expect(marksOf(ocr)).toEqual(expected);
  });

  it.each(Object.entries(allRealOcr()))('finds nothing on the genuine captured page %s', (_, ocr) => {
    expect(findSpecimenMarks(ocr)).toEqual([]);
  });
});

describe('specimenReasons', () => {
  it('gives one soft SPECIMEN_OR_VOID reason naming the marks, in English and Chinese', () => {
    const reasons = specimenReasons(findSpecimenMarks(page('样本', 'SPECIMEN', '样 本')));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'SPECIMEN_OR_VOID', severity: 'soft' });
    expect(reasons[0]?.message).toContain('样本, SPECIMEN');
    expect(reasons[0]?.messageZh).toContain('样本');
  });

  it('gives nothing for a page without marks', () => {
    expect(specimenReasons(findSpecimenMarks(page('教育部学历证书电子注册备案表')))).toEqual([]);
  });
});
