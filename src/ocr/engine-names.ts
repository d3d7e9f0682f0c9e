/**
 * The OCR engines docverify ships, one folder each under engines/. Kept apart from the registry,
 * which imports the engines and their native packages, because config.ts builds OCR_ENGINE's
 * choices from this list and the edge Worker bundles config.ts (src/edge/bundle.test.ts). The
 * registry maps every name to its factory, and the compiler holds the two lists equal.
 */
export const ocrEngineNames = ['ppocr', 'tesseract'] as const;

export type OcrEngineName = (typeof ocrEngineNames)[number];

/** The engine a pool runs unless told otherwise: PP-OCR (see docs/benchmarks.md). */
export const defaultOcrEngine: OcrEngineName = 'ppocr';
