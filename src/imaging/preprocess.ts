import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import type { Box } from '../ocr/ocr.types.js';
import { type ImageTransform, toOcrPoint, toOriginalPoint } from './image-transform.js';
import { assessQuality, dilate, erode, type GrayImage, type QualityReport } from './quality.js';

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
const MAX_DESKEW_DEGREES = 10;

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
 * Where the paper lies on the OCR image. The paper found on the analysis frame is a rectangle
 * rotated by the skew; its axis-aligned box (Bw, Bh) gives its own size: W = (Bw·cos − Bh·sin) /
 * cos 2θ, H = (Bh·cos − Bw·sin) / cos 2θ. Deskew makes it upright about the same centre.
 */
function paperOnOcrImage(found: FoundDocument, analysisScale: number, t: ImageTransform): Box {
  if (!found.found) return [0, 0, t.width, t.height];
  const [bx, by, bw, bh] = found.box;
  const Bw = bw / analysisScale;
  const Bh = bh / analysisScale;
  const theta = (Math.abs(t.deskewDegrees) * Math.PI) / 180;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const c2 = Math.cos(2 * theta);
  const w = Math.max(1, (Bw * c - Bh * s) / c2) * t.scale;
  const h = Math.max(1, (Bh * c - Bw * s) / c2) * t.scale;
  const [cx, cy] = toOcrPoint(t, [(bx + bw / 2) / analysisScale, (by + bh / 2) / analysisScale]);
  const x0 = Math.max(0, Math.round(cx - w / 2));
  const y0 = Math.max(0, Math.round(cy - h / 2));
  const x1 = Math.min(t.width, Math.round(cx + w / 2));
  const y1 = Math.min(t.height, Math.round(cy + h / 2));
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
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

/** Editing tools whose traces in metadata are worth a look (the fraud stage decides). */
const EDITING_SOFTWARE =
  /photoshop|lightroom|gimp|meitu|美图|picsart|snapseed|pixlr|canva|fotor|醒图|polarr|affinity|paint\.net|inkscape|illustrator|acrobat/i;

/** The editing tool named in a Software string, if it names a known one. */
export function editingSoftware(software: string | null): string | null {
  const m = software?.match(EDITING_SOFTWARE);
  return m ? m[0] : null;
}

function findSoftware(meta: Metadata): string | null {
  const found: string[] = [];
  if (meta.exif) {
    const fromExif = readExifAscii(meta.exif, [0x0131, 0x013b, 0x9286]);
    for (const v of fromExif) if (v.trim()) found.push(v.trim());
  }
  const xmp = meta.xmpAsString ?? meta.xmp?.toString('utf8');
  if (xmp) {
    for (const m of xmp.matchAll(/(?:CreatorTool|softwareAgent)(?:="([^"]+)"|>([^<]+)<)/g)) {
      const v = (m[1] ?? m[2] ?? '').trim();
      if (v) found.push(v);
    }
  }
  for (const c of meta.comments ?? []) {
    if (/^(software|comment|description)$/i.test(c.keyword) && c.text.trim()) found.push(c.text.trim());
  }
  if (meta.tifftagPhotoshop && meta.tifftagPhotoshop.length > 0) found.push('Photoshop (image resources)');
  const unique = [...new Set(found)];
  return unique.length > 0 ? unique.join('; ') : null;
}

/**
 * Reads ASCII (and UNDEFINED/UTF-8) string tags from IFD0 and the Exif sub-IFD of a raw
 * EXIF block (as sharp returns it: optionally prefixed with "Exif\0\0", then TIFF).
 */
export function readExifAscii(exif: Buffer, tags: number[]): string[] {
  let base = 0;
  if (exif.subarray(0, 6).toString('latin1') === 'Exif\0\0') base = 6;
  if (exif.length < base + 8) return [];
  const order = exif.subarray(base, base + 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return [];
  const le = order === 'II';
  const u16 = (o: number) => (o + 2 <= exif.length ? (le ? exif.readUInt16LE(o) : exif.readUInt16BE(o)) : 0);
  const u32 = (o: number) => (o + 4 <= exif.length ? (le ? exif.readUInt32LE(o) : exif.readUInt32BE(o)) : 0);
  const out: string[] = [];
  const visited = new Set<number>();
  const readIfd = (offset: number) => {
    if (offset === 0 || visited.has(offset) || base + offset + 2 > exif.length) return;
    visited.add(offset);
    const count = u16(base + offset);
    for (let i = 0; i < count && i < 512; i++) {
      const e = base + offset + 2 + i * 12;
      if (e + 12 > exif.length) break;
      const tag = u16(e);
      const type = u16(e + 2);
      const n = u32(e + 4);
      if (tag === 0x8769) readIfd(u32(e + 8));
      if (!tags.includes(tag) || (type !== 2 && type !== 7) || n === 0 || n > 4096) continue;
      const start = n <= 4 ? e + 8 : base + u32(e + 8);
      if (start + n > exif.length) continue;
      let raw = exif.subarray(start, start + n);
      // UserComment (0x9286) starts with an 8-byte character code.
      if (tag === 0x9286 && raw.length > 8) raw = raw.subarray(8);
      const text = raw.toString('utf8').replace(/\0+$/g, '').replace(/\0/g, ' ');
      if (text.trim()) out.push(text);
    }
  };
  readIfd(u32(base + 4));
  return out;
}

// ---------------------------------------------------------------------------------------
// Analysis on the small copy.

export interface FoundDocument {
  /** Document bounding box on the analysis frame. */
  box: Box;
  /** false when no distinct paper region was found and the whole frame is used. */
  found: boolean;
  /** Analysis-frame mask: 1 inside the paper (text holes closed), else 0. */
  mask: Uint8Array;
  /** Which frame edges the paper touches. */
  touches: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

/**
 * Finds the bright paper rectangle: Otsu threshold on luminance, a morphological closing so
 * that text and ruled lines do not cut the paper apart, then the largest connected bright
 * region. Falls back to the whole frame when there is no distinct bright region.
 */
export function findDocument(frame: GrayImage): FoundDocument {
  const { data, width: w, height: h } = frame;
  const n = w * h;
  const whole = (): FoundDocument => ({
    box: [0, 0, w, h],
    found: false,
    mask: new Uint8Array(n).fill(1),
    touches: { left: true, top: true, right: true, bottom: true },
  });
  const { threshold, meanLow, meanHigh } = otsu(data);
  if (meanHigh - meanLow < 24) return whole();
  const bright = new Uint8Array(n);
  for (let i = 0; i < n; i++) bright[i] = (data[i] ?? 0) > threshold ? 1 : 0;
  const radius = Math.max(2, Math.round(Math.max(w, h) / 300));
  // Opening removes speckles of bright desk texture; closing fills text and ruled lines.
  const opened = dilate(erode(bright, w, h, 1), w, h, 1);
  const closed = erode(dilate(opened, w, h, radius), w, h, radius);
  const { labels, largest, area } = largestComponent(closed, w, h);
  if (largest === 0 || area < 0.005 * n) return whole();
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  const mask = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (labels[i] !== largest) continue;
      mask[i] = 1;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  fillHoles(mask, w, h);
  const edge = 1;
  return {
    box: [x0, y0, x1 - x0 + 1, y1 - y0 + 1],
    found: true,
    mask,
    touches: { left: x0 <= edge, top: y0 <= edge, right: x1 >= w - 1 - edge, bottom: y1 >= h - 1 - edge },
  };
}

/**
 * Skew of the text, degrees clockwise, from the variance of the horizontal projection profile
 * of ink pixels inside the paper: text lines give the sharpest profile when projected along
 * their own direction. Searches ±10° at 1°, then refines at 0.1°.
 */
export function estimateSkewDegrees(frame: GrayImage, doc: FoundDocument): number {
  return analyseTextLines(frame, doc).skewDegrees;
}

export interface TextLines {
  /** Skew of the text lines, degrees clockwise. */
  skewDegrees: number;
  /** Median height of text lines on the analysis frame (px), or null when there is no text. */
  lineHeight: number | null;
}

/**
 * Text-line analysis of the paper: skew (see estimateSkewDegrees) and the typical line height,
 * read from the runs of the projection profile at the best angle.
 */
export function analyseTextLines(frame: GrayImage, doc: FoundDocument): TextLines {
  const { data, width: w } = frame;
  const [bx, by, bw, bh] = doc.box;
  const inner = erode(doc.mask, frame.width, frame.height, 3);
  // Ink: clearly darker than the paper around it.
  const values: number[] = [];
  for (let y = by; y < by + bh; y += 2)
    for (let x = bx; x < bx + bw; x += 2) if (inner[y * w + x]) values.push(data[y * w + x] ?? 0);
  if (values.length < 100) return { skewDegrees: 0, lineHeight: null };
  values.sort((a, b) => a - b);
  const paper = values[Math.floor(values.length * 0.6)] ?? 255;
  const inkBelow = paper * 0.7;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = by; y < by + bh; y++) {
    for (let x = bx; x < bx + bw; x++) {
      const i = y * w + x;
      if (inner[i] && (data[i] ?? 255) < inkBelow) {
        xs.push(x - bx - bw / 2);
        ys.push(y - by - bh / 2);
      }
    }
  }
  if (xs.length < 50) return { skewDegrees: 0, lineHeight: null };
  const step = Math.max(1, Math.floor(xs.length / 40_000));
  const diag = Math.ceil(Math.hypot(bw, bh)) + 2;
  const bins = new Float64Array(2 * diag + 1);
  const score = (deg: number): number => {
    const rad = (deg * Math.PI) / 180;
    const s = Math.sin(rad);
    const c = Math.cos(rad);
    bins.fill(0);
    for (let i = 0; i < xs.length; i += step) {
      const yr = (ys[i] ?? 0) * c - (xs[i] ?? 0) * s;
      const b = Math.round(yr) + diag;
      bins[b] = (bins[b] ?? 0) + 1;
    }
    let sum = 0;
    for (const v of bins) sum += v * v;
    return sum;
  };
  let best = 0;
  let bestScore = score(0);
  for (let d = -MAX_DESKEW_DEGREES; d <= MAX_DESKEW_DEGREES; d += 1) {
    const sc = score(d);
    if (sc > bestScore) {
      bestScore = sc;
      best = d;
    }
  }
  const coarse = best;
  for (let d = coarse - 1; d <= coarse + 1 + 1e-9; d += 0.1) {
    const sc = score(d);
    if (sc > bestScore) {
      bestScore = sc;
      best = Math.round(d * 10) / 10;
    }
  }
  score(best);
  return { skewDegrees: best, lineHeight: medianRun(bins) };
}

/** Median length of runs of profile bins holding ≥ 15 % of the fullest bin (runs < 3 px are rules). */
function medianRun(bins: Float64Array): number | null {
  let max = 0;
  for (const v of bins) if (v > max) max = v;
  const runs: number[] = [];
  let run = 0;
  for (const v of bins) {
    if (v >= 0.15 * max) run++;
    else {
      if (run >= 3) runs.push(run);
      run = 0;
    }
  }
  if (run >= 3) runs.push(run);
  if (runs.length === 0) return null;
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)] ?? null;
}

function otsu(data: Uint8Array): { threshold: number; meanLow: number; meanHigh: number } {
  const hist = new Float64Array(256);
  for (const v of data) hist[v] = (hist[v] ?? 0) + 1;
  const total = data.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * (hist[i] ?? 0);
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 127;
  let meanLow = 0;
  let meanHigh = 255;
  for (let t = 0; t < 256; t++) {
    wB += hist[t] ?? 0;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * (hist[t] ?? 0);
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
      meanLow = mB;
      meanHigh = mF;
    }
  }
  return { threshold, meanLow, meanHigh };
}

/** 4-connected components of set pixels; returns the label of the largest. */
export function largestComponent(
  src: Uint8Array,
  w: number,
  h: number,
): { labels: Int32Array; largest: number; area: number; areas: number[] } {
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const areas: number[] = [0];
  let next = 1;
  let largest = 0;
  let largestArea = 0;
  for (let start = 0; start < w * h; start++) {
    if (!src[start] || labels[start]) continue;
    const label = next++;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let area = 0;
    while (top > 0) {
      const i = stack[--top] ?? 0;
      area++;
      const x = i % w;
      if (x > 0 && src[i - 1] && !labels[i - 1]) {
        labels[i - 1] = label;
        stack[top++] = i - 1;
      }
      if (x < w - 1 && src[i + 1] && !labels[i + 1]) {
        labels[i + 1] = label;
        stack[top++] = i + 1;
      }
      if (i >= w && src[i - w] && !labels[i - w]) {
        labels[i - w] = label;
        stack[top++] = i - w;
      }
      if (i + w < w * h && src[i + w] && !labels[i + w]) {
        labels[i + w] = label;
        stack[top++] = i + w;
      }
    }
    areas.push(area);
    if (area > largestArea) {
      largestArea = area;
      largest = label;
    }
  }
  return { labels, largest, area: largestArea, areas };
}

/** Sets every unset pixel not connected to the image border (holes inside the paper). */
function fillHoles(mask: Uint8Array, w: number, h: number): void {
  const outside = new Uint8Array(w * h);
  const stack: number[] = [];
  const push = (i: number) => {
    if (!mask[i] && !outside[i]) {
      outside[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < w; x++) {
    push(x);
    push((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    push(y * w);
    push(y * w + w - 1);
  }
  while (stack.length > 0) {
    const i = stack.pop() ?? 0;
    const x = i % w;
    if (x > 0) push(i - 1);
    if (x < w - 1) push(i + 1);
    if (i >= w) push(i - w);
    if (i + w < w * h) push(i + w);
  }
  for (let i = 0; i < w * h; i++) if (!outside[i]) mask[i] = 1;
}
