import { describe, expect, it } from 'vitest';
import { ExtractionBuilder } from './extraction-builder.js';

const reading = (value: string) => ({
  value,
  evidence: { text: value, box: null, confidence: 0.99, source: 'rules' as const },
});

describe('ExtractionBuilder', () => {
  it('refuses a field name that is not one of the type, read or not', () => {
    const fields = new ExtractionBuilder(['name', 'gender']);
    expect(() => fields.set('nmae', reading('张伟'))).toThrow('nmae is not a field of this document type');
    expect(() => fields.set('nmae', null)).toThrow(/nmae/);
    // Names every object has are not fields either.
    expect(() => fields.set('toString', reading('x'))).toThrow(/toString/);
    expect(fields.build().fields).toEqual({ name: null, gender: null });
  });

  it('keeps the first reading of a field and its evidence', () => {
    const fields = new ExtractionBuilder(['name', 'gender']);
    fields.set('name', null);
    fields.set('name', reading('张伟'));
    fields.set('name', reading('李四'));
    expect(fields.build()).toEqual({
      fields: { name: '张伟', gender: null },
      evidence: { name: reading('张伟').evidence },
    });
  });
});
