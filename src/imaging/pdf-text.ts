import type { OcrLine, OcrWord } from '../ocr/ocr.types.js';
import { foldRadicalsSupplement } from '../text/unicode.js';
import type { PdfJs, PdfPageProxy, PdfTextPage } from './pdf.types.js';

/** Text-layer boxes are in pixels of the page at this scale (144 dpi), like a rendered page. */
export const PDF_TEXT_SCALE = 2;
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

interface PlacedItem {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The page's text layer as an OcrResult with positions (engine 'pdf-text'); null when it is not
 * usable, and the page is drawn for OCR instead.
 */
export async function textPage(
  pdfjs: PdfJs,
  page: PdfPageProxy,
  pageNumber: number,
): Promise<PdfTextPage | null> {
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
 * ideographs (font ToUnicode maps, docs/formats.md §6.1): fold both, leaving other text as it is.
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
