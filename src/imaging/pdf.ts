import { createRequire } from 'node:module';
import path from 'node:path';
import type { OcrLine, OcrResult, OcrWord } from '../ocr/ocr.types.js';
import { foldRadicalsSupplement } from '../text/unicode.js';

export type PdfErrorCode = 'PDF_INVALID' | 'PDF_TOO_MANY_PAGES' | 'PDF_ENCRYPTED' | 'PDF_TOO_COMPLEX';

/** A PDF that cannot be used; the pipeline maps it to problem+json. */
export class PdfError extends Error {
  override readonly name = 'PdfError';
  constructor(
    readonly code: PdfErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ReadPdfOptions {
  /** More pages than this is an error (PDF_TOO_MANY_PAGES). Default 5. */
  maxPages?: number;
  /** Render resolution for pages without a usable text layer. Default 200 dpi. */
  renderDpi?: number;
  /**
   * Largest rendered page and largest embedded image, in pixels. A bigger page is rendered at the
   * resolution that fits; a bigger image is left out. Default 40 MP (MAX_UPLOAD_PIXELS).
   */
  maxPixels?: number;
  /** A page with more drawing operators is refused (PDF_TOO_COMPLEX) before it is drawn. Default 100 000. */
  maxOperatorsPerPage?: number;
}

/** A page with a usable text layer: an OcrResult built from the text items (engine 'pdf-text'). */
export interface PdfTextPage {
  kind: 'text';
  pageNumber: number;
  result: OcrResult;
}

/** A page without a usable text layer, rendered for OCR. */
export interface PdfImagePage {
  kind: 'image';
  pageNumber: number;
  /** PNG, RGB. */
  image: Buffer;
  width: number;
  height: number;
}

export type PdfPage = PdfTextPage | PdfImagePage;

export interface PdfDocument {
  pageCount: number;
  pages: PdfPage[];
}

/** Text-layer boxes are in pixels of the page at this scale (144 dpi), like a rendered page. */
export const PDF_TEXT_SCALE = 2;
const DEFAULT_MAX_PAGES = 5;
const DEFAULT_RENDER_DPI = 200;
const DEFAULT_MAX_PIXELS = 40_000_000;
const DEFAULT_MAX_OPERATORS_PER_PAGE = 100_000;
/**
 * More text items than this and the text layer is not used: the page is drawn and read by OCR
 * instead (grouping items into lines grows with the square of their number). Certificates and
 * reports carry a few hundred.
 */
const MAX_TEXT_ITEMS = 5_000;
/** A text layer needs this many meaningful characters on the page to be used instead of OCR. */
const MIN_TEXT_CHARS = 10;
/** …and at most this share of garbage (U+FFFD, private use, control characters). */
const MAX_GARBAGE_SHARE = 0.05;

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
/** pdf.js's parser; in Node it runs in the calling thread ("fake worker"). */
const PDFJS_PARSER = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
let pdfjsPromise: Promise<PdfJs> | undefined;
/** Loads pdf.js and its parser once per thread (a PDF worker does it before it says it is ready). */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= (async () => {
    // pdf.js takes the parser from this global instead of importing it on the first document.
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import(PDFJS_PARSER);
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return pdfjsPromise;
}

/**
 * Reads a PDF upload: pages with a usable text layer become OcrResults with positions (no OCR
 * needed); other pages are rendered to PNG for OCR. PDF JavaScript is never run, fonts come
 * from the package's own folders, nothing is fetched. Each page's drawing operators are counted
 * before its text is extracted or it is drawn, and no page or image is drawn larger than
 * `maxPixels`. What this cannot bound (memory and time spent building a page's operator list)
 * is bounded by the worker it runs in: see pdf-reader.ts.
 */
export async function readPdf(bytes: Uint8Array, options: ReadPdfOptions = {}): Promise<PdfDocument> {
  const renderScale = (options.renderDpi ?? DEFAULT_RENDER_DPI) / 72;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxOperators = options.maxOperatorsPerPage ?? DEFAULT_MAX_OPERATORS_PER_PAGE;
  const { pdfjs, doc } = await openPdf(bytes, options.maxPages ?? DEFAULT_MAX_PAGES, maxPixels);
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const operators = limitOperators(page, { maxOperators, ops: pdfjs.OPS }, n);
      try {
        // Counted before the text is extracted or anything drawn: both walk every operator.
        const list = await operators.within(page.getOperatorList(RENDER_INTENT));
        if (list.fnArray.length > maxOperators) throw operators.tooMany(list.fnArray.length);
        const text = await textPage(pdfjs, page, n);
        pages.push(
          text ?? (await operators.within(renderPage(page, n, fittedScale(page, renderScale, maxPixels)))),
        );
      } finally {
        operators.release();
        page.cleanup();
      }
    }
    return { pageCount: doc.numPages, pages };
  } catch (error) {
    if (error instanceof PdfError) throw error;
    throw new PdfError('PDF_INVALID', 'The PDF could not be read.', { cause: error });
  } finally {
    await doc.destroy();
  }
}

/**
 * Opens the PDF and counts its pages without reading any page: intake refuses an encrypted,
 * corrupt or too long PDF before it is stored. Pages are read only in the job.
 */
export async function inspectPdf(bytes: Uint8Array, options: { maxPages?: number } = {}): Promise<number> {
  const { doc } = await openPdf(bytes, options.maxPages ?? DEFAULT_MAX_PAGES, DEFAULT_MAX_PIXELS);
  const pages = doc.numPages;
  await doc.destroy();
  return pages;
}

/**
 * Form XObjects drawn inside form XObjects deeper than this: the page is refused. Real documents
 * nest a handful; a form that draws itself recurses until the stack runs out, which in pdf.js
 * takes seconds to minutes.
 */
const MAX_FORM_DEPTH = 64;
/**
 * Graphics states saved (`q`) inside each other deeper than this: the page is refused. pdf.js
 * spends time that grows with the square of the depth (300 KB of `q` takes minutes); real
 * documents nest tens.
 */
const MAX_SAVE_DEPTH = 2_000;

/**
 * Refuses a page as soon as pdf.js has produced more than `maxOperators` of its operators, or
 * forms or saved states nested past MAX_FORM_DEPTH or MAX_SAVE_DEPTH. pdf.js builds a page's
 * whole operator list before getOperatorList resolves (a 64 MB content stream is ten million
 * operators and gigabytes of heap), but hands it over in chunks of about a thousand, each through
 * PDFPageProxy._renderPageChunk: they are counted there. Without that method (another pdf.js) the
 * list's length is still checked once it is built, within the worker's limits.
 */
function limitOperators(
  page: PdfPageProxy,
  limits: { maxOperators: number; ops: PdfJs['OPS'] },
  pageNumber: number,
) {
  const max = limits.maxOperators;
  const tooMany = (count: number) =>
    new PdfError(
      'PDF_TOO_COMPLEX',
      `Page ${pageNumber} has more than ${max} drawing operators (${count} read so far); at most ${max} are read.`,
    );
  let refuse: (error: PdfError) => void = () => {};
  const refused = new Promise<never>((_, reject) => {
    refuse = reject;
  });
  refused.catch(() => undefined);
  type ChunkSink = (chunk: { length: number; fnArray: number[] }, intentState: object) => void;
  const proxy = page as unknown as { _renderPageChunk?: ChunkSink };
  const original = proxy._renderPageChunk;
  // Each intent (the counted list, the rendering) builds a list of its own.
  const seen = new Map<object, { count: number; forms: number; saves: number }>();
  const tooDeep = (what: string, limit: number) =>
    new PdfError('PDF_TOO_COMPLEX', `Page ${pageNumber} nests ${what} more than ${limit} deep.`);
  const { paintFormXObjectBegin, paintFormXObjectEnd, save, restore } = limits.ops;
  if (typeof original === 'function') {
    proxy._renderPageChunk = function (this: unknown, chunk, intentState) {
      const list = seen.get(intentState) ?? { count: 0, forms: 0, saves: 0 };
      seen.set(intentState, list);
      list.count += chunk.length;
      let forms = list.forms;
      let saves = list.saves;
      for (const fn of chunk.fnArray) {
        if (fn === paintFormXObjectBegin) forms = Math.max(forms, ++list.forms);
        else if (fn === paintFormXObjectEnd) list.forms--;
        else if (fn === save) saves = Math.max(saves, ++list.saves);
        else if (fn === restore) list.saves--;
      }
      // Past a limit nothing more is kept: the list never completes and the page is refused.
      if (list.count > max) refuse(tooMany(list.count));
      else if (forms > MAX_FORM_DEPTH) refuse(tooDeep('forms', MAX_FORM_DEPTH));
      else if (saves > MAX_SAVE_DEPTH) refuse(tooDeep('saved graphics states', MAX_SAVE_DEPTH));
      else original.call(this, chunk, intentState);
    };
  }
  return {
    within<T>(work: Promise<T>): Promise<T> {
      return Promise.race([work, refused]);
    },
    tooMany,
    release() {
      if (typeof original === 'function') proxy._renderPageChunk = original;
    },
  };
}

/** How pages are drawn; their operator lists are counted with the same intent. */
const RENDER_INTENT = { intent: 'print', annotationMode: 0 } as const;

async function openPdf(bytes: Uint8Array, maxPages: number, maxImagePixels: number) {
  if (looksEncrypted(bytes)) throw new PdfError('PDF_ENCRYPTED', 'The PDF is encrypted.');
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given: pass a copy.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: true,
    // Embedded images above this are left out instead of decoded.
    maxImageSize: maxImagePixels,
    standardFontDataUrl: `${path.join(pdfjsRoot, 'standard_fonts')}${path.sep}`,
    cMapUrl: `${path.join(pdfjsRoot, 'cmaps')}${path.sep}`,
    cMapPacked: true,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    if (error instanceof Error && error.name === 'PasswordException') {
      throw new PdfError('PDF_ENCRYPTED', 'The PDF is password-protected.', { cause: error });
    }
    throw new PdfError('PDF_INVALID', 'The file is not a readable PDF.', { cause: error });
  }
  if (doc.numPages > maxPages) {
    await doc.destroy();
    throw new PdfError(
      'PDF_TOO_MANY_PAGES',
      `The PDF has ${doc.numPages} pages; at most ${maxPages} are accepted.`,
    );
  }
  return { pdfjs, doc };
}

/** An /Encrypt entry in a trailer or cross-reference stream dictionary. */
function looksEncrypted(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('/Encrypt');
}

type PdfPageProxy = Awaited<ReturnType<Awaited<ReturnType<PdfJs['getDocument']>['promise']>['getPage']>>;

type RenderParameters = Parameters<PdfPageProxy['render']>[0];

interface PlacedItem {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

async function textPage(pdfjs: PdfJs, page: PdfPageProxy, pageNumber: number): Promise<PdfTextPage | null> {
  const viewport = page.getViewport({ scale: PDF_TEXT_SCALE });
  const content = await page.getTextContent({ includeMarkedContent: false, disableNormalization: false });
  if (content.items.length > MAX_TEXT_ITEMS) return null;
  const items: PlacedItem[] = [];
  for (const item of content.items) {
    if (!('str' in item)) continue;
    const text = normaliseCjk(item.str);
    if (text.trim() === '') continue;
    const t = pdfjs.Util.transform(viewport.transform, item.transform);
    const fontHeight = Math.hypot(t[2] ?? 0, t[3] ?? 0);
    const x = t[4] ?? 0;
    const baseline = t[5] ?? 0;
    const w = item.width * PDF_TEXT_SCALE;
    items.push({ text, x, y: baseline - fontHeight, w: Math.max(w, 1), h: Math.max(fontHeight, 1) });
  }
  const all = items.map((i) => i.text).join('');
  if (!isUsableTextLayer(all)) return null;
  const lines = groupLines(items);
  const width = Math.round(viewport.width);
  const height = Math.round(viewport.height);
  return {
    kind: 'text',
    pageNumber,
    result: {
      engine: 'pdf-text',
      engineVersion: pdfjs.version,
      width,
      height,
      text: lines.map((l) => l.text).join('\n'),
      lines,
      meanConfidence: lines.length > 0 ? 1 : 0,
    },
  };
}

/** Enough CJK / letters / digits, and (almost) no replacement, private-use or control characters. */
export function isUsableTextLayer(text: string): boolean {
  let meaningful = 0;
  let garbage = 0;
  let total = 0;
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    total++;
    if (/[\p{Script=Han}\p{L}\p{N}]/u.test(ch) && !/[\u{E000}-\u{F8FF}]/u.test(ch)) meaningful++;
    if (/[\u{FFFD}\u{E000}-\u{F8FF}\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}\p{Cc}]/u.test(ch)) garbage++;
  }
  return meaningful >= MIN_TEXT_CHARS && garbage <= MAX_GARBAGE_SHARE * total;
}

/**
 * PDF text layers often carry Kangxi and CJK Radicals Supplement code points for ordinary
 * ideographs (font ToUnicode maps, research §6.1): fold both, leaving other text as it is.
 */
export function normaliseCjk(text: string): string {
  return foldRadicalsSupplement(text.replace(/[\u2F00-\u2FDF]/g, (ch) => ch.normalize('NFKC')));
}

/** Groups items into visual lines (vertical overlap), top to bottom, then left to right. */
function groupLines(items: PlacedItem[]): OcrLine[] {
  const sorted = [...items].sort((a, b) => a.y + a.h / 2 - (b.y + b.h / 2));
  const rows: PlacedItem[][] = [];
  for (const item of sorted) {
    const centre = item.y + item.h / 2;
    const row = rows.find((r) => {
      const first = r[0];
      if (!first) return false;
      const top = Math.min(...r.map((i) => i.y));
      const bottom = Math.max(...r.map((i) => i.y + i.h));
      return centre > top && centre < bottom && Math.abs(item.h - first.h) < Math.max(item.h, first.h) * 0.6;
    });
    if (row) row.push(item);
    else rows.push([item]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.x - b.x);
    const words: OcrWord[] = row.map((i) => ({
      text: i.text,
      box: [round1(i.x), round1(i.y), round1(i.w), round1(i.h)],
      confidence: 1,
    }));
    let text = '';
    row.forEach((item, k) => {
      const prev = row[k - 1];
      if (prev) {
        const gap = item.x - (prev.x + prev.w);
        const cjkJoin = /[\p{Script=Han}]$/u.test(text) && /^[\p{Script=Han}]/u.test(item.text);
        if (gap > item.h * 0.25 && !cjkJoin && !text.endsWith(' ') && !item.text.startsWith(' ')) text += ' ';
      }
      text += item.text;
    });
    const x0 = Math.min(...row.map((i) => i.x));
    const y0 = Math.min(...row.map((i) => i.y));
    const x1 = Math.max(...row.map((i) => i.x + i.w));
    const y1 = Math.max(...row.map((i) => i.y + i.h));
    return {
      text: text.trim(),
      box: [round1(x0), round1(y0), round1(x1 - x0), round1(y1 - y0)],
      confidence: 1,
      words,
    };
  });
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * The render scale, lowered when the page would be drawn with more than `maxPixels` (a 5000-pt
 * page at 200 dpi is 190 MP): big scans still render, at the largest size the limit allows.
 */
function fittedScale(page: Pick<PdfPageProxy, 'getViewport'>, scale: number, maxPixels: number): number {
  const { width, height } = page.getViewport({ scale });
  const pixels = Math.ceil(width) * Math.ceil(height);
  if (pixels <= maxPixels) return scale;
  // A little under the exact root, so rounding the sides up stays within the limit.
  return scale * Math.sqrt(maxPixels / pixels) * 0.999;
}

async function renderPage(page: PdfPageProxy, pageNumber: number, scale: number): Promise<PdfImagePage> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.ceil(viewport.width));
  const height = Math.max(1, Math.ceil(viewport.height));
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  await page.render({
    canvasContext: context as unknown as RenderParameters['canvasContext'],
    viewport,
    ...RENDER_INTENT,
  }).promise;
  const image = await canvas.encode('png');
  return { kind: 'image', pageNumber, image, width, height };
}
