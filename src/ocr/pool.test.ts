import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderScoreReport, rotateImage, SAMPLE_REPORT } from '../../test/support/images.js';
import { isOcrError } from './ocr.errors.js';
import { createOcrPool, type OcrPool } from './pool.js';

const compact = (s: string) => s.replace(/\s+/g, '');
const codeOf = (e: unknown) => (isOcrError(e) ? e.code : e);

describe('OCR pool (PP-OCR in worker threads)', () => {
  let pool: OcrPool;
  let page: Buffer;

  beforeAll(async () => {
    [pool, page] = await Promise.all([createOcrPool({ size: 1, maxQueue: 2 }), renderScoreReport()]);
  });
  afterAll(async () => {
    await pool?.close();
  });

  test('recognizePage turns a sideways page upright and says how', async () => {
    const { ocr, quarterTurns } = await pool.recognizePage(await rotateImage(page, 1));
    expect(quarterTurns).toBe(3);
    expect([ocr.width, ocr.height]).toEqual([1600, 1100]);
    expect(compact(ocr.text)).toContain(SAMPLE_REPORT.title);
  });

  test('a corrupt image rejects with a typed error and the worker keeps serving', async () => {
    const error = await pool.recognize(Buffer.from('not an image')).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('OCR_BAD_IMAGE');
    const { ocr } = await pool.recognizePage(page);
    expect(compact(ocr.text)).toContain(SAMPLE_REPORT.ticket);
  });

  test('an aborted job rejects with OCR_TIMEOUT and the replaced worker serves the next job', async () => {
    const error = await pool.recognize(page, { signal: AbortSignal.timeout(20) }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('OCR_TIMEOUT');
    const line = await pool.recognizeRegion(page, [340, 340, 450, 60], { whitelist: '0123456789X' });
    expect(line.text).toBe(SAMPLE_REPORT.idNumber);
  });

  test('a full queue sheds load with OCR_OVERLOADED', async () => {
    // One worker busy, two queued: the fourth job is refused at once.
    const jobs = [1, 2, 3].map(() => pool.detectOrientation(page));
    const refused = await pool.detectOrientation(page).catch((e: unknown) => e);
    expect(codeOf(refused)).toBe('OCR_OVERLOADED');
    expect((await Promise.all(jobs)).map((o) => o.quarterTurns)).toEqual([0, 0, 0]);
  });

  test('the per-job timeout rejects with OCR_TIMEOUT', async () => {
    const hasty = await createOcrPool({ size: 1, timeoutMs: 1 });
    try {
      const error = await hasty.recognize(page).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('OCR_TIMEOUT');
    } finally {
      await hasty.close();
    }
    const closed = await hasty.recognize(page).catch((e: unknown) => e);
    expect(codeOf(closed)).toBe('OCR_CLOSED');
  });
});
