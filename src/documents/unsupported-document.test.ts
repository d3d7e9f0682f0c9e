import { describe, expect, it } from 'vitest';
import { documentModules } from './registry.js';
import { unsupportedDocumentReason } from './unsupported-document.js';

describe('unsupportedDocumentReason', () => {
  it('names the registered types in both languages, as applicants have always read it', () => {
    expect(unsupportedDocumentReason()).toEqual({
      code: 'UNSUPPORTED_DOCUMENT',
      severity: 'hard',
      message: 'This is not a CET score report, graduation or degree certificate, or CHSI record.',
      messageZh: '不支持的文件类型：请上传四六级成绩报告单、毕业证书、学位证书或学信网备案表。',
    });
  });

  it('lists one or two types without commas', () => {
    const { cet_score_report, chsi_record, graduation_certificate, degree_certificate } = documentModules;
    expect(unsupportedDocumentReason({ cet_score_report })).toMatchObject({
      message: 'This is not a CET score report.',
      messageZh: '不支持的文件类型：请上传四六级成绩报告单。',
    });
    expect(unsupportedDocumentReason({ cet_score_report, chsi_record }).message).toBe(
      'This is not a CET score report or CHSI record.',
    );
    expect(unsupportedDocumentReason({ graduation_certificate, degree_certificate }).message).toBe(
      'This is not a graduation or degree certificate.',
    );
  });
});
