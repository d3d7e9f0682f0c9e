import { createRequire } from 'node:module';
import path from 'node:path';
import type { PdfDocument, PdfImagePage, PdfJs, PdfPage, PdfPageProxy } from './pdf.types.js';
import { textPage } from './pdf-text.js';

export type { PdfDocument, PdfImagePage, PdfPage, PdfTextPage } from './pdf.types.js';

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

const DEFAULT_MAX_PAGES = 5;
const DEFAULT_RENDER_DPI = 200;
const DEFAULT_MAX_PIXELS = 40_000_000;
const DEFAULT_MAX_OPERATORS_PER_PAGE = 100_000;

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));

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

type RenderParameters = Parameters<PdfPageProxy['render']>[0];

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
