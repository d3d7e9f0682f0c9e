import * as ort from 'onnxruntime-node';
import type { Box, OcrCharAlternatives, OcrLine, OcrWord, QuarterTurns } from '../../ocr.types.js';
import type { Raster } from './ppocr.raster.js';

/** CRNN/SVTR line recognition: the text of each detected line (PP-OCRv4's recognition model). */

const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 64;
const REC_MAX_WIDTH = 2400;
const REC_BATCH_WIDTH_SPREAD = 1.25;
/**
 * A character read with a lower probability than this keeps the recogniser's runners-up, so that
 * name and ID binding can tell a misreading from another person (src/documents/applicant.ts). Clean
 * print reads at 0.99 and above; only doubtful characters pay for the extra scan of the classes.
 */
const SURE_CHARACTER = 0.98;
const MAX_CANDIDATES = 3;
/** Runners-up below this probability are noise, not readings. */
const MIN_CANDIDATE = 0.01;

export interface RecognisedLine {
  text: string;
  confidence: number;
  /** Character centres along the line's reading direction, in crop pixels, with the characters. */
  chars: { char: string; x: number }[];
  /** The doubtful characters (index into `chars`) and their runners-up; absent when none. */
  alternatives?: OcrCharAlternatives[];
}

export interface LineCrop {
  box: Box;
  /** Clockwise quarter turns applied to the crop before reading it. */
  quarterTurns: QuarterTurns;
}

/** What reading lines takes: the recognition model, its dictionary (index 0 = CTC blank), a batch size. */
export interface LineReader {
  recognition: (input: ort.Tensor) => Promise<ort.Tensor>;
  dictionary: readonly string[];
  /** Line crops recognised per model run. */
  batchSize: number;
}

/** CRNN/SVTR recognition of line crops, batched by similar aspect ratio. */
export async function recognizeCrops(
  reader: LineReader,
  raster: Raster,
  crops: readonly LineCrop[],
  allowed?: Set<number>,
): Promise<RecognisedLine[]> {
  const results: RecognisedLine[] = new Array(crops.length);
  const widths = crops.map(({ box: [, , w, h], quarterTurns }) => {
    const [cw, ch] = quarterTurns % 2 === 0 ? [w, h] : [h, w];
    return Math.min(REC_MAX_WIDTH, Math.max(8, Math.round((REC_HEIGHT * cw) / Math.max(1, ch))));
  });
  const order = crops.map((_, i) => i).sort((a, b) => (widths[a] ?? 0) - (widths[b] ?? 0));
  for (const batch of batchBySimilarWidth(order, widths, reader.batchSize)) {
    const batchWidth = Math.max(REC_MIN_WIDTH, ...batch.map((i) => widths[i] ?? 0));
    const plane = REC_HEIGHT * batchWidth;
    const input = new Float32Array(batch.length * 3 * plane);
    batch.forEach((cropIndex, n) => {
      const crop = crops[cropIndex];
      if (crop) sampleCrop(raster, crop, widths[cropIndex] ?? 8, batchWidth, input, n * 3 * plane);
    });
    const output = await reader.recognition(
      new ort.Tensor('float32', input, [batch.length, 3, REC_HEIGHT, batchWidth]),
    );
    const [, steps = 0, classes = 0] = output.dims;
    const probs = output.data as Float32Array;
    batch.forEach((cropIndex, n) => {
      const width = widths[cropIndex] ?? 8;
      const crop = crops[cropIndex];
      const cropLength = crop ? (crop.quarterTurns % 2 === 0 ? crop.box[2] : crop.box[3]) : 0;
      const pxPerStep = batchWidth / Math.max(1, steps);
      const decoded = ctcDecode(probs, n * steps * classes, steps, classes, reader.dictionary, allowed);
      results[cropIndex] = {
        text: decoded.text,
        confidence: decoded.confidence,
        chars: decoded.chars.map(({ char, step }) => ({
          char,
          x: Math.min(cropLength, ((step + 0.5) * pxPerStep * cropLength) / width),
        })),
        ...(decoded.alternatives.length > 0 ? { alternatives: decoded.alternatives } : {}),
      };
    });
  }
  return results;
}

/** A recognised line as an OcrLine at `box`, with its words. */
export function toLine(box: Box, rec: RecognisedLine): OcrLine {
  const text = rec.text.trim();
  const line: OcrLine = { text, box, confidence: rec.confidence, words: splitWords(box, rec) };
  if (rec.alternatives) {
    // `text` is trimmed: count positions from its first character.
    const leading = rec.chars.findIndex((c) => c.char.trim() !== '');
    const length = [...text].length;
    const alternatives = rec.alternatives
      .map((a) => ({ ...a, index: a.index - leading }))
      .filter((a) => a.index >= 0 && a.index < length);
    if (alternatives.length > 0) line.alternatives = alternatives;
  }
  return line;
}

/** The dictionary indices a whitelist allows, with the CTC blank (0). */
export function allowedIndices(dictionary: readonly string[], whitelist: string): Set<number> {
  const chars = new Set(whitelist);
  const allowed = new Set<number>([0]);
  dictionary.forEach((c, i) => {
    if (i > 0 && chars.has(c)) allowed.add(i);
  });
  return allowed;
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
  const alternatives: OcrCharAlternatives[] = [];
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
      if (bestP < SURE_CHARACTER) {
        const candidates = runnersUp(probs, base, classes, best, dictionary, allowedList);
        if (candidates.length > 0) alternatives.push({ index: chars.length, confidence: bestP, candidates });
      }
      chars.push({ char: dictionary[best] ?? '', step: t });
      sum += bestP;
    }
    previous = best;
  }
  const confidence = chars.length === 0 ? 0 : Math.min(1, Math.max(0, sum / chars.length));
  return { text: chars.map((c) => c.char).join(''), confidence, chars, alternatives };
}

/** The most probable characters at one step other than `best` and the blank, most probable first. */
function runnersUp(
  probs: Float32Array,
  base: number,
  classes: number,
  best: number,
  dictionary: readonly string[],
  allowedList: readonly number[] | undefined,
): { char: string; confidence: number }[] {
  const top: { c: number; p: number }[] = [];
  const consider = (c: number) => {
    if (c === 0 || c === best) return;
    const p = probs[base + c] ?? 0;
    if (p < MIN_CANDIDATE) return;
    if (top.length === MAX_CANDIDATES && p <= (top[MAX_CANDIDATES - 1] as { p: number }).p) return;
    top.push({ c, p });
    top.sort((a, b) => b.p - a.p);
    if (top.length > MAX_CANDIDATES) top.pop();
  };
  if (allowedList) for (const c of allowedList) consider(c);
  else for (let c = 1; c < classes; c++) consider(c);
  return top
    .map(({ c, p }) => ({ char: dictionary[c] ?? '', confidence: p }))
    .filter((candidate) => candidate.char.trim() !== '');
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
