import { createRequire } from 'node:module';
import path from 'node:path';
import { foldRadicalsSupplement } from '../text/unicode.js';
import type { OcrLine, OcrResult, OcrWord } from './ocr/ocr.types.js';

export type PdfErrorCode = 'PDF_INVALID' | 'PDF_TOO_MANY_PAGES' | 'PDF_ENCRYPTED';

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
/** A text layer needs this many meaningful characters on the page to be used instead of OCR. */
const MIN_TEXT_CHARS = 10;
/** …and at most this share of garbage (U+FFFD, private use, control characters). */
const MAX_GARBAGE_SHARE = 0.05;

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsPromise: Promise<PdfJs> | undefined;
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsPromise;
}

/**
 * Reads a PDF upload: pages with a usable text layer become OcrResults with positions (no OCR
 * needed); other pages are rendered to PNG for OCR. PDF JavaScript is never run, fonts come
 * from the package's own folders, nothing is fetched.
 */
export async function readPdf(bytes: Uint8Array, options: ReadPdfOptions = {}): Promise<PdfDocument> {
  const renderScale = (options.renderDpi ?? DEFAULT_RENDER_DPI) / 72;
  const { pdfjs, doc } = await openPdf(bytes, options.maxPages ?? DEFAULT_MAX_PAGES);
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      try {
        const text = await textPage(pdfjs, page, n);
        pages.push(text ?? (await renderPage(page, n, renderScale)));
      } finally {
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
 * Opens the PDF and checks it without reading its pages: intake refuses an encrypted, corrupt or
 * too long PDF before it is stored. Returns the page count.
 */
export async function inspectPdf(bytes: Uint8Array, options: { maxPages?: number } = {}): Promise<number> {
  const { doc } = await openPdf(bytes, options.maxPages ?? DEFAULT_MAX_PAGES);
  try {
    await (await doc.getPage(1)).getOperatorList();
    return doc.numPages;
  } catch (error) {
    throw new PdfError('PDF_INVALID', 'The PDF could not be read.', { cause: error });
  } finally {
    await doc.destroy();
  }
}

async function openPdf(bytes: Uint8Array, maxPages: number) {
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

async function renderPage(page: PdfPageProxy, pageNumber: number, scale: number): Promise<PdfImagePage> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const viewport = page.getViewport({ scale });
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  await page.render({
    canvasContext: context as unknown as RenderParameters['canvasContext'],
    viewport,
    intent: 'print',
    annotationMode: 0,
  }).promise;
  const image = await canvas.encode('png');
  return { kind: 'image', pageNumber, image, width, height };
}
