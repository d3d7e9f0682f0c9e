/**
 * Test image maker: document-like images with Chinese text, rendered with sharp's SVG
 * renderer (librsvg + fontconfig, Noto CJK installed), photographed onto a desk-like
 * background and then degraded the way phone photos are (blur, dim light, glare, cropping,
 * distance, JPEG). Used by the preprocessing, quality and pHash tests and by the threshold
 * measurements written down in quality.ts. Test support only: production code never imports it.
 */
import sharp, { type OverlayOptions } from 'sharp';

export interface DocumentSpec {
  /** Rendered width in pixels; height follows the aspect ratio. */
  width: number;
  /** height / width; certificates are landscape (≈0.7), score reports portrait (≈1.41). */
  aspect?: number;
  title?: string;
  /** Label/value rows; values may contain digits. */
  rows?: Array<[label: string, value: string]>;
  /** Draw a red seal (circle + text) over part of the text. */
  seal?: boolean;
  /** A thin decorative border inset from the paper edge. */
  border?: boolean;
  /** Paper colour; default a warm white as a phone exposes it indoors (luma ≈ 226). */
  paper?: string;
}

export const CET_ROWS: Array<[string, string]> = [
  ['姓名', '张伟'],
  ['学校', '北京师范大学'],
  ['院系', '外国语言文学学院'],
  ['准考证号', '110101202206001234'],
  ['身份证号', '110105200001015678'],
  ['考试时间', '2022年6月'],
  ['总分', '553'],
  ['听力', '186   阅读 201   写作和翻译 166'],
  ['成绩报告单编号', '221111011002345'],
];

export const DIPLOMA_ROWS: Array<[string, string]> = [
  ['学生', '李娜，性别女，一九九九年三月十二日生'],
  ['于', '二〇一七年九月至二〇二一年六月在本校'],
  ['专业', '计算机科学与技术 四年制本科学习'],
  ['修完', '教学计划规定的全部课程，成绩合格'],
  ['准予毕业', '证书编号 104861202105003456'],
  ['校长', '王建国'],
  ['日期', '二〇二一年六月三十日'],
];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders a flat, upright document (no background) as a PNG. */
export async function renderDocument(spec: DocumentSpec): Promise<Buffer> {
  const w = Math.round(spec.width);
  const h = Math.round(w * (spec.aspect ?? 1.41));
  const title = spec.title ?? '全国大学英语四、六级考试成绩报告单';
  const rows = spec.rows ?? CET_ROWS;
  const unit = w / 100;
  const titleSize = unit * 4.2;
  const bodySize = unit * 2.6;
  const margin = unit * 8;
  const top = h * 0.12;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${w}" height="${h}" fill="${spec.paper ?? '#e9e3d5'}"/>`);
  if (spec.border ?? true) {
    const inset = unit * 3;
    parts.push(
      `<rect x="${inset}" y="${inset}" width="${w - 2 * inset}" height="${h - 2 * inset}" fill="none" stroke="#6d5a3a" stroke-width="${unit * 0.5}"/>`,
    );
  }
  parts.push(
    `<text x="${w / 2}" y="${top}" font-family="Noto Serif CJK SC" font-weight="bold" font-size="${titleSize}" text-anchor="middle" fill="#1a1a1a">${escapeXml(title)}</text>`,
  );
  const rowGap = Math.min(bodySize * 2.3, (h - top - margin * 1.5) / (rows.length + 1));
  rows.forEach(([label, value], i) => {
    const y = top + rowGap * (i + 1.6);
    parts.push(
      `<text x="${margin}" y="${y}" font-family="Noto Sans CJK SC" font-size="${bodySize}" fill="#222">${escapeXml(label)}：</text>`,
      `<text x="${margin + bodySize * 7.5}" y="${y}" font-family="Noto Sans CJK SC" font-size="${bodySize}" fill="#111">${escapeXml(value)}</text>`,
      `<line x1="${margin}" y1="${y + bodySize * 0.55}" x2="${w - margin}" y2="${y + bodySize * 0.55}" stroke="#999" stroke-width="${Math.max(1, unit * 0.12)}"/>`,
    );
  });
  if (spec.seal ?? true) {
    const cx = w * 0.7;
    const cy = top + rowGap * 3;
    const r = unit * 11;
    parts.push(
      `<g opacity="0.85"><circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#d42020" stroke-width="${unit * 0.9}"/>`,
      `<text x="${cx}" y="${cy + bodySize * 0.4}" font-family="Noto Sans CJK SC" font-size="${bodySize * 1.1}" text-anchor="middle" fill="#d42020">教育部考试中心</text>`,
      `<text x="${cx}" y="${cy - r * 0.45}" font-family="Noto Sans CJK SC" font-size="${bodySize * 1.6}" text-anchor="middle" fill="#d42020">★</text></g>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 1 }).toBuffer();
}

/** Deterministic pseudo-random numbers (mulberry32) so generated images are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const desks = new Map<string, Promise<Buffer>>();

/** A wood-like desk: brown with grain stripes and noise (raw RGB rendered to PNG); memoised. */
export function renderDesk(width: number, height: number, seed = 1): Promise<Buffer> {
  const key = `${width}x${height}:${seed}`;
  let desk = desks.get(key);
  if (!desk) {
    desk = drawDesk(width, height, seed);
    desks.set(key, desk);
  }
  return desk;
}

async function drawDesk(width: number, height: number, seed: number): Promise<Buffer> {
  const rand = seededRandom(seed);
  const data = Buffer.alloc(width * height * 3);
  const phase = rand() * 10;
  const grainCol = Array.from({ length: width }, (_, x) => Math.sin(x / 140) * 8);
  for (let y = 0; y < height; y++) {
    const grainRow = Math.sin(y / 9 + phase) * 10 + Math.sin(y / 37 + phase * 2) * 14;
    for (let x = 0; x < width; x++) {
      const n = (rand() - 0.5) * 16 + grainRow + (grainCol[x] ?? 0);
      const i = (y * width + x) * 3;
      data[i] = clampByte(120 + n);
      data[i + 1] = clampByte(82 + n * 0.8);
      data[i + 2] = clampByte(52 + n * 0.6);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

export interface PhotoSpec {
  /** Default 1200 × 1600 (a portrait phone photo, scaled down to keep tests fast). */
  frameWidth?: number;
  frameHeight?: number;
  /** Document width as a fraction of the frame width. */
  docWidthFraction?: number;
  /** Document centre as fractions of the frame (0.5, 0.5 = centred). */
  centerX?: number;
  centerY?: number;
  /** Rotation of the paper on the desk, degrees clockwise. */
  rotateDeg?: number;
  /** Gaussian blur applied to the whole photo (camera shake / focus), in frame pixels. */
  blurSigma?: number;
  /** Multiplies all pixel values (dim light < 1, over-exposure > 1). */
  brightness?: number;
  /** Added to every pixel after `brightness` (lens flare / haze washes the ink out). */
  flare?: number;
  /** Gaussian sensor noise, standard deviation in 8-bit levels, added last before encoding. */
  noise?: number;
  /** Specular highlights: centre and radius as fractions of the frame width. */
  glare?: Array<{ x: number; y: number; r: number }>;
  /** Output JPEG quality (default 90); set png to true for lossless output. */
  jpegQuality?: number;
  png?: boolean;
  seed?: number;
}

export interface Photo {
  image: Buffer;
  /** Where the (unrotated) document's axis-aligned bounding box lies in the frame. */
  docBox: [number, number, number, number];
  frameWidth: number;
  frameHeight: number;
}

/** Places a rendered document on a desk and degrades it like a phone photo. */
export async function photographDocument(doc: Buffer, spec: PhotoSpec = {}): Promise<Photo> {
  const fw = spec.frameWidth ?? 1200;
  const fh = spec.frameHeight ?? 1600;
  const meta = await sharp(doc).metadata();
  const targetW = Math.round(fw * (spec.docWidthFraction ?? 0.7));
  let placed = sharp(doc).resize({ width: targetW }).ensureAlpha();
  if (spec.rotateDeg) {
    placed = sharp(await placed.png().toBuffer()).rotate(spec.rotateDeg, {
      background: { r: 0, g: 0, b: 0, alpha: 0 },
    });
  }
  const placedBuf = await placed.png({ compressionLevel: 1 }).toBuffer();
  const pm = await sharp(placedBuf).metadata();
  const left = Math.round(fw * (spec.centerX ?? 0.5) - pm.width / 2);
  const top = Math.round(fh * (spec.centerY ?? 0.5) - pm.height / 2);
  // The paper may hang over the frame edge: composite only the part of it inside the frame.
  const vx0 = Math.max(0, left);
  const vy0 = Math.max(0, top);
  const vx1 = Math.min(fw, left + pm.width);
  const vy1 = Math.min(fh, top + pm.height);
  const desk = await renderDesk(fw, fh, spec.seed ?? 1);
  const composites: OverlayOptions[] = [];
  if (vx1 > vx0 && vy1 > vy0) {
    const visible = await sharp(placedBuf)
      .extract({ left: vx0 - left, top: vy0 - top, width: vx1 - vx0, height: vy1 - vy0 })
      .png({ compressionLevel: 1 })
      .toBuffer();
    composites.push({ input: visible, left: vx0, top: vy0 });
  }
  let img = sharp(await sharp(desk).composite(composites).png({ compressionLevel: 1 }).toBuffer());
  const overlays: OverlayOptions[] = [];
  for (const g of spec.glare ?? []) {
    const r = g.r * fw;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${fw}" height="${fh}"><defs><radialGradient id="g"><stop offset="0%" stop-color="#fff" stop-opacity="1"/><stop offset="55%" stop-color="#fff" stop-opacity="1"/><stop offset="100%" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><circle cx="${g.x * fw}" cy="${g.y * fh}" r="${r}" fill="url(#g)"/></svg>`;
    overlays.push({ input: Buffer.from(svg) });
  }
  if (overlays.length > 0) img = sharp(await img.composite(overlays).png({ compressionLevel: 1 }).toBuffer());
  if (spec.blurSigma && spec.blurSigma >= 0.3) {
    img = sharp(await img.blur(spec.blurSigma).png({ compressionLevel: 1 }).toBuffer());
  }
  if ((spec.brightness ?? 1) !== 1 || spec.flare) {
    img = sharp(
      await img
        .linear(spec.brightness ?? 1, spec.flare ?? 0)
        .png({ compressionLevel: 1 })
        .toBuffer(),
    );
  }
  if (spec.noise) {
    const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const rand = seededRandom((spec.seed ?? 1) + 99);
    for (let i = 0; i < data.length; i++) {
      // Box–Muller would be exact; the sum of three uniforms is close enough for sensor noise.
      const g = (rand() + rand() + rand() - 1.5) * 2;
      data[i] = clampByte((data[i] ?? 0) + g * spec.noise);
    }
    img = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  }
  const image = spec.png
    ? await img.png({ compressionLevel: 1 }).toBuffer()
    : await img.jpeg({ quality: spec.jpegQuality ?? 90 }).toBuffer();
  const docH = Math.round((targetW * (meta.height ?? 1)) / (meta.width ?? 1));
  const cx = fw * (spec.centerX ?? 0.5);
  const cy = fh * (spec.centerY ?? 0.5);
  return {
    image,
    docBox: [Math.round(cx - targetW / 2), Math.round(cy - docH / 2), targetW, docH],
    frameWidth: fw,
    frameHeight: fh,
  };
}

/**
 * Stores an upright JPEG so that a viewer applying EXIF orientation `orientation` shows the
 * original upright picture: the pixels get the inverse of the orientation's transform and
 * the tag is written.
 */
export async function withExifOrientation(upright: Buffer, orientation: number): Promise<Buffer> {
  let s = sharp(upright);
  switch (orientation) {
    case 1:
      break;
    case 2:
      s = s.flop();
      break;
    case 3:
      s = s.rotate(180);
      break;
    case 4:
      s = s.flip();
      break;
    case 5: // transpose is its own inverse
      s = sharp(await s.rotate(90).png().toBuffer()).flop();
      break;
    case 6: // displayed = rotate 90° clockwise(stored)
      s = s.rotate(270);
      break;
    case 7: // transverse is its own inverse
      s = sharp(await s.rotate(90).png().toBuffer()).flip();
      break;
    case 8:
      s = s.rotate(90);
      break;
    default:
      throw new RangeError(`EXIF orientation must be 1..8, got ${orientation}`);
  }
  return s.jpeg({ quality: 92 }).withMetadata({ orientation }).toBuffer();
}
