import { mkdir, symlink, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
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
import {
  meanConfidence,
  removeSpacesBetweenCjk,
  sortIntoReadingOrder,
  unionBox,
} from '../../reading-order.js';

/**
 * tesseract.js (WebAssembly Tesseract 5, LSTM) with chi_sim+eng, page segmentation mode 11 (sparse text),
 * which beat PSM 3/6 on phone photos of certificates. Everything loads from node_modules: the worker script and
 * core from tesseract.js / tesseract.js-core, the language data from the @tesseract.js-data packages.
 */

const require = createRequire(import.meta.url);
const TESSERACT_VERSION = (require('tesseract.js/package.json') as { version: string }).version;
const WORKER_PATH = require.resolve('tesseract.js/src/worker-script/node/index.js');
const LANGUAGE_FILES = {
  // The packages' index.js points at the legacy 4.0.0 data; the LSTM-only best_int models are smaller and better.
  chi_sim: '@tesseract.js-data/chi_sim/4.0.0_best_int/chi_sim.traineddata.gz',
  eng: '@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz',
  // Orientation and script detection is a legacy (non-LSTM) model.
  osd: '@tesseract.js-data/osd/4.0.0/osd.traineddata.gz',
} as const;

export interface TesseractOptions extends OcrEngineOptions {
  /** Pages are scaled down to this longest side before recognition (1600 beat 2000–2500). Light mode: 1280. */
  maxSide?: number;
}

/**
 * tesseract.js takes one `langPath` folder for all languages, but each language ships in its own package:
 * link them into one folder outside the working directory.
 */
export async function assembleTessdata(cacheDir: string = os.tmpdir()): Promise<string> {
  const dir = path.join(cacheDir, `docverify-tessdata-${TESSERACT_VERSION}`);
  await mkdir(dir, { recursive: true });
  for (const [lang, file] of Object.entries(LANGUAGE_FILES)) {
    const target = require.resolve(file);
    const link = path.join(dir, `${lang}.traineddata.gz`);
    try {
      await symlink(target, link);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Re-point a link left by another install of node_modules.
      await unlink(link).catch(() => undefined);
      await symlink(target, link).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
    }
  }
  return dir;
}

export async function createTesseractEngine(options: TesseractOptions = {}): Promise<PageOcrEngine> {
  const maxSide = options.maxSide ?? (options.light ? 1280 : 1600);
  let langPath: string;
  let worker: Tesseract.Worker;
  const workerOptions = (): Partial<Tesseract.WorkerOptions> => ({
    langPath,
    gzip: true,
    // 'none': never write unpacked data into (or read it back from) the working directory.
    cacheMethod: 'none',
    workerPath: WORKER_PATH,
    errorHandler: () => undefined,
  });
  try {
    langPath = await assembleTessdata(options.cacheDir);
    worker = await Tesseract.createWorker('chi_sim+eng', Tesseract.OEM.LSTM_ONLY, workerOptions());
    await worker.setParameters({
      tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT,
      preserve_interword_spaces: '1',
    });
  } catch (error) {
    throw new OcrError('OCR_ENGINE_FAILED', `could not start tesseract.js: ${describe(error)}`, {
      cause: error,
    });
  }
  let osdWorker: Promise<Tesseract.Worker> | undefined;
  let closed = false;
  // setParameters is per worker: serialise jobs so a region re-read's whitelist never leaks into a page.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };

  const ensureOpen = () => {
    if (closed) throw new OcrError('OCR_CLOSED', 'tesseract engine is closed');
  };

  /** Decodes with sharp (a corrupt upload is a typed error, not a crashed wasm worker) and downsizes. */
  const prepare = async (image: Buffer, limit: number | undefined = maxSide) => {
    try {
      const pipeline = sharp(image, { failOn: 'error' });
      if (limit) pipeline.resize({ width: limit, height: limit, fit: 'inside', withoutEnlargement: true });
      const { data, info } = await pipeline
        .png({ compressionLevel: 1 })
        .toBuffer({ resolveWithObject: true });
      const metadata = await sharp(image).metadata();
      const width = metadata.width ?? info.width;
      const height = metadata.height ?? info.height;
      return { png: data, width, height, scale: info.width / width };
    } catch (error) {
      throw new OcrError('OCR_BAD_IMAGE', `cannot decode image: ${describe(error)}`, { cause: error });
    }
  };

  const engineCall = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw new OcrError('OCR_ENGINE_FAILED', `tesseract.js failed: ${describe(error)}`, { cause: error });
    }
  };

  const recognize = async (image: Buffer, options: RecognizeOptions = {}): Promise<OcrResult> => {
    ensureOpen();
    throwIfAborted(options.signal);
    const page = await prepare(image);
    throwIfAborted(options.signal);
    const result = await exclusive(() =>
      engineCall(() => worker.recognize(page.png, {}, { blocks: true, text: false })),
    );
    throwIfAborted(options.signal);
    const toBox = (b: Tesseract.Bbox): Box => {
      const s = 1 / page.scale;
      return [
        Math.round(b.x0 * s),
        Math.round(b.y0 * s),
        Math.round((b.x1 - b.x0) * s),
        Math.round((b.y1 - b.y0) * s),
      ];
    };
    const lines: OcrLine[] = [];
    for (const block of result.data.blocks ?? []) {
      for (const paragraph of block.paragraphs) {
        for (const line of paragraph.lines) {
          const words: OcrWord[] = line.words
            .filter((w) => w.text.trim().length > 0)
            .map((w) => ({
              text: w.text.trim(),
              box: toBox(w.bbox),
              confidence: clamp01(w.confidence / 100),
            }));
          const text = removeSpacesBetweenCjk(line.text.trim());
          if (words.length === 0 || text.length === 0) continue;
          lines.push({ text, box: toBox(line.bbox), confidence: clamp01(line.confidence / 100), words });
        }
      }
    }
    const ordered = sortIntoReadingOrder(lines);
    return {
      engine: 'tesseract',
      engineVersion: `tesseract.js ${TESSERACT_VERSION} (chi_sim+eng best_int, psm 11)`,
      width: page.width,
      height: page.height,
      text: ordered.map((l) => l.text).join('\n'),
      lines: ordered,
      meanConfidence: meanConfidence(ordered),
    };
  };

  /**
   * Tesseract's legacy OSD model (script + orientation), in a second worker started on first use. It reports the
   * clockwise angle the page must be turned by to read upright.
   */
  const detectOrientation = async (
    image: Buffer,
    options: RecognizeOptions = {},
  ): Promise<OrientationResult> => {
    ensureOpen();
    throwIfAborted(options.signal);
    const page = await prepare(image, Math.min(maxSide, 1280));
    osdWorker ??= engineCall(() =>
      Tesseract.createWorker('osd', Tesseract.OEM.TESSERACT_ONLY, {
        ...workerOptions(),
        legacyCore: true,
        legacyLang: true,
      }),
    );
    const osd = await osdWorker;
    let detected: Tesseract.DetectData;
    try {
      detected = (await osd.detect(page.png)).data;
    } catch (error) {
      // OSD gives up on pages with too few characters: that is "cannot tell", not a failure.
      if (/too few characters/i.test(describe(error))) return { quarterTurns: 0, confidence: 0 };
      throw new OcrError('OCR_ENGINE_FAILED', `tesseract OSD failed: ${describe(error)}`, { cause: error });
    }
    const degrees = detected.orientation_degrees ?? 0;
    const quarterTurns = (((Math.round(degrees / 90) % 4) + 4) % 4) as QuarterTurns;
    // orientation_confidence is a margin on an open scale; ~2 is Tesseract's own "trust it" threshold.
    const confidence = clamp01((detected.orientation_confidence ?? 0) / 4);
    return { quarterTurns, confidence };
  };

  /**
   * OSD alone turned 3 of 20 upright fixture photos upside down (docs/benchmarks.md), so a turn it proposes is
   * checked: the page is read both ways and the reading with more confidently recognised characters wins.
   * Upright pages (OSD says 0) cost one OSD pass more than `recognize`.
   */
  const recognizePage = async (image: Buffer, options: PageOptions = {}): Promise<PageRecognition> => {
    const proposal = await detectOrientation(image, options);
    const upright = await recognize(image, options);
    const minConfidence = options.minOrientationConfidence ?? 0.2;
    if (proposal.quarterTurns === 0 || proposal.confidence < minConfidence) {
      return { ocr: upright, quarterTurns: 0, orientationConfidence: proposal.confidence };
    }
    let turnedImage: Buffer;
    try {
      turnedImage = await sharp(image)
        .rotate(proposal.quarterTurns * 90)
        .png({ compressionLevel: 1 })
        .toBuffer();
    } catch (error) {
      throw new OcrError('OCR_BAD_IMAGE', `cannot rotate image: ${describe(error)}`, { cause: error });
    }
    const turned = await recognize(turnedImage, options);
    const a = readingScore(upright);
    const b = readingScore(turned);
    const confidence = a + b === 0 ? 0 : Math.abs(a - b) / (a + b);
    return b > a
      ? { ocr: turned, quarterTurns: proposal.quarterTurns, orientationConfidence: confidence }
      : { ocr: upright, quarterTurns: 0, orientationConfidence: confidence };
  };

  /** Re-reads one region as a single line (PSM 7), optionally restricted to `whitelist`. */
  const recognizeRegion = async (image: Buffer, box: Box, options: RegionOptions = {}): Promise<OcrLine> => {
    ensureOpen();
    throwIfAborted(options.signal);
    // Full resolution: boxes are in the caller's pixels and small digits need every one of them.
    const page = await prepare(image, undefined);
    const [x, y, w, h] = box;
    const left = Math.max(0, Math.floor(x));
    const top = Math.max(0, Math.floor(y));
    const width = Math.min(page.width, Math.ceil(x + w)) - left;
    const height = Math.min(page.height, Math.ceil(y + h)) - top;
    if (width < 2 || height < 2) {
      throw new OcrError('OCR_BAD_IMAGE', `region ${JSON.stringify(box)} is outside the image`);
    }
    const result = await exclusive(async () => {
      await engineCall(() =>
        worker.setParameters({
          tessedit_pageseg_mode: Tesseract.PSM.SINGLE_LINE,
          tessedit_char_whitelist: options.whitelist ?? '',
        }),
      );
      try {
        return await engineCall(() =>
          worker.recognize(
            page.png,
            { rectangle: { left, top, width, height } },
            { blocks: true, text: true },
          ),
        );
      } finally {
        await engineCall(() =>
          worker.setParameters({
            tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT,
            tessedit_char_whitelist: '',
          }),
        );
      }
    });
    const words: OcrWord[] = (result.data.blocks ?? [])
      .flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)))
      .filter((word) => word.text.trim().length > 0)
      .map((word) => ({
        text: word.text.trim(),
        box: [word.bbox.x0, word.bbox.y0, word.bbox.x1 - word.bbox.x0, word.bbox.y1 - word.bbox.y0],
        confidence: clamp01(word.confidence / 100),
      }));
    return {
      text: removeSpacesBetweenCjk(result.data.text.trim()),
      box: words.length > 0 ? unionBox(words.map((word) => word.box)) : [left, top, width, height],
      confidence: clamp01(result.data.confidence / 100),
      words,
    };
  };

  return {
    name: 'tesseract',
    recognize,
    recognizePage,
    detectOrientation,
    recognizeRegion,
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      // biome-ignore lint/nursery/noMisusedPromises: null until the OSD worker is started; the test is for that.
      const osd = osdWorker ? await osdWorker.catch(() => undefined) : undefined;
      await Promise.all([worker.terminate(), osd?.terminate()]);
    },
  };
}

/** Characters read, weighted by their line's confidence: a page read the wrong way up scores low. */
const readingScore = (ocr: OcrResult) =>
  ocr.lines.reduce((sum, l) => sum + l.confidence * l.text.replace(/\s/g, '').length, 0);

const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
