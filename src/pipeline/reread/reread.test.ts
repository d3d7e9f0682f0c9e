import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPdfReader } from '../../imaging/pdf-reader.js';
import type { OcrLine } from '../../ocr/ocr.types.js';
import { createOcrPool, type OcrPool } from '../../ocr/pool.js';
import type { ReadPage } from '../read-document.js';
import { readDocument } from '../read-document.js';
import { outvote, rereadLongLinesInParts } from './long-lines.js';
import { rereadSuspectNumbers } from './suspect-numbers.js';
import { rereadVerificationCodes, resolveRoundGlyphs } from './verification-codes.js';

const sample = path.resolve(import.meta.dirname, '../../../fixtures/sample-01-cet-photo/input.jpg');

let pool: OcrPool;
const pdf = createPdfReader({
  maxPages: 1,
  maxPixels: 40e6,
  maxOperatorsPerPage: 100_000,
  readTimeoutMs: 30_000,
  inspectTimeoutMs: 500,
  memoryMb: 256,
});
beforeAll(async () => {
  pool = await createOcrPool({ size: 1 });
});
afterAll(async () => {
  await pool.close();
  await pdf.close();
});

describe('targeted re-read of long numbers', () => {
  it('recovers a report number whose first reading dropped digits, and leaves good numbers alone', async () => {
    const read = await readDocument(fs.readFileSync(sample), 'image/jpeg', {
      ocr: pool,
      pdf,
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

/** A white page with one line of bold text (the CJK sans fonts the fixtures are printed in). */
async function printedLine(text: string, width = 900): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="80"><rect width="100%" height="100%" fill="#fff"/><text x="20" y="55" font-family="Noto Sans CJK SC" font-weight="700" font-size="34" fill="#111">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).greyscale().png().toBuffer();
}

function pageOf(image: Buffer, line: Omit<OcrLine, 'words'>): ReadPage {
  return {
    ocr: {
      engine: 'test',
      engineVersion: '0',
      width: 900,
      height: 80,
      text: line.text,
      lines: [{ ...line, words: [] }],
      meanConfidence: line.confidence,
    },
    transform: null,
    prepared: { ocrImage: image },
  } as unknown as ReadPage;
}

describe('telling O from 0 in a CHSI verification code by glyph width', () => {
  it('decides each O and 0 of a code as printed, whatever the recogniser read', async () => {
    const image = await printedLine('在线验证码：A6WTY0VQO314G4CZ');
    const box: [number, number, number, number] = [10, 15, 600, 55];
    expect(await resolveRoundGlyphs(image, box, 'A6WTYOVQ0314G4CZ')).toBe('A6WTY0VQO314G4CZ');
    expect(await resolveRoundGlyphs(image, box, 'A6WTY0VQO314G4CZ')).toBe('A6WTY0VQO314G4CZ');
  });

  it('tells nothing when the glyphs cannot be matched to the characters read', async () => {
    const image = await printedLine('在线验证码：A6WTY0VQO314G4CZ');
    // one character more than printed: the glyph under each character is not known
    expect(await resolveRoundGlyphs(image, [10, 15, 600, 55], 'A6WTY0VQO314G4CZZ')).toBeNull();
  });
});

describe('outvote', () => {
  it('changes the first reading only where two other readings agree', () => {
    expect(outvote('研究生雷皙，性别男', '研究生雷哲，性别男', '研究生雷哲，性别男')).toBe(
      '研究生雷哲，性别男',
    );
    expect(outvote('学生龚婷，性别女', '学生龚嘉婷，性别女', '学生龚嘉婷，性别女')).toBe(
      '学生龚嘉婷，性别女',
    );
    expect(outvote('二〇一九年年九月', '二〇一九年九月', '二〇一九年九月')).toBe('二〇一九年九月');
  });

  it('keeps the first reading where the other two disagree with each other', () => {
    expect(outvote('研究生雷皙，性别男', '研究生雷哲，性别男', '研究生雷晳，性别男')).toBe(
      '研究生雷皙，性别男',
    );
    expect(outvote('于二〇一九年', '手二〇一九年', '于二〇一九年')).toBe('于二〇一九年');
    expect(outvote('学生龚婷', '学生龚嘉婷', '学生龚婷')).toBe('学生龚婷');
    // the ends of the line are read at the same crop edge by both: not independent readings
    expect(outvote('至二〇', '至二（', '至二（')).toBe('至二〇');
    expect(outvote('于二〇', '手二〇', '手二〇')).toBe('于二〇');
  });
});

describe('targeted re-read of verification codes and long lines', () => {
  it('reads a code the recogniser stopped early on again, and tells its O from its 0', async () => {
    const image = await printedLine('在线验证码：A6WTY0VQO314G4CZ');
    const page = pageOf(image, { text: '在线验证码：A6WTY0', box: [12, 18, 600, 50], confidence: 0.97 });
    const after = await rereadVerificationCodes(page, pool);
    expect(after.ocr.lines[0]?.text).toBe('在线验证码：A6WTY0VQO314G4CZ');
    expect(after.ocr.lines[0]?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('mends a long line read in parts where both parts readings agree, and leaves a right one alone', async () => {
    const body = '学生龚嘉婷，性别女，二〇〇二年三月三日生，于二〇二一年九月至二〇';
    const image = await printedLine(body, 1100);
    const box: [number, number, number, number] = [12, 14, 1080, 56];
    const misread = pageOf(image, { text: body.replace('龚嘉婷', '龚婷'), box, confidence: 0.94 });
    expect((await rereadLongLinesInParts(misread, pool)).ocr.lines[0]?.text).toBe(body);
    const right = pageOf(image, { text: body, box, confidence: 0.94 });
    expect(await rereadLongLinesInParts(right, pool)).toBe(right);
  });

  it('leaves a line without a code alone', async () => {
    const image = await printedLine('学校名称：吉林大学');
    const page = pageOf(image, { text: '学校名称：吉林大学', box: [12, 18, 320, 50], confidence: 0.99 });
    expect(await rereadVerificationCodes(page, pool)).toBe(page);
  });
});
