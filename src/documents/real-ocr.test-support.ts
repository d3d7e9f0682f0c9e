import fs from 'node:fs';
import type { OcrLine, OcrResult } from '../ocr/ocr.types.js';
import { DOCUMENT_TYPE_IDS, type SupportedDocumentType } from './document-types.js';

/**
 * Real OCR output captured from the fixture photos and PDFs with scripts/ocr-dump.ts (PP-OCR and the
 * PDF text layer, November 2026), kept verbatim as golden files beside each type:
 * `<type>/real-ocr/<capture>.json` holds what the capture shows (`capture`) and the engine's result
 * (`ocr`: text, box [x, y, w, h] and confidence of each line and word). Tests built on these check the
 * extractors against what the engines really return, not against idealised synthetic layouts.
 */
interface RealOcrFile {
  capture: string;
  ocr: OcrResult;
}

const folderOf = (type: SupportedDocumentType) => new URL(`./${type}/real-ocr/`, import.meta.url);

/** One capture, read afresh (tests may edit it). */
export function realOcr(type: SupportedDocumentType, capture: string): OcrResult {
  const file = new URL(`${capture}.json`, folderOf(type));
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as RealOcrFile).ocr;
}

/** Every capture of every type, by `<type>/<capture>`. */
export function allRealOcr(): Record<string, OcrResult> {
  const captures: Record<string, OcrResult> = {};
  for (const type of DOCUMENT_TYPE_IDS) {
    const folder = folderOf(type);
    if (!fs.existsSync(folder)) continue;
    for (const file of fs
      .readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort()) {
      const capture = file.slice(0, -'.json'.length);
      captures[`${type}/${capture}`] = realOcr(type, capture);
    }
  }
  return captures;
}

/** The same page with some lines replaced (to build failing variants of a real capture). */
function withLines(ocr: OcrResult, edit: (lines: OcrLine[]) => OcrLine[]): OcrResult {
  const lines = edit(ocr.lines);
  return { ...ocr, lines, text: lines.map((l) => l.text).join('\n') };
}

/** The same page with the line reading `from` read as `to` (one box). */
export function replaceText(ocr: OcrResult, from: string, to: string): OcrResult {
  return withLines(ocr, (lines) =>
    lines.map((l) =>
      l.text === from ? { ...l, text: to, words: [{ text: to, box: l.box, confidence: l.confidence }] } : l,
    ),
  );
}
