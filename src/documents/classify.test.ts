import { describe, expect, it } from 'vitest';
import { cetReportPpOcr, cetReportTesseract } from './cet_score_report/cet_score_report.test-support.js';
import { chsiRecordPpOcr, chsiRecordTesseract } from './chsi_record/chsi_record.test-support.js';
import { classifyDocument, MIN_CLASSIFICATION_SCORE } from './classify.js';
import {
  bachelorDegreePpOcr,
  classicDegreeTesseract,
} from './degree_certificate/degree_certificate.test-support.js';
import {
  bachelorCertificatePpOcr,
  masterCertificateTesseract,
} from './graduation_certificate/graduation_certificate.test-support.js';
import { buildOcrPage } from './ocr-page.js';
import { ocrResult, ppLine } from './synthetic-ocr.test-support.js';

const page = (...texts: string[]) => ocrResult(texts.map((text, i) => ppLine(text, 100, 100 + i * 60)));

describe('classifyDocument', () => {
  it.each([
    ['CET report (PP-OCR)', cetReportPpOcr(), 'cet_score_report'],
    ['CET report (tesseract)', cetReportTesseract(), 'cet_score_report'],
    ['bachelor diploma (PP-OCR)', bachelorCertificatePpOcr(), 'graduation_certificate'],
    ['master diploma (tesseract)', masterCertificateTesseract(), 'graduation_certificate'],
    ['degree (PP-OCR)', bachelorDegreePpOcr(), 'degree_certificate'],
    ['classic degree (tesseract)', classicDegreeTesseract(), 'degree_certificate'],
    ['CHSI record (PP-OCR)', chsiRecordPpOcr(), 'chsi_record'],
    ['CHSI record (tesseract)', chsiRecordTesseract(), 'chsi_record'],
  ])('%s → %s with high confidence', (_, ocr, type) => {
    const result = classifyDocument(buildOcrPage(ocr));
    expect(result.type).toBe(type);
    expect(result.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it.each([
    [
      'an ID card',
      page(
        '中华人民共和国',
        '居民身份证',
        '姓名 张伟',
        '性别 男 民族 汉',
        '出生 1995年7月10日',
        '住址 河南省洛阳市',
        '公民身份号码 410326199507103197',
        '签发机关 洛阳市公安局',
      ),
    ],
    [
      'a receipt',
      page(
        '超市购物小票',
        '收银员：03',
        '矿泉水 2 3.00',
        '面包 1 8.50',
        '合计 ￥14.50',
        '微信支付 14.50',
        '谢谢惠顾',
      ),
    ],
    ['a menu', page('菜单', '宫保鸡丁 38', '麻婆豆腐 22', '鱼香肉丝 32', '米饭 2', '酸梅汤 8')],
    [
      'a transcript with many course rows',
      page(
        '苏州科技大学学生成绩单',
        '姓名 张伟 学号 1920301001 专业 计算机科学与技术',
        '高等数学A 5.0 92',
        '大学英语四级 0 520',
        '大学英语 4.0 85',
        '线性代数 3.0 88',
        '数据结构 4.0 90',
        '操作系统 3.5 81',
        '计算机网络 3.0 79',
        '准予毕业',
      ),
    ],
    ['a blank page', ocrResult([])],
    [
      'a CET admission ticket (准考证), which carries no scores',
      page(
        '2026年上半年全国大学英语四级考试',
        '准考证',
        '姓名：买买提·吐尔洪',
        '证件号码：652901200208183390',
        '准考证号：441113261105082',
        '考场号：105座位号：8',
        '考生须知：考生须携带准考证和有效身份证件参加考试。',
      ),
    ],
  ])('%s → unknown', (_, ocr) => {
    const result = classifyDocument(buildOcrPage(ocr));
    expect(result.type).toBe('unknown');
    expect(Math.max(...Object.values(result.scores))).toBeLessThan(MIN_CLASSIFICATION_SCORE);
  });

  it('recognises a professional degree whose level OCR garbled (授予工商管理顾士专业学位)', () => {
    const result = classifyDocument(
      buildOcrPage(
        page(
          '硕士学位证书',
          '雷哲，男，一九九六年十二月三日生。',
          '的规定，授予工商管理顾士专业学位。',
          '证书编号：1028432021003097',
        ),
      ),
    );
    expect(result.type).toBe('degree_certificate');
    expect(result.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('reports every module score', () => {
    expect(Object.keys(classifyDocument(buildOcrPage(cetReportPpOcr())).scores).sort()).toEqual([
      'cet_score_report',
      'chsi_record',
      'degree_certificate',
      'graduation_certificate',
    ]);
  });
});
