import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
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
