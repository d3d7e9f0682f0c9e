import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { Box } from '../../ocr.types.js';
import type { Raster } from './ppocr.raster.js';

/** DB text detection: where the text lines of a page are (PP-OCRv4's detection model). */

const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;
const DET_THRESHOLD = 0.3;
const DET_BOX_THRESHOLD = 0.6;
const DET_UNCLIP_RATIO = 1.5;

export interface DetectedBox {
  box: Box;
  score: number;
}

/** DB text detection on the page scaled so its longest side is `maxSide`; boxes in page pixels. */
export async function detectTextBoxes(
  detection: (input: ort.Tensor) => Promise<ort.Tensor>,
  raster: Raster,
  maxSide: number,
): Promise<DetectedBox[]> {
  const scale = Math.min(1, maxSide / Math.max(raster.width, raster.height));
  const dw = Math.max(32, Math.round((raster.width * scale) / 32) * 32);
  const dh = Math.max(32, Math.round((raster.height * scale) / 32) * 32);
  const { data: resized, info } = await sharp(raster.data, {
    raw: { width: raster.width, height: raster.height, channels: raster.channels },
  })
    .resize(dw, dh, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // sharp may widen a one-channel raw input to three channels on output: read with its stride.
  const stride = info.channels;
  const plane = dw * dh;
  const input = new Float32Array(3 * plane);
  // PaddleOCR normalises the BGR image with ImageNet statistics in channel order.
  for (let c = 0; c < 3; c++) {
    const mean = DET_MEAN[c] ?? 0;
    const std = DET_STD[c] ?? 1;
    const source = stride === 1 ? 0 : 2 - c;
    const offset = c * plane;
    for (let i = 0; i < plane; i++) {
      input[offset + i] = ((resized[i * stride + source] ?? 0) / 255 - mean) / std;
    }
  }
  const output = await detection(new ort.Tensor('float32', input, [1, 3, dh, dw]));
  const prob = output.data as Float32Array;
  return findTextBoxes(prob, dw, dh).map(({ box: [x, y, w, h], score }) => {
    const sx = raster.width / dw;
    const sy = raster.height / dh;
    const x0 = Math.max(0, Math.floor(x * sx));
    const y0 = Math.max(0, Math.floor(y * sy));
    const x1 = Math.min(raster.width, Math.ceil((x + w) * sx));
    const y1 = Math.min(raster.height, Math.ceil((y + h) * sy));
    return { box: [x0, y0, x1 - x0, y1 - y0] as Box, score };
  });
}

/**
 * Connected components of the thresholded probability map, each as its bounding box grown by PaddleOCR's
 * unclip distance (area × ratio / perimeter). Boxes are axis-aligned: preprocessing has deskewed the page.
 */
export function findTextBoxes(prob: Float32Array, width: number, height: number) {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: { box: Box; score: number }[] = [];
  let label = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== 0 || (prob[start] ?? 0) <= DET_THRESHOLD) continue;
    label++;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let minX = width;
    let minY = height;
    let maxX = 0;
    let maxY = 0;
    let sum = 0;
    let count = 0;
    while (top > 0) {
      const p = stack[--top] ?? 0;
      const x = p % width;
      const y = (p - x) / width;
      sum += prob[p] ?? 0;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const push = (q: number) => {
        if (labels[q] === 0 && (prob[q] ?? 0) > DET_THRESHOLD) {
          labels[q] = label;
          stack[top++] = q;
        }
      };
      if (x > 0) push(p - 1);
      if (x < width - 1) push(p + 1);
      if (y > 0) push(p - width);
      if (y < height - 1) push(p + width);
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (Math.min(w, h) < 3 || sum / count < DET_BOX_THRESHOLD) continue;
    const d = (w * h * DET_UNCLIP_RATIO) / (2 * (w + h));
    const x0 = Math.max(0, minX - d);
    const y0 = Math.max(0, minY - d);
    const x1 = Math.min(width, maxX + 1 + d);
    const y1 = Math.min(height, maxY + 1 + d);
    if (Math.min(x1 - x0, y1 - y0) < 5) continue;
    boxes.push({ box: [x0, y0, x1 - x0, y1 - y0], score: sum / count });
  }
  return boxes;
}
