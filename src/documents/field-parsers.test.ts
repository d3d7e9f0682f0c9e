import { describe, expect, it } from 'vitest';
import { parseDiplomaNumber } from './certificate-text.js';
import { parseInstitutionText } from './field-parsers.js';

describe('parseInstitutionText', () => {
  it.each([
    // Real PP-OCR readings of 校名 on graduation certificate photos (大 under the seal).
    ['浙江关学', '浙江大学'],
    ['南京天学', '南京大学'],
    ['苏州天学', '苏州大学'],
    ['中国石油太学 (华东)', '中国石油大学(华东)'],
    ['+武汉大学', '武汉大学'],
    ['南 开 大 学', '南开大学'],
  ])('%s → %s', (raw, value) => expect(parseInstitutionText(raw)).toBe(value));

  it('maps only the 大学 ending, never other characters of a name', () => {
    expect(parseInstitutionText('天津大学')).toBe('天津大学');
    expect(parseInstitutionText('北京航空航天大学')).toBe('北京航空航天大学');
    expect(parseInstitutionText('中出大学')).toBe('中出大学');
  });

  it('leaves text that is not an institution null', () => {
    expect(parseInstitutionText('School:')).toBeNull();
    expect(parseInstitutionText('大')).toBeNull();
  });
});

describe('parseDiplomaNumber', () => {
  it('reads 18 digits, and 17 only with the full pre-2003 structure', () => {
    expect(parseDiplomaNumber('104861201705004788')).toBe('104861201705004788');
    expect(parseDiplomaNumber('10486120010500478')).toBe('10486120010500478');
  });

  it.each([
    // Real PP-OCR reading of 105581202105005564 with a school-code digit lost.
    ['10581202105005564'],
    // A 17-digit reading of a 2021 number: a digit was lost, not a pre-2003 number.
    ['10698120210500095'],
    ['10698120210956'],
  ])('%s → null (a digit lost by OCR)', (raw) => expect(parseDiplomaNumber(raw)).toBeNull());
});
