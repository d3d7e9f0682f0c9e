import type { Box } from '../ocr/ocr.types.js';
import { type ImageTransform, toOcrPoint } from './image-transform.js';
import { dilate, erode, fillHoles, type GrayImage, largestComponent, otsu } from './raster.js';

/** Where a frame of a single grey level (no Otsu split) is cut: at mid-grey, so a blank bright frame is all paper. */
const NO_SPLIT = { threshold: 127, meanLow: 0, meanHigh: 255 };

export interface FoundDocument {
  /** Document bounding box on the analysis frame. */
  box: Box;
  /** false when no distinct paper region was found and the whole frame is used. */
  found: boolean;
  /** Analysis-frame mask: 1 inside the paper (text holes closed), else 0. */
  mask: Uint8Array;
  /** Which frame edges the paper touches. */
  touches: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

/**
 * Finds the bright paper rectangle: Otsu threshold on luminance, a morphological closing so
 * that text and ruled lines do not cut the paper apart, then the largest connected bright
 * region. Falls back to the whole frame when there is no distinct bright region.
 */
export function findDocument(frame: GrayImage): FoundDocument {
  const { data, width: w, height: h } = frame;
  const n = w * h;
  const whole = (): FoundDocument => ({
    box: [0, 0, w, h],
    found: false,
    mask: new Uint8Array(n).fill(1),
    touches: { left: true, top: true, right: true, bottom: true },
  });
  const { threshold, meanLow, meanHigh } = otsu(data) ?? NO_SPLIT;
  if (meanHigh - meanLow < 24) return whole();
  const bright = new Uint8Array(n);
  for (let i = 0; i < n; i++) bright[i] = (data[i] ?? 0) > threshold ? 1 : 0;
  const radius = Math.max(2, Math.round(Math.max(w, h) / 300));
  // Opening removes speckles of bright desk texture; closing fills text and ruled lines.
  const opened = dilate(erode(bright, w, h, 1), w, h, 1);
  const closed = erode(dilate(opened, w, h, radius), w, h, radius);
  const { labels, largest, area } = largestComponent(closed, w, h);
  if (largest === 0 || area < 0.005 * n) return whole();
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  const mask = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (labels[i] !== largest) continue;
      mask[i] = 1;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  fillHoles(mask, w, h);
  const edge = 1;
  return {
    box: [x0, y0, x1 - x0 + 1, y1 - y0 + 1],
    found: true,
    mask,
    touches: { left: x0 <= edge, top: y0 <= edge, right: x1 >= w - 1 - edge, bottom: y1 >= h - 1 - edge },
  };
}

/**
 * Where the paper lies on the OCR image. The paper found on the analysis frame is a rectangle
 * rotated by the skew; its axis-aligned box (Bw, Bh) gives its own size: W = (Bw·cos − Bh·sin) /
 * cos 2θ, H = (Bh·cos − Bw·sin) / cos 2θ. Deskew makes it upright about the same centre.
 */
export function paperOnOcrImage(found: FoundDocument, analysisScale: number, t: ImageTransform): Box {
  if (!found.found) return [0, 0, t.width, t.height];
  const [bx, by, bw, bh] = found.box;
  const Bw = bw / analysisScale;
  const Bh = bh / analysisScale;
  const theta = (Math.abs(t.deskewDegrees) * Math.PI) / 180;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const c2 = Math.cos(2 * theta);
  const w = Math.max(1, (Bw * c - Bh * s) / c2) * t.scale;
  const h = Math.max(1, (Bh * c - Bw * s) / c2) * t.scale;
  const [cx, cy] = toOcrPoint(t, [(bx + bw / 2) / analysisScale, (by + bh / 2) / analysisScale]);
  const x0 = Math.max(0, Math.round(cx - w / 2));
  const y0 = Math.max(0, Math.round(cy - h / 2));
  const x1 = Math.min(t.width, Math.round(cx + w / 2));
  const y1 = Math.min(t.height, Math.round(cy + h / 2));
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
}
