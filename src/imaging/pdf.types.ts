import type { OcrResult } from '../ocr/ocr.types.js';

/**
 * The shapes of a read PDF and of pdf.js itself, apart from pdf.ts so that pdf-text.ts (the text
 * layer) and pdf.ts (the reading procedure) both depend on them and not on each other.
 */
/** A page with a usable text layer: an OcrResult built from the text items (engine 'pdf-text'). */
export interface PdfTextPage {
  kind: 'text';
  pageNumber: number;
  result: OcrResult;
}

/** A page without a usable text layer, rendered for OCR. */
export interface PdfImagePage {
  kind: 'image';
  pageNumber: number;
  /** PNG, RGB. */
  image: Buffer;
  width: number;
  height: number;
}

export type PdfPage = PdfTextPage | PdfImagePage;

export interface PdfDocument {
  pageCount: number;
  pages: PdfPage[];
}

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

export type PdfPageProxy = Awaited<
  ReturnType<Awaited<ReturnType<PdfJs['getDocument']>['promise']>['getPage']>
>;
