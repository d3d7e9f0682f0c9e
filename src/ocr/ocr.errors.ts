export const ocrErrorCodes = [
  /** The image could not be decoded (corrupt, truncated, not an image). */
  'OCR_BAD_IMAGE',
  /** The engine failed while recognising (model error, worker crash). */
  'OCR_ENGINE_FAILED',
  /** The job took longer than the pool's per-job timeout, or its signal aborted it. */
  'OCR_TIMEOUT',
  /** The pool's queue is full: shed load instead of queueing without bound. */
  'OCR_OVERLOADED',
  /** The pool or engine was closed. */
  'OCR_CLOSED',
] as const;

export type OcrErrorCode = (typeof ocrErrorCodes)[number];

export class OcrError extends Error {
  override readonly name = 'OcrError';
  readonly code: OcrErrorCode;

  constructor(code: OcrErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const isOcrError = (error: unknown): error is OcrError => error instanceof OcrError;

/** Plain form that survives postMessage between the pool and its workers. */
export interface SerializedOcrError {
  code: OcrErrorCode;
  message: string;
}

export function serializeOcrError(error: unknown): SerializedOcrError {
  if (error instanceof OcrError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'OCR_ENGINE_FAILED', message };
}

export const deserializeOcrError = (e: SerializedOcrError): OcrError => new OcrError(e.code, e.message);

export function abortError(signal: AbortSignal | undefined): OcrError {
  const reason: unknown = signal?.reason;
  if (reason instanceof OcrError) return reason;
  return new OcrError('OCR_TIMEOUT', 'OCR job aborted', { cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
