import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import type { Box } from '../ocr/ocr.types.js';
import { findSoftware } from './exif.js';
import { type ImageTransform, toOriginalPoint } from './image-transform.js';
import { findDocument, paperOnOcrImage } from './paper.js';
import { assessQuality, type QualityReport } from './quality.js';
import { erode, type GrayImage } from './raster.js';
import { analyseTextLines } from './skew.js';

export type ImageErrorCode = 'IMAGE_UNDECODABLE' | 'IMAGE_TOO_LARGE';

/** An upload that cannot be turned into an image; the pipeline maps it to problem+json. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly code: ImageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PreprocessOptions {
  /** Long edge of the OCR image for the cropped document. Default 1600. */
  maxLongEdge?: number;
  /** Never enlarge a small document by more than this. Default 2. */
  maxUpscale?: number;
  /** Uploads with more pixels than this are refused before decoding. Default 64 MP. */
  maxInputPixels?: number;
}

export interface SourceInfo {
  format: string;
  /** EXIF-upright size of the upload. */
  width: number;
  height: number;
  exifOrientation: number | null;
  /** EXIF Software / XMP CreatorTool / PNG Software text, as written; a tamper signal. */
  software: string | null;
  hasAlpha: boolean;
  pages?: number;
}

export interface PreparedImage {
  /** PNG, one channel (red channel, contrast-normalised), the cropped and deskewed document. */
  ocrImage: Buffer;
  width: number;
  height: number;
  transform: ImageTransform;
  /** The paper on the OCR image (axis-aligned after deskew); the whole image when none was found. */
  paperBox: Box;
  source: SourceInfo;
  quality: QualityReport;
  timingsMs: Record<string, number>;
}

const DEFAULT_MAX_LONG_EDGE = 1600;
const DEFAULT_MAX_UPSCALE = 2;
const DEFAULT_MAX_INPUT_PIXELS = 64_000_000;
/** Long edge of the small copy used to find the document, its skew and its exposure. */
const ANALYSIS_LONG_EDGE = 800;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif', 'heif', 'avif']);
/** Skews smaller than this are left alone: rotating costs time and softens the text. */
const MIN_DESKEW_DEGREES = 0.3;

/**
 * Turns an upload into the image OCR reads: upright (EXIF), cropped to the document,
 * deskewed, scaled to `maxLongEdge`, red channel only (fades red seals printed over the
 * text), contrast-normalised. Analysis runs on one small shrink-on-load copy; the full image
 * is decoded once, already reduced when JPEG shrink-on-load allows it.
 */
export async function preprocessImage(
  bytes: Buffer,
  options: PreprocessOptions = {},
): Promise<PreparedImage> {
  const maxLongEdge = options.maxLongEdge ?? DEFAULT_MAX_LONG_EDGE;
  const maxUpscale = options.maxUpscale ?? DEFAULT_MAX_UPSCALE;
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const timingsMs: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timingsMs[name] = Math.round((now - mark) * 10) / 10;
    mark = now;
  };
  const started = mark;

  const source = await readSource(bytes, maxInputPixels);
  lap('metadata');

  const open = () => sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'truncated' });
  const analysisScale = Math.min(1, ANALYSIS_LONG_EDGE / Math.max(source.width, source.height));
  const aw = Math.max(1, Math.round(source.width * analysisScale));
  const ah = Math.max(1, Math.round(source.height * analysisScale));
  const small = await decode(
    open()
      .rotate()
      .resize(aw, ah, { fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw(),
  );
  if (small.info.channels < 3) throw new ImageError('IMAGE_UNDECODABLE', 'Unexpected channel layout.');
  const luma = new Uint8Array(aw * ah);
  const redSmall = new Uint8Array(aw * ah);
  const channels = small.info.channels;
  for (let i = 0, p = 0; i < luma.length; i++, p += channels) {
    const r = small.data[p] ?? 0;
    redSmall[i] = r;
    luma[i] = (77 * r + 150 * (small.data[p + 1] ?? 0) + 29 * (small.data[p + 2] ?? 0)) >> 8;
  }
  const frame: GrayImage = { data: luma, width: aw, height: ah };
  lap('analysisDecode');

  const found = findDocument(frame);
  const lines = analyseTextLines(frame, found);
  const skew = lines.skewDegrees;
  const deskewDegrees = Math.abs(skew) >= MIN_DESKEW_DEGREES ? -skew : 0;
  lap('analysis');

  // The crop in original (upright) pixels, with a small margin so the paper edge survives.
  const [bx, by, bw, bh] = found.box;
  const margin = found.found ? Math.max(2, Math.round(0.01 * Math.max(bw, bh))) : 0;
  const cx0 = Math.max(0, (bx - margin) / analysisScale);
  const cy0 = Math.max(0, (by - margin) / analysisScale);
  const cx1 = Math.min(source.width, (bx + bw + margin) / analysisScale);
  const cy1 = Math.min(source.height, (by + bh + margin) / analysisScale);
  const cropLong = Math.max(cx1 - cx0, cy1 - cy0);
  const scale = Math.min(maxUpscale, maxLongEdge / cropLong);

  // Decode the full image once; when shrinking, let libvips shrink on load.
  const sw = scale < 1 ? Math.max(1, Math.round(source.width * scale)) : source.width;
  const sh = scale < 1 ? Math.max(1, Math.round(source.height * scale)) : source.height;
  const decodeScale = Math.min(scale, 1);
  let full = open().rotate();
  if (scale < 1) full = full.resize(sw, sh, { fit: 'fill' });
  const red = await decode(
    full.flatten({ background: '#ffffff' }).toColourspace('srgb').extractChannel('red').raw(),
  );
  lap('decode');

  const ex = clampInt(Math.round(cx0 * decodeScale), 0, sw - 1);
  const ey = clampInt(Math.round(cy0 * decodeScale), 0, sh - 1);
  const ew = clampInt(Math.round(cx1 * decodeScale) - ex, 1, sw - ex);
  const eh = clampInt(Math.round(cy1 * decodeScale) - ey, 1, sh - ey);
  // Contrast stretch from the 1st..99th percentile of the red channel inside the crop, taken
  // from the small copy (a histogram pass over the full-size image costs ~100 ms).
  const [lo, hi] = percentiles(redSmall, aw, found.box, 0.01, 0.99);
  const gain = hi - lo >= 8 ? 255 / (hi - lo) : 1;
  const offset = hi - lo >= 8 ? -lo * gain : 0;
  const rawRed = { raw: { width: sw, height: sh, channels: 1 as const } };
  let doc = sharp(red.data, rawRed).extract({ left: ex, top: ey, width: ew, height: eh });
  if (scale > 1) {
    const up = await doc
      .resize(Math.round(ew * scale), Math.round(eh * scale), { fit: 'fill', kernel: 'cubic' })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    doc = sharp(up.data, { raw: { width: up.info.width, height: up.info.height, channels: 1 } });
  }
  // extract → rotate → linear run in this order in one sharp pipeline (checked against the
  // two-step result).
  if (deskewDegrees !== 0) doc = doc.rotate(deskewDegrees, { background: '#ffffff' });
  const ocr = await doc.linear(gain, offset).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  lap('transform');

  // Crop in original pixels, derived from the pixels actually extracted.
  const crop: Box = [ex / decodeScale, ey / decodeScale, ew / decodeScale, eh / decodeScale];
  const transform: ImageTransform = {
    crop,
    deskewDegrees,
    quarterTurns: 0,
    scale,
    width: ocr.info.width,
    height: ocr.info.height,
  };
  const paperBox = paperOnOcrImage(found, analysisScale, transform);
  const ocrGray: GrayImage = { data: ocr.data, width: ocr.info.width, height: ocr.info.height };
  const [ocrImage, quality] = await Promise.all([
    sharp(ocr.data, { raw: { width: ocr.info.width, height: ocr.info.height, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 2, adaptiveFiltering: false })
      .toBuffer(),
    assessQuality({
      frame,
      document: { ...found, paperCore: erode(found.mask, aw, ah, 3) },
      ocr: ocrGray,
      textHeight: lines.lineHeight === null ? null : (lines.lineHeight / analysisScale) * scale,
      textHeightOriginal: lines.lineHeight === null ? null : lines.lineHeight / analysisScale,
      ocrToFrame: (x, y) => {
        const [ox, oy] = toOriginalPoint(transform, [x, y]);
        return [ox * analysisScale, oy * analysisScale];
      },
      documentOriginal: { width: cx1 - cx0, height: cy1 - cy0 },
      original: { width: source.width, height: source.height },
    }),
  ]);
  lap('encodeAndQuality');
  timingsMs.total = Math.round((performance.now() - started) * 10) / 10;

  return {
    ocrImage,
    width: ocr.info.width,
    height: ocr.info.height,
    paperBox,
    transform,
    source,
    quality,
    timingsMs,
  };
}

/**
 * Applies an orientation fix found later (e.g. by OCR orientation detection): rotates the
 * OCR image by `quarterTurns` clockwise and records it in the transform.
 */
export async function rotatePrepared(prepared: PreparedImage, quarterTurns: number): Promise<PreparedImage> {
  const turns = (((Math.round(quarterTurns) % 4) + 4) % 4) as 0 | 1 | 2 | 3;
  if (turns === 0) return prepared;
  const ocrImage = await sharp(prepared.ocrImage)
    .rotate(turns * 90)
    .toColourspace('b-w')
    .png({ compressionLevel: 2, adaptiveFiltering: false })
    .toBuffer();
  const swap = turns % 2 === 1;
  let [px, py, pw, ph] = prepared.paperBox;
  let [cw, ch] = [prepared.width, prepared.height];
  for (let i = 0; i < turns; i++) {
    // One clockwise turn: (x, y) on cw×ch → (ch − y, x).
    [px, py, pw, ph] = [ch - py - ph, px, ph, pw];
    [cw, ch] = [ch, cw];
  }
  const width = swap ? prepared.height : prepared.width;
  const height = swap ? prepared.width : prepared.height;
  return {
    ...prepared,
    ocrImage,
    width,
    height,
    paperBox: [px, py, pw, ph],
    transform: {
      ...prepared.transform,
      quarterTurns: ((prepared.transform.quarterTurns + turns) % 4) as 0 | 1 | 2 | 3,
      width,
      height,
    },
  };
}

async function decode(pipeline: Sharp): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new ImageError('IMAGE_UNDECODABLE', 'The image could not be decoded.', { cause: error });
  }
}

/** Two percentiles of the pixels of `data` (row width `w`) inside `box`. */
function percentiles(data: Uint8Array, w: number, box: Box, pLow: number, pHigh: number): [number, number] {
  const hist = new Uint32Array(256);
  const [bx, by, bw, bh] = box;
  for (let y = by; y < by + bh; y++)
    for (let x = bx; x < bx + bw; x++) {
      const v = data[y * w + x] ?? 0;
      hist[v] = (hist[v] ?? 0) + 1;
    }
  const total = bw * bh;
  const at = (p: number) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v] ?? 0;
      if (acc > p * total) return v;
    }
    return 255;
  };
  return [at(pLow), at(pHigh)];
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

async function readSource(bytes: Buffer, maxInputPixels: number): Promise<SourceInfo> {
  let meta: Metadata;
  try {
    // Header only: nothing is decoded here, so a huge declared size is refused for free.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError('IMAGE_UNDECODABLE', 'The file is not a readable image.', { cause: error });
  }
  if (!ACCEPTED_FORMATS.has(meta.format)) {
    throw new ImageError('IMAGE_UNDECODABLE', `Unsupported image format: ${meta.format}.`);
  }
  if (!meta.width || !meta.height) throw new ImageError('IMAGE_UNDECODABLE', 'The image has no size.');
  if (meta.width * meta.height > maxInputPixels) {
    throw new ImageError(
      'IMAGE_TOO_LARGE',
      `The image has ${meta.width}×${meta.height} pixels; the limit is ${maxInputPixels} pixels.`,
    );
  }
  const upright = meta.autoOrient ?? { width: meta.width, height: meta.height };
  const info: SourceInfo = {
    format: meta.format,
    width: upright.width,
    height: upright.height,
    exifOrientation: meta.orientation ?? null,
    software: findSoftware(meta),
    hasAlpha: meta.hasAlpha,
  };
  if (meta.pages !== undefined) info.pages = meta.pages;
  return info;
}
