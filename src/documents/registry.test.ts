import { describe, expect, it } from 'vitest';
import { DOCUMENT_TYPE_IDS } from './document-types.js';
import { buildOcrPage } from './ocr-page.js';
import { documentModuleFor, documentModules } from './registry.js';

describe('documentModules', () => {
  it('has one module per contract type id, each registered under its own type', () => {
    expect(Object.keys(documentModules).sort()).toEqual([...DOCUMENT_TYPE_IDS].sort());
    for (const type of DOCUMENT_TYPE_IDS) expect(documentModuleFor(type).type).toBe(type);
  });

  it('lists scored fields that exist in each schema, and every extraction has exactly the schema fields', () => {
    for (const module of Object.values(documentModules)) {
      for (const field of module.scoredFields) expect(module.schema.shape).toHaveProperty(field);
      // The identifying field keys duplicates: a field that is never read would never catch one.
      expect(module.scoredFields).toContain(module.identifyingField);
      const extraction = module.extract(
        buildOcrPage({
          engine: 't',
          engineVersion: '0',
          width: 1,
          height: 1,
          text: '',
          lines: [],
          meanConfidence: 0,
        }),
      );
      expect(Object.keys(extraction.fields).sort()).toEqual(Object.keys(module.schema.shape).sort());
      expect(Object.values(extraction.fields).every((v) => v === null)).toBe(true);
    }
  });
});
