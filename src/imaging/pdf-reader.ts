import { Worker } from 'node:worker_threads';
import { type PdfDocument, PdfError, type PdfErrorCode, type ReadPdfOptions } from './pdf.js';

export interface PdfReaderOptions {
  maxPages: number;
  /** Largest rendered page and largest embedded image (MAX_UPLOAD_PIXELS). */
  maxPixels: number;
  maxOperatorsPerPage: number;
  /** Wall-clock limit for reading one document in the job. */
  readTimeoutMs: number;
  /** Wall-clock limit for intake's page count; past it the upload is accepted and the job decides. */
  inspectTimeoutMs: number;
  /**
   * Memory one document may take while it is read: the worker's heap limit, and the growth of the
   * process's resident memory past which the worker is stopped (decoded streams live outside the
   * heap, where the heap limit does not reach).
   */
  memoryMb: number;
  renderDpi?: number;
}

/**
 * Reads PDFs away from the event loop: every document is opened in a worker thread of its own,
 * with a heap limit, a stack limit, a wall-clock limit and a watch on the process's memory.
 * pdf.js builds a page's whole operator list before anything can count it, and inflates streams
 * as far as they go, so a few hundred kilobytes of PDF can ask for gigabytes and minutes: the
 * worker is where that ends. A worker that hits a limit is terminated; the process carries on.
 */
export interface PdfReader {
  /**
   * Counts the pages for intake. Throws PdfError when the PDF is certainly refused (encrypted,
   * corrupt, too many pages); null when it cannot tell within the intake's time and memory,
   * and then the job decides.
   */
  inspect(bytes: Uint8Array): Promise<number | null>;
  /** Reads every page (text layer or rendered image); PDF_TOO_COMPLEX when a limit is hit. */
  read(bytes: Uint8Array): Promise<PdfDocument>;
  close(): Promise<void>;
}

/** @internal message from the reader to a worker */
export type PdfWorkerRequest =
  | { task: 'inspect'; bytes: Uint8Array; options: { maxPages: number } }
  | { task: 'read'; bytes: Uint8Array; options: ReadPdfOptions };
/** @internal message from a worker to the reader */
export type PdfWorkerReply =
  | { type: 'ready' }
  | { type: 'inspected'; pages: number }
  | { type: 'read'; document: PdfDocument }
  | { type: 'error'; code: PdfErrorCode; message: string };

type WorkerOutcome = Exclude<PdfWorkerReply, { type: 'ready' }> | { type: 'limit'; message: string };

const WORKER_ENTRY = new URL('./pdf.worker-entry.mjs', import.meta.url);
/** Opening a document and counting its pages needs little memory; intake never waits for more. */
const INSPECT_MEMORY_MB = 128;
/** Intake counts pages of this many uploads at once; more wait, within their time limit. */
const INSPECT_SLOTS = 2;
/**
 * Documents read at once per process. One: the memory watch cannot tell two workers' growth
 * apart, and two documents at the memory limit would double the process's peak.
 */
const READ_SLOTS = 1;
/** Deep nesting ends in a RangeError at this stack size, not in a crash. */
const STACK_MB = 4;
const YOUNG_GENERATION_MB = 32;
const MEMORY_SAMPLE_MS = 20;

export function createPdfReader(options: PdfReaderOptions): PdfReader {
  const inspectSlots = createSlots(INSPECT_SLOTS);
  const readSlots = createSlots(READ_SLOTS);
  const memory = createMemoryWatch(MEMORY_SAMPLE_MS);
  const running = new Set<PdfWorker>();
  const inspectMemoryMb = Math.min(INSPECT_MEMORY_MB, options.memoryMb);
  /**
   * Inspection workers that have loaded pdf.js, kept for the next upload: loading it takes a few
   * hundred milliseconds (seconds on a busy machine), which intake's time limit cannot spare,
   * while counting pages takes milliseconds. One that hits a limit is terminated, not kept.
   */
  const idleInspectors: PdfWorker[] = [];
  /**
   * The worker for the next document, started once the previous one is gone (so its loading is not
   * counted against a document being read): every document still gets a fresh worker.
   */
  let spareReader: PdfWorker | null = null;
  let closed = false;

  const spawn = (memoryMb: number) => {
    if (closed) throw new Error('the PDF reader is closed');
    const worker = startPdfWorker(memoryMb, memory);
    running.add(worker);
    void worker.exited.then(() => {
      running.delete(worker);
      const idle = idleInspectors.indexOf(worker);
      if (idle >= 0) idleInspectors.splice(idle, 1);
    });
    return worker;
  };

  return {
    async inspect(bytes) {
      const deadline = Date.now() + options.inspectTimeoutMs;
      const left = () => Math.max(1, deadline - Date.now());
      const release = await inspectSlots.acquire(options.inspectTimeoutMs);
      if (!release) return null;
      try {
        const worker = idleInspectors.pop() ?? spawn(inspectMemoryMb);
        // Not loaded within the time left: this upload goes on, the worker stays for the next one.
        if (!(await settlesWithin(worker.ready, left()))) {
          if (worker.alive()) idleInspectors.push(worker);
          return null;
        }
        const outcome = await worker.run(
          { task: 'inspect', bytes, options: { maxPages: options.maxPages } },
          { timeoutMs: left(), memoryMb: inspectMemoryMb },
        );
        if (outcome.type === 'limit' || !worker.alive()) void worker.stop();
        else idleInspectors.push(worker);
        if (outcome.type === 'inspected') return outcome.pages;
        if (outcome.type === 'error') throw new PdfError(outcome.code, outcome.message);
        return null;
      } finally {
        release();
      }
    },

    async read(bytes) {
      const release = await readSlots.acquire(Number.POSITIVE_INFINITY);
      let worker: PdfWorker;
      try {
        // One worker per document: nothing a PDF leaves behind meets the next one.
        worker = spareReader?.alive() ? spareReader : spawn(options.memoryMb);
        spareReader = null;
      } catch (error) {
        release?.();
        throw error;
      }
      // The next document starts once this one's memory is gone, not when its answer is in.
      void worker.exited.then(() => {
        if (!closed && !spareReader) spareReader = spawn(options.memoryMb);
        release?.();
      });
      try {
        // A worker that cannot even load pdf.js is the service's fault, not the document's: retried.
        await worker.ready;
        const outcome = await worker.run(
          {
            task: 'read',
            bytes,
            options: {
              maxPages: options.maxPages,
              maxPixels: options.maxPixels,
              maxOperatorsPerPage: options.maxOperatorsPerPage,
              ...(options.renderDpi ? { renderDpi: options.renderDpi } : {}),
            },
          },
          { timeoutMs: options.readTimeoutMs, memoryMb: options.memoryMb },
        );
        if (outcome.type === 'read') return asDocument(outcome.document);
        if (outcome.type === 'limit') {
          throw new PdfError('PDF_TOO_COMPLEX', `The PDF is too complex to read: it ${outcome.message}.`);
        }
        if (outcome.type === 'error') throw new PdfError(outcome.code, outcome.message);
        throw new Error(`unexpected reply ${outcome.type} to a read`);
      } finally {
        void worker.stop();
      }
    },

    async close() {
      closed = true;
      idleInspectors.length = 0;
      spareReader = null;
      await Promise.all([...running].map((worker) => worker.stop()));
    },
  };
}

interface PdfWorker {
  /** Resolves once pdf.js is loaded; rejects if the worker died before. */
  ready: Promise<void>;
  /** Sends one request; resolves with its answer, or a limit (the caller then stops the worker). */
  run(request: PdfWorkerRequest, limits: { timeoutMs: number; memoryMb: number }): Promise<WorkerOutcome>;
  alive(): boolean;
  exited: Promise<void>;
  stop(): Promise<void>;
}

function startPdfWorker(memoryMb: number, memory: ReturnType<typeof createMemoryWatch>): PdfWorker {
  const worker = new Worker(WORKER_ENTRY, {
    resourceLimits: {
      maxOldGenerationSizeMb: memoryMb,
      maxYoungGenerationSizeMb: Math.min(YOUNG_GENERATION_MB, memoryMb / 4),
      stackSizeMb: STACK_MB,
    },
  });
  let alive = true;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      alive = false;
      resolve();
    }),
  );
  /** Where the worker's next message, error or exit goes: first readiness, then each request's answer. */
  let settle: (outcome: PdfWorkerReply | WorkerOutcome) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    settle = (outcome) => (outcome.type === 'ready' ? resolve() : reject(new Error(describe(outcome))));
  });
  // Awaited later, if at all: a worker that dies before it is used must not be an unhandled rejection.
  ready.catch(() => undefined);
  worker.on('message', (reply: PdfWorkerReply) => settle(reply));
  worker.on('error', (error: Error & { code?: string }) => {
    alive = false;
    settle(
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { type: 'limit', message: `needed more than ${memoryMb} MB` }
        : { type: 'error', code: 'PDF_INVALID', message: 'The PDF could not be read.' },
    );
  });
  worker.on('exit', () =>
    settle({ type: 'error', code: 'PDF_INVALID', message: 'The PDF reader stopped before it answered.' }),
  );
  return {
    ready,
    exited,
    alive: () => alive,
    async stop() {
      await worker.terminate();
      await exited;
    },
    run(request, limits) {
      return new Promise<WorkerOutcome>((resolve) => {
        let finished = false;
        const finish = (outcome: WorkerOutcome) => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          unwatch();
          settle = () => {};
          resolve(outcome);
        };
        settle = (outcome) => {
          if (outcome.type !== 'ready') finish(outcome);
        };
        const timer = setTimeout(
          () => finish({ type: 'limit', message: `took longer than ${limits.timeoutMs} ms` }),
          limits.timeoutMs,
        );
        const unwatch = memory.watch(limits.memoryMb * 1024 * 1024, () =>
          finish({ type: 'limit', message: `needed more than ${limits.memoryMb} MB` }),
        );
        // The worker takes its own copy of the bytes.
        const bytes = new Uint8Array(request.bytes);
        worker.postMessage({ ...request, bytes } satisfies PdfWorkerRequest, [bytes.buffer as ArrayBuffer]);
      });
    },
  };
}

function describe(outcome: PdfWorkerReply | WorkerOutcome): string {
  return outcome.type === 'limit' || outcome.type === 'error'
    ? `the PDF worker did not start: ${outcome.message}`
    : `the PDF worker answered ${outcome.type} before it was asked`;
}

/** True when `promise` resolves within `ms`; false when it rejects or takes longer. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => false,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Images cross the thread boundary as Uint8Arrays: make them Buffers again. */
function asDocument(document: PdfDocument): PdfDocument {
  return {
    ...document,
    pages: document.pages.map((page) =>
      page.kind === 'image'
        ? { ...page, image: Buffer.from(page.image.buffer, page.image.byteOffset, page.image.byteLength) }
        : page,
    ),
  };
}

/** At most `size` holders at once; `acquire` gives up (null) after `timeoutMs`. */
function createSlots(size: number) {
  let free = size;
  const waiting: Array<(release: () => void) => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next(once(release));
    else free += 1;
  };
  return {
    acquire(timeoutMs: number): Promise<(() => void) | null> {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve) => {
        const take = (granted: () => void) => {
          clearTimeout(timer);
          resolve(granted);
        };
        const timer = Number.isFinite(timeoutMs)
          ? setTimeout(() => {
              waiting.splice(waiting.indexOf(take), 1);
              resolve(null);
            }, timeoutMs)
          : undefined;
        waiting.push(take);
      });
    },
  };
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}

/**
 * Samples the process's resident memory while workers run and trips a worker whose growth since
 * it started passes its limit. Streams pdf.js inflates are ArrayBuffers outside the worker's heap,
 * so the heap limit alone lets a 1 MB Flate stream take gigabytes.
 */
function createMemoryWatch(sampleMs: number) {
  const watched = new Set<{ baseline: number; limit: number; trip: () => void }>();
  let timer: NodeJS.Timeout | null = null;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    for (const entry of watched) {
      if (rss - entry.baseline > entry.limit) {
        watched.delete(entry);
        entry.trip();
      }
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  return {
    watch(limitBytes: number, trip: () => void): () => void {
      const entry = { baseline: process.memoryUsage.rss(), limit: limitBytes, trip };
      watched.add(entry);
      timer ??= setInterval(sample, sampleMs).unref();
      return () => watched.delete(entry);
    },
  };
}
