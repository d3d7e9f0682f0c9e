import type { z } from 'zod';
import type { OcrResult } from '../ocr/ocr.types.js';
import type { Reason } from '../verdicts/reasons.js';
import type { Extraction, SupportedDocumentType, ValidationContext } from './document-types.js';
import type { ValueRegions } from './value-regions.js';

/**
 * One document type: everything that knows its layout and rules lives in its folder
 * (`src/documents/<type>/`), and `registry.ts` lists it. Adding a type touches one folder
 * and one registry line.
 */
export interface DocumentModule {
  readonly type: SupportedDocumentType;
  /** Version of this module's schema; bumped when a field is added, removed or changes format. */
  readonly schemaVersion: string;
  /** zod object of the contract's fields for this type; every field nullable. */
  readonly schema: z.ZodObject;
  /** The contract's scored fields, in contract order. */
  readonly scoredFields: readonly string[];
  /** 0..1: how strongly the OCR text looks like this type (titles, labels, layout). */
  classify(ocr: OcrResult): number;
  /** Fields with evidence from OCR lines; a field that cannot be read is null. */
  extract(ocr: OcrResult): Extraction;
  /** Format, check-digit, range and cross-field rules, plus the applicant binding. */
  validate(extraction: Extraction, context: ValidationContext): Reason[];
  /**
   * Per field, the places on the page where its value is printed (beside or under its label, a slot
   * of the body sentence, the title), whatever they read as: a value read by the model is kept only
   * when it is printed in one of them.
   */
  valueRegions(ocr: OcrResult): ValueRegions;
}
