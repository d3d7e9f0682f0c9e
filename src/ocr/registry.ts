import { createPpOcrEngine } from './engines/ppocr/ppocr.engine.js';
import { createTesseractEngine } from './engines/tesseract/tesseract.engine.js';
import type { OcrEngineFactory, OcrEngineName } from './ocr.types.js';

/** Every OCR engine docverify can run; the pool's default is PP-OCR (see docs/benchmarks.md). */
export const ocrEngines = {
  ppocr: createPpOcrEngine,
  tesseract: createTesseractEngine,
} satisfies Record<OcrEngineName, OcrEngineFactory>;

export const ocrEngineNames = Object.keys(ocrEngines) as OcrEngineName[];
