import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  benignTextPage,
  compressedRectangles,
  documentOf,
  hostilePdfCorpus,
  rectangles,
} from '../../test/hostile-pdfs.test-support.js';
import { createPdfReader, type PdfReader, type PdfReaderOptions } from './pdf-reader.js';

const fixture = (name: string) =>
  fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures', name, 'input.pdf'));
const hostile = (name: string) => {
  const found = hostilePdfCorpus().find(([n]) => n === name);
  if (!found) throw new Error(`no hostile PDF named ${name}`);
  return found[1];
};

const defaults: PdfReaderOptions = {
  maxPages: 5,
  maxPixels: 40_000_000,
  maxOperatorsPerPage: 100_000,
  readTimeoutMs: 60_000,
  inspectTimeoutMs: 60_000,
  memoryMb: 256,
};

describe('PDF reader: every document in a worker thread with limits', () => {
  let reader: PdfReader | null = null;
  const open = (options: Partial<PdfReaderOptions> = {}) => {
    reader = createPdfReader({ ...defaults, ...options });
    return reader;
  };
  afterEach(async () => {
    await reader?.close();
    reader = null;
  });

  it('counts pages and reads text-layer and scanned PDFs as readPdf does', async () => {
    const pdf = open();
    const text = fixture('sample-05-cet-pdf-text');
    expect(await pdf.inspect(text)).toBe(1);
    const read = await pdf.read(text);
    expect(read.pages[0]?.kind).toBe('text');
    const scanned = await pdf.read(fixture('sample-06-grad-pdf-scanned'));
    const page = scanned.pages[0];
    if (page?.kind !== 'image') throw new Error(`expected an image page, got ${page?.kind}`);
    expect(Buffer.isBuffer(page.image)).toBe(true);
    expect(page.image.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('refuses a page as soon as it passes the operator limit, not after building all of it', async () => {
    // 512 MB of operators: building the whole list would need gigabytes and minutes.
    const pdf = open({ maxOperatorsPerPage: 10_000 });
    const bomb = documentOf([benignTextPage, { content: compressedRectangles(512 * 1024 * 1024) }]);
    await expect(pdf.read(bomb)).rejects.toMatchObject({
      name: 'PdfError',
      code: 'PDF_TOO_COMPLEX',
      message: expect.stringMatching(/^Page 2 has more than 10000 drawing operators/),
    });
  });

  it('refuses forms nested past the depth limit (an XObject that draws itself)', async () => {
    await expect(open().read(hostile('XObject that draws itself'))).rejects.toMatchObject({
      code: expect.stringMatching(/^PDF_(TOO_COMPLEX|INVALID)$/),
    });
  });

  it('stops a worker whose memory passes the limit, outside the heap too (a font that inflates to 1 GB)', async () => {
    const pdf = open({ memoryMb: 128 });
    await expect(
      pdf.read(hostile('font bomb: an embedded font that inflates to 1 GB')),
    ).rejects.toMatchObject({
      code: 'PDF_TOO_COMPLEX',
      message: 'The PDF is too complex to read: it needed more than 128 MB.',
    });
    // The reader carries on with the next document.
    expect((await pdf.read(documentOf([benignTextPage]))).pageCount).toBe(1);
  });

  it('stops a worker past the time limit', async () => {
    const pdf = open({ readTimeoutMs: 200 });
    await expect(pdf.read(documentOf([{ content: rectangles(23_000) }]))).rejects.toMatchObject({
      code: 'PDF_TOO_COMPLEX',
      message: 'The PDF is too complex to read: it took longer than 200 ms.',
    });
  });

  it('renders a page bigger than the pixel limit at the scale that fits', async () => {
    const pdf = open({ maxPixels: 4_000_000 });
    const read = await pdf.read(hostile('14400-pt page'));
    const page = read.pages[0];
    if (page?.kind !== 'image') throw new Error(`expected an image page, got ${page?.kind}`);
    expect(page.width * page.height).toBeLessThanOrEqual(4_000_000);
    expect(page.width * page.height).toBeGreaterThan(3_900_000);
  });

  it('ends deep nesting in PDF_INVALID, not in a crash', async () => {
    const pdf = open();
    for (const name of [
      'nested arrays, depth 100k, in the content',
      'nested dictionaries, depth 100k, in the page',
    ]) {
      await expect(pdf.read(hostile(name)), name).rejects.toMatchObject({ code: 'PDF_INVALID' });
    }
  });

  it('inspect: refuses what is certainly unreadable, and leaves the rest to the job when out of time', async () => {
    const pdf = open({ maxPages: 2 });
    await expect(pdf.inspect(Buffer.from('%PDF-1.7\ngarbage'))).rejects.toMatchObject({
      code: 'PDF_INVALID',
    });
    await expect(
      pdf.inspect(documentOf([benignTextPage, benignTextPage, benignTextPage])),
    ).rejects.toMatchObject({ code: 'PDF_TOO_MANY_PAGES' });
    // No worker can start within a millisecond: the upload is not held up, the job decides.
    const hurried = createPdfReader({ ...defaults, inspectTimeoutMs: 1 });
    try {
      expect(await hurried.inspect(documentOf([benignTextPage]))).toBeNull();
    } finally {
      await hurried.close();
    }
  });
});
