import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { realOcr } from '../real-ocr.test-support.js';
import { extractGraduationCertificate } from './graduation_certificate.extractor.js';

describe('graduation certificate on real OCR output', () => {
  it('separates two tilted body lines and reads 性例男, 二 read as "=" in a year', () => {
    expect(
      extractGraduationCertificate(buildOcrPage(realOcr('graduation_certificate', 'tilted-body'))).fields,
    ).toMatchObject({
      gender: '男',
      enrollmentDate: '2019-09',
      graduationDate: '2023-06',
      major: '历史学',
      educationLevel: '本科',
      school: '合肥工业大学',
      certificateNumber: '103591202305001715',
      // "学生发择,性例男": the name is garbled and is not read.
      name: null,
    });
  });

  it('reads the graduation month when the enrolment year lost a digit, and leaves the enrolment null', () => {
    expect(
      extractGraduationCertificate(buildOcrPage(realOcr('graduation_certificate', 'lost-start'))).fields,
    ).toMatchObject({
      enrollmentDate: null,
      graduationDate: '2026-06',
    });
  });
});
