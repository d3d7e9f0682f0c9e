import crypto from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata } from 'sharp';
import { ProblemError } from '../http/problems.js';
import { PdfError } from '../imaging/pdf.js';
import type { PdfReader } from '../imaging/pdf-reader.js';

export const ACCEPTED_MIME_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/tiff',
  'image/heic',
  'image/heif',
  'image/avif',
  'application/pdf',
] as const;
export type AcceptedMimeType = (typeof ACCEPTED_MIME_TYPES)[number];

export interface IntakeLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface InspectedUpload {
  mime: AcceptedMimeType;
  sha256: string;
  bytes: number;
  width: number | null;
  height: number | null;
  pages: number | null;
}

/**
 * Decides what an upload is from its bytes (never its name or declared type), and refuses
 * what the pipeline could not read, before anything is stored. A PDF's pages are only counted,
 * off the event loop and within a short time limit; reading them is the job's work.
 */
export async function inspectUpload(
  bytes: Buffer,
  limits: IntakeLimits,
  pdf: Pick<PdfReader, 'inspect'>,
): Promise<InspectedUpload> {
  if (bytes.length === 0) throw new ProblemError('FILE_EMPTY', 'The uploaded file has no bytes.');
  if (bytes.length > limits.maxBytes) {
    throw new ProblemError('PAYLOAD_TOO_LARGE', `The file is larger than ${limits.maxBytes} bytes.`);
  }
  const sniffed = await fileTypeFromBuffer(bytes);
  const mime = sniffed?.mime as AcceptedMimeType | undefined;
  if (!mime || !ACCEPTED_MIME_TYPES.includes(mime)) {
    throw new ProblemError(
      'FILE_TYPE_UNSUPPORTED',
      `Expected a JPEG, PNG, WebP, TIFF, HEIC or PDF file${sniffed ? `, got ${sniffed.mime}` : ''}.`,
    );
  }
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  if (mime === 'application/pdf') {
    const pages = await checkPdf(bytes, pdf);
    return { mime, sha256, bytes: bytes.length, width: null, height: null, pages };
  }
  const { width, height } = await checkImage(bytes, limits.maxPixels);
  return { mime, sha256, bytes: bytes.length, width, height, pages: null };
}

/** The page count; null when it could not be told in time (the job then reads and checks the PDF). */
async function checkPdf(bytes: Buffer, pdf: Pick<PdfReader, 'inspect'>): Promise<number | null> {
  try {
    return await pdf.inspect(bytes);
  } catch (error) {
    if (!(error instanceof PdfError)) throw error;
    // Too complex to open quickly is not yet unreadable: the job reads it within its own limits.
    if (error.code === 'PDF_TOO_COMPLEX') return null;
    throw new ProblemError(error.code, error.message);
  }
}

async function checkImage(bytes: Buffer, maxPixels: number) {
  let metadata: Metadata;
  try {
    // Reads the header only: the pixel limit is checked before anything is decoded.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ProblemError('IMAGE_UNDECODABLE', 'The image header cannot be read.');
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width <= 0 || height <= 0) throw new ProblemError('IMAGE_UNDECODABLE', 'The image has no size.');
  if (width * height > maxPixels) {
    throw new ProblemError(
      'IMAGE_TOO_LARGE',
      `The image has ${width}×${height} pixels; the limit is ${maxPixels}.`,
    );
  }
  try {
    // A small decode reads every byte of the stream (JPEG shrink-on-load still walks all
    // scans), so truncated or corrupt data fails here, cheaply, instead of in the job.
    await sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels, pages: 1 })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch {
    throw new ProblemError('IMAGE_UNDECODABLE', 'The image data is truncated or corrupt.');
  }
  return { width, height };
}
