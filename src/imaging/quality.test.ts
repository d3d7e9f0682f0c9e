import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DIPLOMA_ROWS,
  type PhotoSpec,
  photographDocument,
  renderDocument,
} from '../../test/support/images.js';
import { preprocessImage } from './preprocess.js';
import { judgeQuality, QUALITY_THRESHOLDS, type QualityMetrics } from './quality.js';
import { renderLandscape } from './scenes.test-support.js';

const FRAME: PhotoSpec = { frameWidth: 1500, frameHeight: 2000 };

async function issuesOf(doc: Buffer, spec: PhotoSpec): Promise<string[]> {
  const photo = await photographDocument(doc, { ...FRAME, ...spec });
  const prepared = await preprocessImage(photo.image);
  return prepared.quality.issues.map((i) => i.code);
}

describe('quality gate on generated photos', () => {
  let cet: Buffer;
  let diploma: Buffer;
  beforeAll(async () => {
    cet = await renderDocument({ width: 1400 });
    diploma = await renderDocument({
      width: 1800,
      aspect: 0.7,
      title: '普通高等学校毕业证书',
      rows: DIPLOMA_ROWS,
    });
  });

  it('passes legible photos: sharp, mild blur, dim, rotated, JPEG q60, combined', async () => {
    const legible: PhotoSpec[] = [
      {},
      { blurSigma: 1 },
      { blurSigma: 2 },
      { brightness: 0.3, noise: 5 },
      { rotateDeg: 3 },
      { rotateDeg: -7 },
      { jpegQuality: 60 },
      { jpegQuality: 60, blurSigma: 1, brightness: 0.7, noise: 3, rotateDeg: 2 },
      { brightness: 1.3, flare: 60 },
      { glare: [{ x: 0.45, y: 0.35, r: 0.06 }] },
      // Far away, but the camera has pixels to spare: characters ≈ 22 px.
      { docWidthFraction: 0.35, frameWidth: 2400, frameHeight: 3200 },
    ];
    for (const doc of [cet, diploma]) {
      for (const spec of legible) expect(await issuesOf(doc, spec), JSON.stringify(spec)).toEqual([]);
    }
  });

  it('asks to hold steady for blurred photos', async () => {
    for (const doc of [cet, diploma]) {
      for (const blurSigma of [4, 6]) expect(await issuesOf(doc, { blurSigma })).toEqual(['IMAGE_BLURRY']);
    }
  });

  it('asks for more light for dark photos', async () => {
    expect(await issuesOf(cet, { brightness: 0.12, noise: 6 })).toContain('IMAGE_DARK');
    expect(await issuesOf(diploma, { brightness: 0.12, noise: 6 })).toContain('IMAGE_DARK');
  });

  it('flags washed-out photos and glare', async () => {
    expect(await issuesOf(cet, { brightness: 1.5, flare: 200 })).toContain('IMAGE_OVEREXPOSED');
    for (const doc of [cet, diploma]) {
      expect(await issuesOf(doc, { glare: [{ x: 0.5, y: 0.3, r: 0.4 }] })).toContain('IMAGE_GLARE');
    }
  });

  it('asks to keep the whole document in the frame when text runs off an edge', async () => {
    expect(await issuesOf(cet, { centerY: 0.2, docWidthFraction: 0.8 })).toEqual(['DOCUMENT_CROPPED']);
    expect(await issuesOf(cet, { centerX: 0.3, docWidthFraction: 0.8 })).toEqual(['DOCUMENT_CROPPED']);
    expect(await issuesOf(diploma, { centerY: 0.2, docWidthFraction: 0.8 })).toEqual(['DOCUMENT_CROPPED']);
    // Paper running off the frame only with its blank margin is not cropped.
    expect(await issuesOf(diploma, { docWidthFraction: 1 })).toEqual([]);
  });

  it('asks to move closer when the text is too small to read', async () => {
    expect(await issuesOf(cet, { docWidthFraction: 0.25 })).toEqual(['DOCUMENT_TOO_FAR']);
    const photo = await photographDocument(diploma, FRAME);
    const shrunk = await sharp(photo.image).resize(450).jpeg({ quality: 85 }).toBuffer();
    expect((await preprocessImage(shrunk)).quality.issues.map((i) => i.code)).toEqual(['IMAGE_TOO_SMALL']);
  });

  it('asks no retake of a soft-focus landscape with no document in it, and still of a blurred document', async () => {
    for (const blurSigma of [2, 4, 6]) {
      expect((await preprocessImage(await renderLandscape({ blurSigma }))).quality.issues).toEqual([]);
    }
    for (const doc of [cet, diploma]) {
      expect(await issuesOf(doc, { blurSigma: 14 })).toEqual(['IMAGE_BLURRY']);
      expect(await issuesOf(doc, { docWidthFraction: 1.1, blurSigma: 6 })).toContain('IMAGE_BLURRY');
    }
  });

  it('gives user-facing messages in English and Chinese', async () => {
    const photo = await photographDocument(cet, { ...FRAME, blurSigma: 6 });
    const [issue] = (await preprocessImage(photo.image)).quality.issues;
    expect(issue).toEqual({
      code: 'IMAGE_BLURRY',
      severity: 'retake',
      message: 'Hold the phone steady',
      messageZh: '拍照时请保持手机稳定',
    });
  });
});

describe('judgeQuality', () => {
  const good: QualityMetrics = {
    sharpness: 0.45,
    exposure: { mean: 215, p1: 70, p2: 90, p50: 227, p98: 236 },
    glareFraction: 0,
    documentWidth: 2400,
    documentHeight: 3300,
    fillFraction: 0.6,
    documentFound: true,
    textLineHeight: 40,
    touchesEdges: 0,
    edgeInk: 0,
  };
  const t = QUALITY_THRESHOLDS;

  it('has nothing to say about a good photo, nor about sharpness of a blank page', () => {
    expect(judgeQuality(good)).toEqual([]);
    expect(judgeQuality({ ...good, sharpness: null })).toEqual([]);
  });

  it('asks no retake for the blur of a photo without text lines: there is no document to retake', () => {
    const soft = { ...good, sharpness: t.minSharpness - 0.05 };
    expect(judgeQuality({ ...soft, textLineHeight: null })).toEqual([]);
    expect(judgeQuality(soft).map((i) => i.code)).toEqual(['IMAGE_BLURRY']);
  });

  it('flags each metric just past its threshold and not just before it', () => {
    const cases: Array<[Partial<QualityMetrics>, Partial<QualityMetrics>, string]> = [
      [{ sharpness: t.minSharpness - 0.01 }, { sharpness: t.minSharpness + 0.01 }, 'IMAGE_BLURRY'],
      [
        { exposure: { ...good.exposure, p50: t.minPaperLevel - 1 } },
        { exposure: { ...good.exposure, p50: t.minPaperLevel + 1 } },
        'IMAGE_DARK',
      ],
      [
        { exposure: { ...good.exposure, p50: 255, p1: 255 - t.minClippedInkContrast + 1 } },
        { exposure: { ...good.exposure, p50: 255, p1: 255 - t.minClippedInkContrast - 1 } },
        'IMAGE_OVEREXPOSED',
      ],
      [
        { glareFraction: t.maxGlareFraction * 1.1 },
        { glareFraction: t.maxGlareFraction * 0.9 },
        'IMAGE_GLARE',
      ],
      [{ edgeInk: t.maxEdgeInk * 1.1 }, { edgeInk: t.maxEdgeInk * 0.9 }, 'DOCUMENT_CROPPED'],
      [
        { textLineHeight: t.minTextLineHeight - 0.5, fillFraction: t.tooFarFill / 2 },
        { textLineHeight: t.minTextLineHeight + 0.5, fillFraction: t.tooFarFill / 2 },
        'DOCUMENT_TOO_FAR',
      ],
      [
        { textLineHeight: t.minTextLineHeight - 0.5, fillFraction: 0.8 },
        { textLineHeight: t.minTextLineHeight + 0.5, fillFraction: 0.8 },
        'IMAGE_TOO_SMALL',
      ],
      [
        { textLineHeight: null, documentWidth: 400, documentHeight: t.minDocumentLongEdge - 1 },
        { textLineHeight: null, documentWidth: 400, documentHeight: t.minDocumentLongEdge + 1 },
        'IMAGE_TOO_SMALL',
      ],
    ];
    for (const [bad, fine, code] of cases) {
      const issues = judgeQuality({ ...good, ...bad });
      expect(issues.map((i) => i.code)).toEqual([code]);
      expect(issues[0]?.severity).toBe('retake');
      expect(issues[0]?.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(judgeQuality({ ...good, ...fine })).toEqual([]);
    }
  });
});
