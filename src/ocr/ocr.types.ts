import type { OcrEngineName } from './engine-names.js';

/** A rectangle in image pixels: left, top, width, height. */
export type Box = [x: number, y: number, w: number, h: number];

export interface OcrWord {
  text: string;
  box: Box;
  /** 0..1 */
  confidence: number;
}

/** A character the recogniser also considered at one position, with its probability (0..1). */
export interface OcrCandidate {
  char: string;
  confidence: number;
}

/** The recogniser's doubt about one character of a line: its own probability and its runners-up. */
export interface OcrCharAlternatives {
  /** Position of the character in the line's `text`, in code points. */
  index: number;
  /** 0..1: the probability of the character that was read. */
  confidence: number;
  /** The next-best characters, most probable first (at most three). */
  candidates: OcrCandidate[];
}

export interface OcrLine {
  text: string;
  box: Box;
  /** 0..1 */
  confidence: number;
  words: OcrWord[];
  /**
   * The characters the recogniser was not sure of, with its next-best readings (PP-OCR). Absent
   * when every character was read surely, or when the engine does not say (tesseract).
   */
  alternatives?: OcrCharAlternatives[];
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

/** The OCR engines docverify ships (the list is engine-names.ts; their factories, registry.ts). */
export type { OcrEngineName };

/** Clockwise quarter turns. */
export type QuarterTurns = 0 | 1 | 2 | 3;

export interface OrientationResult {
  /** Clockwise quarter turns to apply to the image so that its text reads upright. */
  quarterTurns: QuarterTurns;
  /** 0..1: how sure the engine is (0 when the page had too little text to tell). */
  confidence: number;
}

export interface RegionOptions extends RecognizeOptions {
  /** Only these characters may be read (e.g. '0123456789X' to re-read an ID number). */
  whitelist?: string;
}

export interface PageOptions extends RecognizeOptions {
  /** Orientation fixes less certain than this (0..1) are not applied. Default 0.2. */
  minOrientationConfidence?: number;
}

/** A page recognised after its orientation was fixed. */
export interface PageRecognition {
  /** OCR of the upright page: boxes are in the coordinates of the image turned by `quarterTurns`. */
  ocr: OcrResult;
  /** Clockwise quarter turns applied to the image before recognition (update the ImageTransform with them). */
  quarterTurns: QuarterTurns;
  /** 0..1: the engine's confidence in the orientation it detected. */
  orientationConfidence: number;
}

/** An OCR engine that can also tell a page's orientation and re-read one region of it. */
export interface PageOcrEngine extends OcrEngine {
  readonly name: OcrEngineName;
  /**
   * Detects the orientation, turns the page upright if needed, and recognises it. Optional: engines that can
   * share work between the two steps implement it; otherwise the pool runs detectOrientation then recognize.
   */
  recognizePage?(image: Buffer, options?: PageOptions): Promise<PageRecognition>;
  detectOrientation(image: Buffer, options?: RecognizeOptions): Promise<OrientationResult>;
  /** Reads the text inside `box` (pixels of `image`) as one line. */
  recognizeRegion(image: Buffer, box: Box, options?: RegionOptions): Promise<OcrLine>;
}

export interface OcrEngineOptions {
  /**
   * Fewer threads and a smaller working resolution for small machines: lower memory and latency, a little
   * lower recall.
   */
  light?: boolean;
  /** Threads one engine instance may use (the pool runs one engine per worker). Default 1. */
  threads?: number;
  /** Writable folder for engine caches (tesseract's assembled language folder). Default os.tmpdir(). */
  cacheDir?: string;
}

export type OcrEngineFactory = (options?: OcrEngineOptions) => Promise<PageOcrEngine>;
