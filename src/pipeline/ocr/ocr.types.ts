/** A rectangle in image pixels: left, top, width, height. */
export type Box = [x: number, y: number, w: number, h: number];

export interface OcrWord {
  text: string;
  box: Box;
  /** 0..1 */
  confidence: number;
}

export interface OcrLine {
  text: string;
  box: Box;
  /** 0..1 */
  confidence: number;
  words: OcrWord[];
}

/**
 * What every OCR engine (and the PDF text layer) returns. Lines are in reading order:
 * top to bottom, then left to right within a visual row. Boxes are in the coordinates of
 * the image that was recognised (the preprocessed page); the pipeline maps them back to the
 * original upload with the preprocessing transform.
 */
export interface OcrResult {
  engine: string;
  engineVersion: string;
  width: number;
  height: number;
  /** Lines joined with "\n". */
  text: string;
  lines: OcrLine[];
  /** Mean line confidence, 0..1 (0 when no lines). */
  meanConfidence: number;
}

export interface RecognizeOptions {
  signal?: AbortSignal;
}

/** The OCR port. Implementations load their models from disk once and are reused. */
export interface OcrEngine {
  readonly name: string;
  /** `image` is an encoded image (PNG or JPEG), already normalised by preprocessing. */
  recognize(image: Buffer, options?: RecognizeOptions): Promise<OcrResult>;
  close(): Promise<void>;
}
