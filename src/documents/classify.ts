import type { OcrResult } from '../ocr/ocr.types.js';
import type { DocumentType, SupportedDocumentType } from './document-types.js';
import { documentModules } from './registry.js';

export interface Classification {
  type: DocumentType;
  /** 0..1: how sure the classification is (for `unknown`, how sure that nothing fits). */
  confidence: number;
  /** Every module's score, 0..1. */
  scores: Record<SupportedDocumentType, number>;
}

/** Below this score a module does not claim the page: its title and key labels are not there. */
export const MIN_CLASSIFICATION_SCORE = 0.5;

/**
 * Scores the page with every module and takes the best. The confidence is the best score, reduced
 * when a second type scores close to it (a page that looks like two types is not surely either).
 */
export function classifyDocument(ocr: OcrResult, modules = documentModules): Classification {
  const scores = Object.fromEntries(
    Object.entries(modules).map(([type, module]) => [type, module.classify(ocr)]),
  ) as Record<SupportedDocumentType, number>;
  const ranked = (Object.entries(scores) as [SupportedDocumentType, number][]).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best === undefined || best[1] < MIN_CLASSIFICATION_SCORE) {
    return { type: 'unknown', confidence: round(1 - (best?.[1] ?? 0)), scores };
  }
  const secondScore = second?.[1] ?? 0;
  const confidence = best[1] - Math.max(0, secondScore - (1 - best[1])) * 0.5;
  return { type: best[0], confidence: round(Math.max(0, confidence)), scores };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
