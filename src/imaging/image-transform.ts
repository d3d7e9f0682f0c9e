import type { Box } from '../ocr/ocr.types.js';

/**
 * How the OCR image was made from the upload, so OCR boxes map back to the photo that
 * reviewers see. Coordinates of "the original" are those of the upload after its EXIF
 * orientation is applied (what any browser shows).
 *
 * Order of operations from the original: crop → deskew (rotate by deskewDegrees about the
 * crop's centre, canvas grown to fit) → quarter turns clockwise → resize by `scale`.
 */
export interface ImageTransform {
  /** Crop rectangle in original pixels. */
  crop: Box;
  /** Small-angle deskew applied, degrees clockwise. */
  deskewDegrees: number;
  /** Quarter turns applied clockwise after deskew (orientation fix). */
  quarterTurns: 0 | 1 | 2 | 3;
  /** ocrPixels = originalPixels × scale. */
  scale: number;
  /** Size of the OCR image. */
  width: number;
  height: number;
}

type Point = [x: number, y: number];

/**
 * Size of the deskewed canvas (before quarter turns and scaling), derived from the OCR image
 * size so that it matches whatever canvas the rotation actually produced.
 */
function deskewedCanvasSize(t: ImageTransform): [w: number, h: number] {
  const w = t.width / t.scale;
  const h = t.height / t.scale;
  return t.quarterTurns % 2 === 1 ? [h, w] : [w, h];
}

/** Maps a point on the OCR image back to the EXIF-upright original. */
export function toOriginalPoint(t: ImageTransform, [x, y]: Point): Point {
  // Undo scale.
  let px = x / t.scale;
  let py = y / t.scale;
  // Undo quarter turns: one clockwise turn maps (x, y) on a W×H canvas to (H − y, x) on H×W.
  let [cw, ch] = [t.width / t.scale, t.height / t.scale];
  for (let i = 0; i < t.quarterTurns; i++) {
    // Inverse of one clockwise turn: (x', y') on a canvas of (cw, ch) came from (y', cw − x').
    [px, py] = [py, cw - px];
    [cw, ch] = [ch, cw];
  }
  // Undo deskew: rotation by deskewDegrees clockwise about the centre, canvas grown to fit.
  const [dw, dh] = deskewedCanvasSize(t);
  const rad = (-t.deskewDegrees * Math.PI) / 180;
  const dx = px - dw / 2;
  const dy = py - dh / 2;
  const [cropX, cropY, cropW, cropH] = t.crop;
  const rx = dx * Math.cos(rad) - dy * Math.sin(rad) + cropW / 2;
  const ry = dx * Math.sin(rad) + dy * Math.cos(rad) + cropH / 2;
  return [rx + cropX, ry + cropY];
}

/**
 * Maps a box on the OCR image back to the EXIF-upright original: the axis-aligned bounding
 * box of the mapped corners (a deskewed box becomes slightly larger), rounded outwards.
 */
export function toOriginalBox(t: ImageTransform, [x, y, w, h]: Box): Box {
  const corners: Point[] = [
    [x, y],
    [x + w, y],
    [x, y + h],
    [x + w, y + h],
  ].map((p) => toOriginalPoint(t, p as Point));
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const x0 = Math.floor(Math.min(...xs) + 1e-6);
  const y0 = Math.floor(Math.min(...ys) + 1e-6);
  const x1 = Math.ceil(Math.max(...xs) - 1e-6);
  const y1 = Math.ceil(Math.max(...ys) - 1e-6);
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Maps a point from the EXIF-upright original onto the OCR image (the forward transform). */
export function toOcrPoint(t: ImageTransform, [x, y]: Point): Point {
  const [cropX, cropY, cropW, cropH] = t.crop;
  const [dw, dh] = deskewedCanvasSize(t);
  const rad = (t.deskewDegrees * Math.PI) / 180;
  const dx = x - cropX - cropW / 2;
  const dy = y - cropY - cropH / 2;
  let px = dx * Math.cos(rad) - dy * Math.sin(rad) + dw / 2;
  let py = dx * Math.sin(rad) + dy * Math.cos(rad) + dh / 2;
  let [cw, ch] = [dw, dh];
  for (let i = 0; i < t.quarterTurns; i++) {
    [px, py] = [ch - py, px];
    [cw, ch] = [ch, cw];
  }
  return [px * t.scale, py * t.scale];
}
