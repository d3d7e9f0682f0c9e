/**
 * Every test image, from one SVG renderer (sharp's: librsvg + fontconfig, Noto CJK installed):
 * - small upload images for the API tests (a line of text, a blank JPEG, broken and stamped PNGs);
 * - the CET score report the OCR engines and pool are tested on (src/ocr);
 * - document-like images photographed onto a desk and degraded the way phone photos are (blur,
 *   dim light, glare, cropping, distance, JPEG), for the preprocessing, quality and pHash tests and
 *   the threshold measurements written down in src/imaging/quality.ts.
 * Deterministic: the same call gives the same bytes. Test support only: production code never imports it.
 */
import sharp, { type OverlayOptions, type PngOptions } from 'sharp';

const SANS = 'Noto Sans CJK SC';

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface SvgText {
  x: number;
  y: number;
  size: number;
  font: string;
  fill: string;
  weight?: string;
  anchor?: 'start' | 'middle';
}

/** One line of text, escaped. */
function svgText(text: string, t: SvgText): string {
  const weight = t.weight ? ` font-weight="${t.weight}"` : '';
  const anchor = t.anchor ? ` text-anchor="${t.anchor}"` : '';
  return `<text x="${t.x}" y="${t.y}" font-family="${t.font}"${weight} font-size="${t.size}"${anchor} fill="${t.fill}">${escapeXml(text)}</text>`;
}

function svgImage(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`;
}

function renderSvg(svg: string, png?: PngOptions): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png(png).toBuffer();
}

// Upload images for the API tests.

/** A small real PNG with some printed text: decodable, but not a supported document. */
export async function makeTextPng(
  text = 'Receipt 2024-06-01 Total 38.00',
  width = 800,
  height = 500,
): Promise<Buffer> {
  const body = `<rect width="100%" height="100%" fill="white"/>${svgText(text, { x: 40, y: 120, size: 40, font: 'Noto Sans CJK SC, sans-serif', fill: 'black' })}`;
  return renderSvg(svgImage(width, height, body));
}

export async function makeJpeg(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 240, g: 240, b: 235 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A PNG whose header claims a size, followed by nothing decodable. */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8; // bit depth
  ihdr[17] = 2; // truecolour
  // CRC over type + data
  ihdr.writeUInt32BE(crc32(ihdr.subarray(4, 21)), 21);
  return Buffer.concat([
    signature,
    ihdr,
    chunk('IDAT', Buffer.from('789c030000000001', 'hex')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The same PNG with a `tEXt` chunk before IEND: identical pixels, different bytes (and sha256), so
 * each upload is its own blob without rendering a new image.
 */
export function stampPng(png: Buffer, text: string): Buffer {
  const iend = png.length - 12;
  if (png.subarray(iend + 4, iend + 8).toString('ascii') !== 'IEND')
    throw new Error('not a PNG ending in IEND');
  return Buffer.concat([
    png.subarray(0, iend),
    chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')),
    png.subarray(iend),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// The OCR engines' test page.

/** Field values printed on the synthetic score report (what a good engine must find). */
export const SAMPLE_REPORT = {
  title: '全国大学英语四级考试成绩报告单',
  name: '张伟',
  idNumber: '110105199003071234',
  ticket: '420151182100123',
  score: '562',
  school: '武汉大学',
} as const;

interface RenderOptions {
  width?: number;
  height?: number;
  /** Background shade behind the page (a desk), for photo-like renders. */
  background?: string;
}

/**
 * Renders a CET-4 score report as a PNG with the Noto CJK fonts. Deterministic, so tests and the
 * benchmark can recognise the same page.
 */
export async function renderScoreReport(options: RenderOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1600;
  const height = options.height ?? 1100;
  const u = width / 1600;
  const r = SAMPLE_REPORT;
  const rows: Array<[string, number, number, number, 'middle'?]> = [
    [r.title, 800, 130, 56, 'middle'],
    [`姓名：${r.name}`, 160, 290, 40],
    [`学校：${r.school}`, 860, 290, 40],
    [`身份证号：${r.idNumber}`, 160, 380, 40],
    [`准考证号：${r.ticket}`, 160, 470, 40],
    ['考试时间：2015年6月', 860, 470, 40],
    ['总分', 160, 600, 40],
    [r.score, 160, 680, 64],
    ['听力 189', 520, 600, 40],
    ['阅读 201', 820, 600, 40],
    ['写作和翻译 172', 1120, 600, 40],
    ['成绩报告单编号：151142100001234', 160, 860, 34],
    ['教育部教育考试院', 1100, 960, 40],
  ];
  const texts = rows
    .map(([text, x, y, size, anchor]) =>
      svgText(text, {
        x: x * u,
        y: y * u,
        size: size * u,
        anchor: anchor ?? 'start',
        font: SANS,
        fill: '#1a1a1a',
      }),
    )
    .join('');
  const body = `<rect width="100%" height="100%" fill="${options.background ?? '#ffffff'}"/><rect x="${40 * u}" y="${40 * u}" width="${width - 80 * u}" height="${height - 80 * u}" fill="#fbfbf7" stroke="#3a5f8a" stroke-width="${4 * u}"/>${texts}`;
  return renderSvg(svgImage(width, height, body));
}

/** The same page rotated clockwise by `quarterTurns` × 90°. */
export async function rotateImage(image: Buffer, quarterTurns: 1 | 2 | 3): Promise<Buffer> {
  return sharp(image)
    .rotate(quarterTurns * 90)
    .png()
    .toBuffer();
}

// Documents and phone photos of them.

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
    svgText(title, {
      x: w / 2,
      y: top,
      size: titleSize,
      font: 'Noto Serif CJK SC',
      weight: 'bold',
      anchor: 'middle',
      fill: '#1a1a1a',
    }),
  );
  const rowGap = Math.min(bodySize * 2.3, (h - top - margin * 1.5) / (rows.length + 1));
  rows.forEach(([label, value], i) => {
    const y = top + rowGap * (i + 1.6);
    parts.push(
      svgText(`${label}：`, { x: margin, y, size: bodySize, font: SANS, fill: '#222' }),
      svgText(value, { x: margin + bodySize * 7.5, y, size: bodySize, font: SANS, fill: '#111' }),
      `<line x1="${margin}" y1="${y + bodySize * 0.55}" x2="${w - margin}" y2="${y + bodySize * 0.55}" stroke="#999" stroke-width="${Math.max(1, unit * 0.12)}"/>`,
    );
  });
  if (spec.seal ?? true) {
    const cx = w * 0.7;
    const cy = top + rowGap * 3;
    const r = unit * 11;
    const seal = { x: cx, font: SANS, anchor: 'middle', fill: '#d42020' } as const;
    parts.push(
      `<g opacity="0.85"><circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#d42020" stroke-width="${unit * 0.9}"/>`,
      svgText('教育部考试中心', { ...seal, y: cy + bodySize * 0.4, size: bodySize * 1.1 }),
      svgText('★', { ...seal, y: cy - r * 0.45, size: bodySize * 1.6 }),
      '</g>',
    );
  }
  return renderSvg(svgImage(w, h, parts.join('')), { compressionLevel: 1 });
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
    const svg = svgImage(
      fw,
      fh,
      `<defs><radialGradient id="g"><stop offset="0%" stop-color="#fff" stop-opacity="1"/><stop offset="55%" stop-color="#fff" stop-opacity="1"/><stop offset="100%" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><circle cx="${g.x * fw}" cy="${g.y * fh}" r="${r}" fill="url(#g)"/>`,
    );
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
