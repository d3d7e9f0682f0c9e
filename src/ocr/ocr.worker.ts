import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { OcrError, serializeOcrError } from './ocr.errors.js';
import type { OcrEngineName, OcrEngineOptions, PageOcrEngine, PageRecognition } from './ocr.types.js';
import type { WorkerReply, WorkerRequest } from './pool.js';
import { ocrEngines } from './registry.js';

/** One OCR engine, loaded once, serving the pool's jobs one at a time. */

interface WorkerInit {
  engine: OcrEngineName;
  engineOptions: OcrEngineOptions;
  /** Orientation fixes below this confidence are not applied. */
  minOrientationConfidence: number;
}

const port = parentPort;
if (!port) throw new Error('ocr.worker must run in a worker thread');
const init = workerData as WorkerInit;

const post = (reply: WorkerReply) => port.postMessage(reply);

async function recognizePage(engine: PageOcrEngine, image: Buffer): Promise<PageRecognition> {
  if (engine.recognizePage) {
    return engine.recognizePage(image, { minOrientationConfidence: init.minOrientationConfidence });
  }
  const orientation = await engine.detectOrientation(image);
  const turn = orientation.confidence >= init.minOrientationConfidence ? orientation.quarterTurns : 0;
  let upright = image;
  if (turn !== 0) {
    try {
      upright = await sharp(image)
        .rotate(turn * 90)
        .png({ compressionLevel: 1 })
        .toBuffer();
    } catch (error) {
      throw new OcrError('OCR_BAD_IMAGE', `cannot rotate image: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const ocr = await engine.recognize(upright);
  return { ocr, quarterTurns: turn, orientationConfidence: orientation.confidence };
}

async function handle(engine: PageOcrEngine, request: WorkerRequest): Promise<unknown> {
  const image = Buffer.from(request.image.buffer, request.image.byteOffset, request.image.byteLength);
  switch (request.kind) {
    case 'recognize':
      return engine.recognize(image);
    case 'page':
      return recognizePage(engine, image);
    case 'orientation':
      return engine.detectOrientation(image);
    case 'region':
      return engine.recognizeRegion(image, request.box, { whitelist: request.whitelist });
  }
}

try {
  const engine = await ocrEngines[init.engine](init.engineOptions);
  port.on('message', (request: WorkerRequest) => {
    handle(engine, request).then(
      (value) => post({ type: 'result', id: request.id, value }),
      (error: unknown) => post({ type: 'error', id: request.id, error: serializeOcrError(error) }),
    );
  });
  port.once('close', () => void engine.close());
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'init-error', error: serializeOcrError(error) });
}
