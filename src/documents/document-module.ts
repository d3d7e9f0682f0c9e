import type { z } from 'zod';
import type { Reason } from '../verdicts/reasons.js';
import type { Extraction, SupportedDocumentType, ValidationContext } from './document-types.js';
import type { OcrPage } from './ocr-page.js';
import type { ValueRegions } from './value-regions.js';

/** How a document type is named to people, in Chinese and English. */
export interface DocumentNames {
  /** The name a sentence uses: 四六级成绩报告单. */
  readonly zh: string;
  /** The same in English, lower case but for acronyms: CET score report. */
  readonly en: string;
  /** A shorter name where space is tight (the review console's tables), when the full one is long. */
  readonly short?: { readonly zh: string; readonly en: string };
}

/**
 * One document type: everything that knows its layout, its rules and its names lives in its folder
 * (`src/documents/<type>/`), and `registry.ts` lists it. Adding a type touches its folder, the type
 * list (`DOCUMENT_TYPE_IDS`), one registry line and its extraction prompt; the batch manifest, the
 * review console, the classification prompt and the unsupported-document message read the registry.
 * Its functions read the page built once from the OCR result (`buildOcrPage`).
 */
export interface DocumentModule {
  readonly type: SupportedDocumentType;
  /** Its names: the review console's labels and the unsupported-document message's list of types. */
  readonly names: DocumentNames;
  /**
   * What the classification prompt says this type is: its printed titles, glossed in English
   * (prompts/classify.v1.md lists one line per registered type).
   */
  readonly classifyHint: string;
  /**
   * The field whose value names one paper (its report or certificate number): the same value under
   * two subjects is one paper used twice (src/pipeline/duplicates.ts).
   */
  readonly identifyingField: string;
  /** Version of this module's schema; bumped when a field is added, removed or changes format. */
  readonly schemaVersion: string;
  /** zod object of the contract's fields for this type; every field nullable. */
  readonly schema: z.ZodObject;
  /** The contract's scored fields, in contract order. */
  readonly scoredFields: readonly string[];
  /** 0..1: how strongly the page looks like this type (titles, labels, layout). */
  classify(page: OcrPage): number;
  /** Fields with evidence from the page's characters; a field that cannot be read is null. */
  extract(page: OcrPage): Extraction;
  /** Format, check-digit, range and cross-field rules, plus the applicant binding. */
  validate(extraction: Extraction, context: ValidationContext): Reason[];
  /**
   * Per field, the places on the page where its value is printed (beside or under its label, a slot
   * of the body sentence, the title), whatever they read as: a value read by the model is kept only
   * when it is printed in one of them.
   */
  valueRegions(page: OcrPage): ValueRegions;
}

/** Document modules by type id, as `registry.ts` lists them; functions that read the registry take one. */
export type DocumentModules = Readonly<Record<string, DocumentModule>>;
