import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { defaultOcrEngine } from './engine-names.js';
import { deserializeOcrError, OcrError, type SerializedOcrError } from './ocr.errors.js';

export type { PageRecognition } from './ocr.types.js';

import type {
  Box,
  OcrEngineName,
  OcrEngineOptions,
  OcrLine,
  OcrResult,
  OrientationResult,
  PageRecognition,
  RecognizeOptions,
  RegionOptions,
} from './ocr.types.js';

export interface OcrPoolOptions {
  /** Default 'ppocr'. */
  engine?: OcrEngineName;
  /** Worker threads, each with its own engine. Default: the number of cores. */
  size?: number;
  /** Jobs waiting for a worker beyond which new jobs are refused with OCR_OVERLOADED. Default 4 × size. */
  maxQueue?: number;
  /**
   * Milliseconds from submission (queue wait included) after which a job rejects with OCR_TIMEOUT; a worker
   * still running it is replaced. Default 30 000.
   */
  timeoutMs?: number;
  /** Orientation fixes less certain than this are not applied by recognizePage. Default 0.2. */
  minOrientationConfidence?: number;
  engineOptions?: OcrEngineOptions;
}

/**
 * OCR engines in worker threads, created once at start-up and shared: the HTTP event loop never runs a model.
 * Every job honours its AbortSignal and the pool's timeout; a full queue sheds load instead of growing.
 */
export interface OcrPool {
  readonly engine: OcrEngineName;
  readonly size: number;
  recognize(image: Buffer, options?: RecognizeOptions): Promise<OcrResult>;
  /** Detects the orientation, turns the image upright if needed and recognises it. */
  recognizePage(image: Buffer, options?: RecognizeOptions): Promise<PageRecognition>;
  detectOrientation(image: Buffer, options?: RecognizeOptions): Promise<OrientationResult>;
  /** Re-reads one region as a single line, e.g. digits with `{ whitelist: '0123456789X' }`. */
  recognizeRegion(image: Buffer, box: Box, options?: RegionOptions): Promise<OcrLine>;
  stats(): { workers: number; busy: number; queued: number };
  close(): Promise<void>;
}

type JobPayload =
  | { kind: 'recognize' }
  | { kind: 'page' }
  | { kind: 'orientation' }
  | { kind: 'region'; box: Box; whitelist: string | undefined };

/** @internal message from the pool to a worker */
export type WorkerRequest = JobPayload & { id: number; image: Uint8Array };
/** @internal message from a worker to the pool */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedOcrError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedOcrError };

interface Job {
  id: number;
  payload: JobPayload;
  image: Uint8Array;
  resolve: (value: unknown) => void;
  reject: (error: OcrError) => void;
  cleanup: () => void;
  settled: boolean;
}

/** How long close() waits for a worker still inside an inference before terminating it. */
const RETIRED_WORKER_GRACE_MS = 60_000;

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
}

const WORKER_ENTRY = new URL('./ocr.worker-entry.mjs', import.meta.url);

export async function createOcrPool(options: OcrPoolOptions = {}): Promise<OcrPool> {
  const engine = options.engine ?? defaultOcrEngine;
  const size = Math.max(1, options.size ?? os.availableParallelism());
  const maxQueue = options.maxQueue ?? size * 4;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const workerData = {
    engine,
    engineOptions: options.engineOptions ?? {},
    minOrientationConfidence: options.minOrientationConfidence ?? 0.2,
  };
  const slots = new Set<Slot>();
  /**
   * Workers whose job was given up (timeout, abort) while the model ran. Terminating a thread
   * inside native inference aborts the whole process (onnxruntime: "terminate called after
   * throwing Napi::Error"), so such a worker finishes its inference, is never given work again,
   * and is stopped once it is idle. A replacement takes its place at once.
   */
  const retired = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const settle = (job: Job, outcome: { value: unknown } | { error: OcrError }) => {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.value);
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (!slot.ready || slot.job) continue;
      const job = queue.shift();
      if (!job) return;
      slot.job = job;
      const request: WorkerRequest = { ...job.payload, id: job.id, image: job.image };
      slot.worker.postMessage(request, [job.image.buffer as ArrayBuffer]);
    }
  };

  /** Starts a worker; resolves once its engine has loaded, rejects if the engine cannot load. */
  const spawn = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const slot: Slot = { worker: new Worker(WORKER_ENTRY, { workerData }), ready: false, job: undefined };
      slots.add(slot);
      slot.worker.on('message', (reply: WorkerReply) => {
        // Its inference or its model loading is over: it is idle, so it can be stopped safely.
        if (retired.has(slot)) {
          stopRetired(slot);
          return;
        }
        if (reply.type === 'ready') {
          slot.ready = true;
          resolve();
          dispatch();
          return;
        }
        if (reply.type === 'init-error') {
          slots.delete(slot);
          void slot.worker.terminate();
          reject(deserializeOcrError(reply.error));
          failQueueIfNoWorkers(deserializeOcrError(reply.error));
          return;
        }
        const job = slot.job;
        if (!job || job.id !== reply.id) return;
        slot.job = undefined;
        settle(
          job,
          reply.type === 'result' ? { value: reply.value } : { error: deserializeOcrError(reply.error) },
        );
        dispatch();
      });
      slot.worker.on('error', (error) => {
        // An uncaught error inside the worker: fail its job, replace the worker.
        const cause = new OcrError('OCR_ENGINE_FAILED', `OCR worker crashed: ${error.message}`, {
          cause: error,
        });
        if (!slot.ready) reject(cause);
        replace(slot, cause);
      });
      slot.worker.on('exit', () => {
        retired.delete(slot);
        if (slots.has(slot)) replace(slot, new OcrError('OCR_ENGINE_FAILED', 'OCR worker exited'));
      });
    });

  const failQueueIfNoWorkers = (error: OcrError) => {
    if (slots.size > 0) return;
    for (const job of queue.splice(0)) settle(job, { error });
  };

  /** Drops a worker (failing its job with `error`) and starts another in its place. */
  const replace = (slot: Slot, error: OcrError) => {
    if (!slots.delete(slot)) return;
    const job = slot.job;
    slot.job = undefined;
    if (job) settle(job, { error });
    void slot.worker.terminate();
    if (closed) return;
    spawn().catch((e: unknown) => failQueueIfNoWorkers(asOcrError(e)));
  };

  const stopRetired = (slot: Slot) => {
    retired.delete(slot);
    void slot.worker.terminate();
  };

  /** Gives up a running job: fails it now, lets its worker finish idle-bound, starts a replacement. */
  const retire = (slot: Slot, error: OcrError) => {
    if (!slots.delete(slot)) return;
    const job = slot.job;
    slot.job = undefined;
    if (job) settle(job, { error });
    retired.add(slot);
    if (closed) return;
    spawn().catch((e: unknown) => failQueueIfNoWorkers(asOcrError(e)));
  };

  const submit = <T>(payload: JobPayload, image: Buffer, options: RecognizeOptions = {}): Promise<T> => {
    if (closed) return Promise.reject(new OcrError('OCR_CLOSED', 'OCR pool is closed'));
    if (options.signal?.aborted) return Promise.reject(asOcrError(options.signal.reason));
    if (queue.length >= maxQueue) {
      return Promise.reject(new OcrError('OCR_OVERLOADED', `OCR queue is full (${maxQueue} waiting)`));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        id: nextId++,
        payload,
        // A private copy: transferred to the worker, never shared with the caller's buffer.
        image: new Uint8Array(image),
        resolve: resolve as (value: unknown) => void,
        reject,
        cleanup: () => undefined,
        settled: false,
      };
      const abort = (error: OcrError) => {
        const queued = queue.indexOf(job);
        if (queued >= 0) {
          queue.splice(queued, 1);
          settle(job, { error });
          return;
        }
        // Running: models cannot be interrupted mid-inference, so the worker is retired.
        const slot = [...slots].find((s) => s.job === job);
        if (slot) retire(slot, error);
        else settle(job, { error });
      };
      const timer = setTimeout(
        () => abort(new OcrError('OCR_TIMEOUT', `OCR job exceeded ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onAbort = () => abort(asOcrError(options.signal?.reason));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      job.cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      queue.push(job);
      dispatch();
    });
  };

  const spawning = Array.from({ length: size }, () => spawn());
  const started = await Promise.allSettled(spawning);
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    closed = true;
    await Promise.all([...slots].map((s) => s.worker.terminate()));
    throw failure.reason instanceof OcrError
      ? failure.reason
      : new OcrError('OCR_ENGINE_FAILED', String(failure.reason), { cause: failure.reason });
  }

  return {
    engine,
    size,
    recognize: (image, options) => submit<OcrResult>({ kind: 'recognize' }, image, options),
    recognizePage: (image, options) => submit<PageRecognition>({ kind: 'page' }, image, options),
    detectOrientation: (image, options) => submit<OrientationResult>({ kind: 'orientation' }, image, options),
    recognizeRegion: (image, box, options = {}) =>
      submit<OcrLine>({ kind: 'region', box, whitelist: options.whitelist }, image, options),
    stats: () => ({
      workers: slots.size,
      busy: [...slots].filter((s) => s.job).length,
      queued: queue.length,
    }),
    async close() {
      if (closed) return;
      closed = true;
      const error = new OcrError('OCR_CLOSED', 'OCR pool closed');
      for (const job of queue.splice(0)) settle(job, { error });
      const all = [...slots];
      slots.clear();
      for (const slot of all) if (slot.job) settle(slot.job, { error });
      // Workers inside an inference or still loading their model are left to finish (see
      // `retired`), then stopped; only one stuck for a minute is terminated where it stands.
      const idle = (slot: Slot) => slot.ready && !slot.job;
      for (const slot of all) if (!idle(slot)) retired.add(slot);
      await Promise.all(all.filter(idle).map((s) => s.worker.terminate()));
      const deadline = Date.now() + RETIRED_WORKER_GRACE_MS;
      while (retired.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await Promise.all([...retired].map((s) => s.worker.terminate()));
    },
  };
}

/** An abort reason (or a worker failure) as the OcrError the caller sees. */
function asOcrError(reason: unknown): OcrError {
  if (reason instanceof OcrError) return reason;
  return new OcrError('OCR_TIMEOUT', 'OCR job aborted', { cause: reason });
}
