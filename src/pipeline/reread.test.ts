import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcrPool, type OcrPool } from './ocr/pool.js';
import { readDocument } from './read-document.js';
import { rereadSuspectNumbers } from './reread.js';

const sample = path.resolve(import.meta.dirname, '../../fixtures/sample-01-cet-photo/input.jpg');

describe('targeted re-read of long numbers', () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = await createOcrPool({ size: 1 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('recovers a report number whose first reading dropped digits, and leaves good numbers alone', async () => {
    const read = await readDocument(fs.readFileSync(sample), 'image/jpeg', {
      ocr: pool,
      maxPdfPages: 1,
      maxInputPixels: 40e6,
    });
    const [page] = read.pages;
    if (!page) throw new Error('no page read');
    // Whatever the first reading was, make the report number lose two digits, as seen on tilted lines.
    const misread = {
      ...page,
      ocr: {
        ...page.ocr,
        lines: page.ocr.lines.map((l) =>
          /Report/.test(l.text) ? { ...l, text: l.text.replace(/[0-9]{12,}/, '1721610698256') } : l,
        ),
      },
    };
    expect(misread.ocr.lines.some((l) => l.text.includes('1721610698256'))).toBe(true);
    const fixed = await rereadSuspectNumbers(misread, pool);
    expect(fixed.ocr.text).toContain('172161069825604');
    expect(fixed.ocr.text).toContain('610698172108311');
    expect(fixed.ocr.text).toContain('510107199511035151');
    // lines without a suspect number are the same objects
    const untouched = fixed.ocr.lines.filter((l, i) => l === misread.ocr.lines[i]);
    expect(untouched.length).toBeGreaterThan(page.ocr.lines.length - 3);
  });

  it('leaves an ID number ending in X alone (the X is part of the number, not a dropped digit)', async () => {
    const line = {
      text: '证件号码：21020319970518615X',
      box: [10, 10, 400, 30] as [number, number, number, number],
      confidence: 0.99,
      words: [],
    };
    const page = {
      ocr: {
        engine: 'test',
        engineVersion: '0',
        width: 500,
        height: 60,
        text: line.text,
        lines: [line],
        meanConfidence: 0.99,
      },
      transform: null,
      prepared: { ocrImage: Buffer.alloc(0) },
    } as unknown as Parameters<typeof rereadSuspectNumbers>[0];
    const after = await rereadSuspectNumbers(page, pool);
    expect(after.ocr.lines[0]?.text).toBe('证件号码：21020319970518615X');
  });
});
