import { describe, expect, it } from 'vitest';
import { classifyDocument } from '../classify.js';
import { buildOcrPage } from '../ocr-page.js';
import { labelsOverValues, ocrResult, ppLine, type TestBox } from '../synthetic-ocr.test-support.js';
import { extractGraduationCertificate, PRINTED_STUDY_TYPE } from './graduation_certificate.extractor.js';
import { graduationCertificateSchema } from './graduation_certificate.schema.js';
import {
  bachelorCertificatePpOcr,
  masterCertificateTesseract,
} from './graduation_certificate.test-support.js';

describe('extractGraduationCertificate', () => {
  it('reads the diploma sentence across PP-OCR lines', () => {
    const { fields, evidence } = extractGraduationCertificate(buildOcrPage(bachelorCertificatePpOcr()));
    expect(fields).toEqual({
      name: '尹航',
      gender: '男',
      birthDate: '1994-07-30',
      school: '武汉大学',
      major: '给排水科学与工程',
      educationLevel: '本科',
      enrollmentDate: '2012-09',
      graduationDate: '2017-06',
      certificateNumber: '104861201705004788',
      durationYears: 4,
      issueDate: '2017-06-30',
      studyType: '普通高等教育',
    });
    expect(graduationCertificateSchema.safeParse(fields).success).toBe(true);
    expect(evidence.name).toMatchObject({ text: '尹航', source: 'rules' });
    expect(evidence.graduationDate?.text).toBe('二〇一七年六月');
    expect(evidence[PRINTED_STUDY_TYPE]?.text).toBe('普通高等教育');
  });

  it('reads a tesseract master certificate: spaced text, no punctuation, O/0 for 〇, value under its label', () => {
    const { fields } = extractGraduationCertificate(buildOcrPage(masterCertificateTesseract()));
    expect(fields).toEqual({
      name: '李明',
      gender: '男',
      birthDate: '1984-02-16',
      school: '五邑大学',
      major: '信号与信息处理',
      educationLevel: '硕士研究生',
      enrollmentDate: '2006-09',
      graduationDate: '2009-06',
      certificateNumber: '113491200902000028',
      durationYears: 3,
      issueDate: '2009-06-15',
      studyType: '普通高等教育',
    });
  });

  it('tolerates missing punctuation and reads the online-education note', () => {
    const { fields, evidence } = extractGraduationCertificate(
      buildOcrPage(
        bachelorCertificatePpOcr({
          certificateNumber: '104867201805000001',
          body: [
            '学生王芳性别女二〇〇〇年十二月一日生于二〇一六年三月至二〇一八年七月在本校计算机科学与技术',
            '（网络教育）专业二年制专科学习修完教学计划规定的全部课程成绩合格准予毕业',
          ],
        }),
      ),
    );
    expect(fields).toMatchObject({
      name: '王芳',
      gender: '女',
      birthDate: '2000-12-01',
      major: '计算机科学与技术',
      educationLevel: '专科',
      durationYears: 2,
      studyType: '网络教育',
    });
    expect(evidence[PRINTED_STUDY_TYPE]?.text).toBe('网络教育');
  });

  it('leaves an impossible birth date read unsurely null instead of guessing', () => {
    const { fields } = extractGraduationCertificate(
      buildOcrPage(
        bachelorCertificatePpOcr({
          body: ['学生尹航，性别男，一九九四年二月三十日生，于二〇一二年九月至二〇一七年六月在本校'],
          bodyConfidence: 0.9,
        }),
      ),
    );
    expect(fields.birthDate).toBeNull();
    expect(fields.name).toBe('尹航');
  });

  it('keeps an impossible birth date read surely as printed, for the calendar rule', () => {
    const { fields } = extractGraduationCertificate(
      buildOcrPage(
        bachelorCertificatePpOcr({
          body: ['学生尹航，性别男，一九九四年二月三十日生，于二〇一二年九月至二〇一七年六月在本校'],
          bodyConfidence: 0.99,
        }),
      ),
    );
    expect(fields.birthDate).toBe('1994-02-30');
  });

  it('keeps a 17-digit number of a year after 2002 only when read surely (rule G1 judges it)', () => {
    const seventeen = '10486120170500478';
    const sure = extractGraduationCertificate(
      buildOcrPage(bachelorCertificatePpOcr({ certificateNumber: seventeen, numberConfidence: 0.99 })),
    );
    expect(sure.fields.certificateNumber).toBe(seventeen);
    const unsure = extractGraduationCertificate(
      buildOcrPage(bachelorCertificatePpOcr({ certificateNumber: seventeen, numberConfidence: 0.9 })),
    );
    expect(unsure.fields.certificateNumber).toBeNull();
  });
});

/**
 * Diplomas of layouts other than the classic body sentence: tables with labels left of their values
 * (two and three pairs per row, with and without colons), bilingual labels above their values, and
 * bodies in other orders and date styles.
 */
describe('extractGraduationCertificate on other layouts', () => {
  const NUMBER = '102691202105000123';
  const expected = {
    name: '李娜',
    gender: '女',
    birthDate: '1999-03-15',
    enrollmentDate: '2017-09',
    graduationDate: '2021-06',
    major: '计算机科学与技术',
  };
  const read = (lines: TestBox[]) =>
    extractGraduationCertificate(
      buildOcrPage(
        ocrResult([ppLine('普通高等学校', 700, 100), ppLine('毕业证书', 760, 170), ...lines], 'ppocr'),
      ),
    );

  it('reads a table of labels left of values, three and two pairs per row', () => {
    const { fields, evidence } = read([
      ppLine('姓名：李娜  性别：女  出生日期：1999年03月15日', 150, 300),
      ppLine('入学日期：2017年09月  毕（结）业日期：2021年06月', 150, 370),
      ppLine('专业：计算机科学与技术  学制：四年  层次：本科', 150, 440),
      ppLine(`学校名称：华东师范大学  证书编号：${NUMBER}`, 150, 510),
      ppLine('发证日期：2021年6月30日', 150, 580),
    ]);
    expect(fields).toEqual({
      ...expected,
      school: '华东师范大学',
      educationLevel: '本科',
      durationYears: 4,
      certificateNumber: NUMBER,
      issueDate: '2021-06-30',
      studyType: '普通高等教育',
    });
    expect(evidence.graduationDate?.text).toBe('2021年06月');
  });

  it('classifies a table diploma without the 普通高等学校 heading by its title and labels', () => {
    const page = buildOcrPage(
      ocrResult([
        ppLine('毕业证书', 760, 170),
        ppLine('姓名：李娜  性别：女', 150, 300),
        ppLine(`毕业院校：华东师范大学  证书编号：${NUMBER}`, 150, 370),
      ]),
    );
    expect(classifyDocument(page).type).toBe('graduation_certificate');
  });

  it('reads label-value pairs in separate boxes without colons, in numeric date styles', () => {
    const cells = (y: number, ...pairs: [string, string][]) =>
      pairs.flatMap(([label, value], i) => [
        ppLine(label, 150 + i * 700, y),
        ppLine(value, 450 + i * 700, y),
      ]);
    const { fields } = read([
      ...cells(300, ['姓名', '李娜'], ['性别', '女']),
      ...cells(370, ['出生年月日', '1999.3.15'], ['专业', '计算机科学与技术']),
      ...cells(440, ['入学时间', '2017-09'], ['毕业时间', '2021.6']),
    ]);
    expect(fields).toMatchObject(expected);
  });

  it('reads bilingual labels printed above their values', () => {
    const { fields } = read([
      ...labelsOverValues(300, [
        ['姓名 Name', '李娜', 150],
        ['性别 Sex', '女', 600],
        ['出生日期 Date of Birth', '1999-03-15', 900],
      ]),
      ...labelsOverValues(450, [
        ['入学日期 Enrollment', '2017年9月', 150],
        ['毕业日期 Graduation', '2021年6月', 900],
      ]),
    ]);
    expect(fields).toMatchObject({ ...expected, major: null });
  });

  it.each([
    [
      'name first',
      [
        '李娜，女，1999年3月15日生，于2017年9月至2021年6月在本校计算机科学与技术专业四年制本科学习，',
        '修完教学计划规定的全部课程，成绩合格，准予毕业。',
      ],
    ],
    [
      '出生 and numeric months',
      [
        '学生李娜，性别女，1999年3月15日出生，于2017.09至2021.06在我校计算机科学与技术专业',
        '四年制本科学习，修完教学计划规定的全部课程，成绩合格，准予毕业。',
      ],
    ],
    [
      'school first, 系我校',
      [
        '学生李娜，性别女，1999年3月15日生，自2017年9月至2021年6月在校学习，系我校计算机科学与技术专业',
        '四年制本科毕业生，修完教学计划规定的全部课程，成绩合格，准予毕业。',
      ],
    ],
  ])('reads a body in another order (%s)', (_, body) => {
    const { fields } = read(body.map((line, i) => ppLine(line, 150, 300 + i * 60)));
    expect(fields).toMatchObject({ ...expected, educationLevel: '本科', durationYears: 4 });
  });

  it('does not take a birth date labelled in a table for the issue date', () => {
    const { fields } = read([ppLine('姓名：李娜  性别：女  出生日期：1999年03月15日', 150, 300)]);
    expect(fields).toMatchObject({ name: '李娜', birthDate: '1999-03-15', issueDate: null });
  });

  it('does not take a label inside running text for a label (a margin note naming someone)', () => {
    const { fields, evidence } = read([
      ppLine('学生，性别女，1999年3月15日生，于2017年9月至2021年6月在本校学习。', 150, 300),
      ppLine('注：学生姓名为李娜', 150, 700),
    ]);
    expect(fields.name).toBeNull();
    expect(evidence.name).toBeUndefined();
  });

  it('does not read 专业 inside a body sentence as a label', () => {
    const { fields } = read([ppLine('学生李娜，性别女，于2017年9月至2021年6月学习计算机专业课程', 150, 300)]);
    expect(fields.major).toBeNull();
  });
});
