import type { FoundDocument } from './paper.js';
import { erode, type GrayImage } from './raster.js';

/** Skews are searched within ±this many degrees. */
const MAX_DESKEW_DEGREES = 10;

/**
 * Skew of the text, degrees clockwise, from the variance of the horizontal projection profile
 * of ink pixels inside the paper: text lines give the sharpest profile when projected along
 * their own direction. Searches ±10° at 1°, then refines at 0.1°.
 */
export function estimateSkewDegrees(frame: GrayImage, doc: FoundDocument): number {
  return analyseTextLines(frame, doc).skewDegrees;
}

export interface TextLines {
  /** Skew of the text lines, degrees clockwise. */
  skewDegrees: number;
  /** Median height of text lines on the analysis frame (px), or null when there is no text. */
  lineHeight: number | null;
}

/**
 * Text-line analysis of the paper: skew (see estimateSkewDegrees) and the typical line height,
 * read from the runs of the projection profile at the best angle.
 */
export function analyseTextLines(frame: GrayImage, doc: FoundDocument): TextLines {
  const { data, width: w } = frame;
  const [bx, by, bw, bh] = doc.box;
  const inner = erode(doc.mask, frame.width, frame.height, 3);
  // Ink: clearly darker than the paper around it.
  const values: number[] = [];
  for (let y = by; y < by + bh; y += 2)
    for (let x = bx; x < bx + bw; x += 2) if (inner[y * w + x]) values.push(data[y * w + x] ?? 0);
  if (values.length < 100) return { skewDegrees: 0, lineHeight: null };
  values.sort((a, b) => a - b);
  const paper = values[Math.floor(values.length * 0.6)] ?? 255;
  const inkBelow = paper * 0.7;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = by; y < by + bh; y++) {
    for (let x = bx; x < bx + bw; x++) {
      const i = y * w + x;
      if (inner[i] && (data[i] ?? 255) < inkBelow) {
        xs.push(x - bx - bw / 2);
        ys.push(y - by - bh / 2);
      }
    }
  }
  if (xs.length < 50) return { skewDegrees: 0, lineHeight: null };
  const step = Math.max(1, Math.floor(xs.length / 40_000));
  const diag = Math.ceil(Math.hypot(bw, bh)) + 2;
  const bins = new Float64Array(2 * diag + 1);
  const score = (deg: number): number => {
    const rad = (deg * Math.PI) / 180;
    const s = Math.sin(rad);
    const c = Math.cos(rad);
    bins.fill(0);
    for (let i = 0; i < xs.length; i += step) {
      const yr = (ys[i] ?? 0) * c - (xs[i] ?? 0) * s;
      const b = Math.round(yr) + diag;
      bins[b] = (bins[b] ?? 0) + 1;
    }
    let sum = 0;
    for (const v of bins) sum += v * v;
    return sum;
  };
  let best = 0;
  let bestScore = score(0);
  for (let d = -MAX_DESKEW_DEGREES; d <= MAX_DESKEW_DEGREES; d += 1) {
    const sc = score(d);
    if (sc > bestScore) {
      bestScore = sc;
      best = d;
    }
  }
  const coarse = best;
  for (let d = coarse - 1; d <= coarse + 1 + 1e-9; d += 0.1) {
    const sc = score(d);
    if (sc > bestScore) {
      bestScore = sc;
      best = Math.round(d * 10) / 10;
    }
  }
  score(best);
  return { skewDegrees: best, lineHeight: medianRun(bins) };
}

/** Median length of runs of profile bins holding ≥ 15 % of the fullest bin (runs < 3 px are rules). */
function medianRun(bins: Float64Array): number | null {
  let max = 0;
  for (const v of bins) if (v > max) max = v;
  const runs: number[] = [];
  let run = 0;
  for (const v of bins) {
    if (v >= 0.15 * max) run++;
    else {
      if (run >= 3) runs.push(run);
      run = 0;
    }
  }
  if (run >= 3) runs.push(run);
  if (runs.length === 0) return null;
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)] ?? null;
}
