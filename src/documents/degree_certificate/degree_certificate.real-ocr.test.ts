import { describe, expect, it } from 'vitest';
import { buildOcrPage } from '../ocr-page.js';
import { realOcr } from '../real-ocr.test-support.js';
import { extractDegreeCertificate } from './degree_certificate.extractor.js';

describe('degree certificate on real OCR output', () => {
  it('reads a professional degree ("授予工商管理硕士专业学位")', () => {
    expect(
      extractDegreeCertificate(buildOcrPage(realOcr('degree_certificate', 'professional'))).fields,
    ).toMatchObject({
      name: '邱峰振',
      school: '武汉大学',
      major: '工商管理',
      degree: '工商管理硕士',
      conferDate: '2026-06',
      certificateNumber: '1048632026006596',
    });
  });

  it('reads the awarding unit from its committee signature when the body is garbled', () => {
    expect(
      extractDegreeCertificate(buildOcrPage(realOcr('degree_certificate', 'garbled-body'))).fields,
    ).toMatchObject({
      school: '南京大学',
      major: null,
      name: null,
    });
  });

  it('reads a degree whose level OCR garbled (顾士) with the level of the title (硕士学位证书)', () => {
    const { fields, evidence } = extractDegreeCertificate(
      buildOcrPage(realOcr('degree_certificate', 'garbled-body')),
    );
    expect(fields.degree).toBe('工商管理硕士');
    expect(evidence.degree?.text).toBe('工商管理顾士');
  });
});
