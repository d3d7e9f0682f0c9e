import { describe, expect, it } from 'vitest';
import { classifyDocument } from '../classify.js';
import { buildOcrPage } from '../ocr-page.js';
import { realOcr, replaceText } from '../real-ocr.test-support.js';
import { extractChsiRecord } from './chsi_record.extractor.js';

describe('CHSI record on real OCR output', () => {
  it('reads the app screenshot card: the name above an unlabelled gender and birth date', () => {
    expect(extractChsiRecord(buildOcrPage(realOcr('chsi_record', 'app-screenshot'))).fields).toMatchObject({
      name: '范帅博',
      gender: '男',
      birthDate: '2004-06-12',
      // O read as 0: the code mixes letters and digits, so it is kept as read (the printed code is …OOO…).
      verificationCode: 'AGSQXF000TJ44V7H',
    });
  });

  it('does not take a line above the card that is not a name', () => {
    const ocr = replaceText(realOcr('chsi_record', 'app-screenshot'), '范帅博', '学历证书');
    expect(extractChsiRecord(buildOcrPage(ocr)).fields).toMatchObject({ name: null, gender: '男' });
  });

  it('reads a date past a stray box, but not when two candidates stand there', () => {
    expect(extractChsiRecord(buildOcrPage(realOcr('chsi_record', 'stray-mark'))).fields.graduationDate).toBe(
      '2026-06',
    );
    const twoDates = replaceText(
      realOcr('chsi_record', 'stray-mark'),
      '毕 (结) 业日期 2',
      '毕 (结) 业日期 2025年06月30日',
    );
    expect(extractChsiRecord(buildOcrPage(twoDates)).fields.graduationDate).toBeNull();
  });

  it('classifies a record whose note OCR garbled into 学分 as a CHSI record, not a transcript', () => {
    expect(classifyDocument(buildOcrPage(realOcr('chsi_record', 'garbled-note')))).toMatchObject({
      type: 'chsi_record',
    });
    expect(classifyDocument(buildOcrPage(realOcr('chsi_record', 'garbled-note'))).confidence).toBeGreaterThan(
      0.9,
    );
  });
});
