/** Binary and grey-level helpers over raw 8-bit rasters, shared by preprocessing and the quality gate. */

/** One 8-bit channel, row-major. */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Otsu's split of 8-bit grey levels: dark is at or below `threshold`; the mean of each class. */
export interface OtsuSplit {
  threshold: number;
  meanLow: number;
  meanHigh: number;
}

/**
 * Otsu's threshold: the grey level that best separates dark from bright pixels (the largest
 * between-class variance). Null when the pixels take fewer than two values: nothing to separate.
 */
export function otsu(data: Uint8Array): OtsuSplit | null {
  const hist = new Float64Array(256);
  for (const v of data) hist[v] = (hist[v] ?? 0) + 1;
  const total = data.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * (hist[i] ?? 0);
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let split: OtsuSplit | null = null;
  for (let t = 0; t < 256; t++) {
    wB += hist[t] ?? 0;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * (hist[t] ?? 0);
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      split = { threshold: t, meanLow: mB, meanHigh: mF };
    }
  }
  return split;
}

/** Binary max filter with a square window of side 2r+1 (separable). */
export function dilate(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  return morph(src, w, h, r, 1);
}

/** Binary min filter; outside the image counts as set so the frame edge does not erode. */
export function erode(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  return morph(src, w, h, r, 0);
}

function morph(src: Uint8Array, w: number, h: number, r: number, hit: 0 | 1): Uint8Array {
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  const miss = hit === 1 ? 0 : 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let count = 0;
    for (let x = 0; x < Math.min(r, w); x++) if (src[row + x] === hit) count++;
    for (let x = 0; x < w; x++) {
      const add = x + r;
      if (add < w && src[row + add] === hit) count++;
      const drop = x - r - 1;
      if (drop >= 0 && src[row + drop] === hit) count--;
      tmp[row + x] = count > 0 ? hit : miss;
    }
  }
  for (let x = 0; x < w; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(r, h); y++) if (tmp[y * w + x] === hit) count++;
    for (let y = 0; y < h; y++) {
      const add = y + r;
      if (add < h && tmp[add * w + x] === hit) count++;
      const drop = y - r - 1;
      if (drop >= 0 && tmp[drop * w + x] === hit) count--;
      out[y * w + x] = count > 0 ? hit : miss;
    }
  }
  return out;
}

/** Areas of the 4-connected components of set pixels. */
export function componentAreas(src: Uint8Array, w: number, h: number): number[] {
  const seen = new Uint8Array(w * h);
  const stack: number[] = [];
  const areas: number[] = [];
  for (let s = 0; s < w * h; s++) {
    if (!src[s] || seen[s]) continue;
    seen[s] = 1;
    stack.push(s);
    let area = 0;
    while (stack.length > 0) {
      const i = stack.pop() ?? 0;
      area++;
      const x = i % w;
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, i - w, i + w]) {
        if (j >= 0 && j < w * h && src[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    areas.push(area);
  }
  return areas;
}

/** 4-connected components of set pixels; returns the label of the largest. */
export function largestComponent(
  src: Uint8Array,
  w: number,
  h: number,
): { labels: Int32Array; largest: number; area: number; areas: number[] } {
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const areas: number[] = [0];
  let next = 1;
  let largest = 0;
  let largestArea = 0;
  for (let start = 0; start < w * h; start++) {
    if (!src[start] || labels[start]) continue;
    const label = next++;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let area = 0;
    while (top > 0) {
      const i = stack[--top] ?? 0;
      area++;
      const x = i % w;
      if (x > 0 && src[i - 1] && !labels[i - 1]) {
        labels[i - 1] = label;
        stack[top++] = i - 1;
      }
      if (x < w - 1 && src[i + 1] && !labels[i + 1]) {
        labels[i + 1] = label;
        stack[top++] = i + 1;
      }
      if (i >= w && src[i - w] && !labels[i - w]) {
        labels[i - w] = label;
        stack[top++] = i - w;
      }
      if (i + w < w * h && src[i + w] && !labels[i + w]) {
        labels[i + w] = label;
        stack[top++] = i + w;
      }
    }
    areas.push(area);
    if (area > largestArea) {
      largestArea = area;
      largest = label;
    }
  }
  return { labels, largest, area: largestArea, areas };
}

/** Sets every unset pixel not connected to the image border (holes inside the paper). */
export function fillHoles(mask: Uint8Array, w: number, h: number): void {
  const outside = new Uint8Array(w * h);
  const stack: number[] = [];
  const push = (i: number) => {
    if (!mask[i] && !outside[i]) {
      outside[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < w; x++) {
    push(x);
    push((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    push(y * w);
    push(y * w + w - 1);
  }
  while (stack.length > 0) {
    const i = stack.pop() ?? 0;
    const x = i % w;
    if (x > 0) push(i - 1);
    if (x < w - 1) push(i + 1);
    if (i >= w) push(i - w);
    if (i + w < w * h) push(i + w);
  }
  for (let i = 0; i < w * h; i++) if (!outside[i]) mask[i] = 1;
}
