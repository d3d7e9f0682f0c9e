import type { OcrEngineName } from './engine-names.js';
import { createPpOcrEngine } from './engines/ppocr/ppocr.engine.js';
import { createTesseractEngine } from './engines/tesseract/tesseract.engine.js';
import type { OcrEngineFactory } from './ocr.types.js';

/**
 * Every OCR engine docverify can run, by name. A new engine is a folder under engines/ and a line
 * here and in engine-names.ts (which config.ts reads); `satisfies` fails the build if the two differ.
 */
export const ocrEngines = {
  ppocr: createPpOcrEngine,
  tesseract: createTesseractEngine,
} satisfies Record<OcrEngineName, OcrEngineFactory>;
