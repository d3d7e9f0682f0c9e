import { type Classification, classifyDocument } from '../documents/classify.js';
import type { SupportedDocumentType } from '../documents/document-types.js';
import { buildOcrPage } from '../documents/ocr-page.js';
import type { OcrResult } from '../ocr/ocr.types.js';

/** The rules' classification of a page that holds nothing to classify (no page was read). */
export const NOTHING_READ: Classification = {
  type: 'unknown',
  confidence: 1,
  scores: {} as Classification['scores'],
};

/**
 * Multi-page PDFs: the page that most looks like a supported document (the hinted type's page when
 * one reads as it), with the rules' classification of it as first read.
 */
export function choosePage<P extends { ocr: OcrResult }>(
  pages: readonly P[],
  hint: SupportedDocumentType | null,
): { page: P | null; classification: Classification } {
  const ranked = pages.map((page) => ({ page, classification: classifyDocument(buildOcrPage(page.ocr)) }));
  const hinted = ranked.find((r) => hint && r.classification.type === hint);
  const strength = (r: { classification: Classification }) =>
    r.classification.type === 'unknown' ? -1 : r.classification.confidence;
  const [first, ...rest] = ranked;
  if (!first) return { page: null, classification: NOTHING_READ };
  return hinted ?? rest.reduce((best, r) => (strength(r) > strength(best) ? r : best), first);
}

/**
 * A photo whose title or labels belong to a supported type but whose text was too poor to
 * classify is a photo to retake, not an unsupported document. Measured on the fixture OCR:
 * unsupported documents (receipts, menus, ID cards, transcripts, blank pages) score at most 0.20
 * for any type; unreadable photos of supported documents (glare, motion blur) score 0.40.
 */
export const UNREADABLE_SUPPORTED_SCORE = 0.3;

export function looksSupported(classification: Classification): boolean {
  return Object.values(classification.scores).some((score) => score >= UNREADABLE_SUPPORTED_SCORE);
}
