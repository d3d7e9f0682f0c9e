import { editingSoftware } from '../imaging/exif.js';
import { type ImageTransform, toOriginalBox } from '../imaging/image-transform.js';
import type { PdfReader } from '../imaging/pdf-reader.js';
import { perceptualHash } from '../imaging/phash.js';
import { type PreparedImage, preprocessImage, rotatePrepared } from '../imaging/preprocess.js';
import type { Box, OcrResult } from '../ocr/ocr.types.js';
import type { OcrPool } from '../ocr/pool.js';
import type { Reason } from '../verdicts/reasons.js';

/** One page as the later stages see it: text with positions, and how to map them back. */
export interface ReadPage {
  ocr: OcrResult;
  /** Maps OCR boxes to the original upload; null for a PDF text layer (boxes are already page boxes). */
  transform: ImageTransform | null;
  /** The image OCR read and the paper on it, for the duplicate fingerprint; null for a PDF text layer. */
  prepared: PreparedImage | null;
}

export interface ReadDocument {
  pages: ReadPage[];
  /** retake-severity reasons from the quality gate: when present, OCR was not run. */
  qualityReasons: Reason[];
  /** Editing software named in the file's metadata (a tamper signal). */
  editingSoftware: string | null;
  timingsMs: { preprocess: number; ocr: number };
}

export interface ReadOptions {
  ocr: OcrPool;
  pdf: Pick<PdfReader, 'read'>;
  maxInputPixels: number;
}

/**
 * Bytes to text with positions. Images: preprocess (orientation, crop, deskew, scale, red
 * channel) → quality gate → OCR with orientation fix. PDFs: the text layer where there is one,
 * otherwise the rendered pages through the same image path.
 */
export async function readDocument(bytes: Buffer, mime: string, options: ReadOptions): Promise<ReadDocument> {
  const timingsMs = { preprocess: 0, ocr: 0 };
  if (mime === 'application/pdf') {
    const started = performance.now();
    const pdf = await options.pdf.read(bytes);
    timingsMs.preprocess += performance.now() - started;
    const pages: ReadPage[] = [];
    const qualityReasons: Reason[] = [];
    for (const page of pdf.pages) {
      if (page.kind === 'text') {
        pages.push({ ocr: page.result, transform: null, prepared: null });
        continue;
      }
      const read = await readImage(page.image, options, timingsMs);
      if (read.qualityReasons.length) qualityReasons.push(...read.qualityReasons);
      else if (read.page) pages.push(read.page);
    }
    // A PDF is unreadable only when no page could be read at all.
    return { pages, qualityReasons: pages.length ? [] : qualityReasons, editingSoftware: null, timingsMs };
  }
  const read = await readImage(bytes, options, timingsMs);
  return {
    pages: read.page ? [read.page] : [],
    qualityReasons: read.qualityReasons,
    editingSoftware: read.editingSoftware,
    timingsMs,
  };
}

async function readImage(
  bytes: Buffer,
  options: ReadOptions,
  timingsMs: { preprocess: number; ocr: number },
) {
  let started = performance.now();
  let prepared = await preprocessImage(bytes, { maxInputPixels: options.maxInputPixels });
  timingsMs.preprocess += performance.now() - started;
  const software = editingSoftware(prepared.source.software);
  const retake = prepared.quality.issues.filter((r) => r.severity === 'retake');
  if (retake.length) return { page: null, qualityReasons: retake, editingSoftware: software };
  started = performance.now();
  const recognition = await options.ocr.recognizePage(prepared.ocrImage);
  timingsMs.ocr += performance.now() - started;
  if (recognition.quarterTurns) prepared = await rotatePrepared(prepared, recognition.quarterTurns);
  return {
    page: { ocr: recognition.ocr, transform: prepared.transform, prepared },
    qualityReasons: [] as Reason[],
    editingSoftware: software,
  };
}

/** Maps an OCR box to the original upload's pixels, so reviewers see it where it is on the photo. */
export function boxOnOriginal(page: Pick<ReadPage, 'transform'>, box: Box | null): Box | null {
  if (!box || !page.transform) return box;
  return toOriginalBox(page.transform, box).map((v) => Math.round(v)) as Box;
}

/** The perceptual hash of the paper on a photo page (phash.ts); null for a PDF text layer. */
export async function fingerprint(page: {
  prepared: Pick<PreparedImage, 'ocrImage' | 'paperBox'> | null;
}): Promise<string | null> {
  if (!page.prepared) return null;
  return perceptualHash(page.prepared.ocrImage, page.prepared.paperBox);
}
