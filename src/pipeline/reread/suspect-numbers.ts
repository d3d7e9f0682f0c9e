import type { OcrLine } from '../../ocr/ocr.types.js';
import type { OcrPool } from '../../ocr/pool.js';
import {
  keepFirstReadingOnBadCrop,
  MIN_REREAD_CONFIDENCE,
  type RereadablePage,
  runBox,
  tightenToInk,
} from './line-reading.js';

/**
 * Lengths of the identifiers these documents print: 12 (old CHSI codes), 15 (CET tickets and
 * report numbers), 16 (degree numbers), 17 (legacy graduation numbers), 18 (ID and graduation
 * numbers). A digit run of another length next to them is most likely a misread one.
 */
const IDENTIFIER_LENGTHS = new Set([12, 15, 16, 17, 18]);
/** 17 digits is a legacy (pre-2003) graduation number but far more often an 18-digit one that lost a digit. */
const TRUSTED_LENGTHS = new Set([12, 15, 16, 18]);
/** A line read less surely than this has its long numbers read again even when their length is plausible. */
const UNSURE_LINE = 0.85;
/** A run of digits (and their look-alikes), with the X an ID number may end in. */
const DIGIT_RUN = /[0-9OoDQIlSBZ]{10,20}[Xx]?/g;
/**
 * The confidence of a line whose two readings disagree on a number's length: below the 0.95 at which
 * a reading may break a HARD rule by itself (documents/extraction-builder SURE_READING), above the 0.75 of
 * LOW_CONFIDENCE.
 */
const DOUBTFUL_LINE = 0.9;

/**
 * Targeted OCR: a long number read with a length no identifier has (a dropped or doubled digit on
 * a tilted or loosely boxed line) is read again from a tight crop around just the number, with a
 * digits-only alphabet, and the better reading is kept. Measured on the CET sample photo: the
 * report number read as 13 digits in its line, 15 (correct, confidence 1.00) on re-read.
 */
export async function rereadSuspectNumbers<P extends RereadablePage>(page: P, ocr: OcrPool): Promise<P> {
  if (!page.prepared) return page;
  const image = page.prepared.ocrImage;
  let changed = false;
  const lines: OcrLine[] = [];
  for (const line of page.ocr.lines) {
    let text = line.text;
    let confidence = line.confidence;
    for (const run of [...line.text.matchAll(DIGIT_RUN)]) {
      const digits = run[0].replace(/\D/g, '');
      const trusted = TRUSTED_LENGTHS.has(run[0].length) && line.confidence >= UNSURE_LINE;
      if (digits.length < run[0].length * 0.8 || trusted) continue;
      const box = await tightenToInk(image, runBox(line, run.index, run[0].length));
      if (!box) continue;
      const reread = await ocr
        .recognizeRegion(image, box, { whitelist: '0123456789X' })
        .catch(keepFirstReadingOnBadCrop);
      const candidate = reread?.text.replace(/\s/g, '') ?? '';
      // When the number is most of the line, the line is as sure as the number's own reading.
      const numberIsTheLine = Math.max(candidate.length, run[0].length) * 2 >= text.length;
      if (
        reread &&
        reread.confidence >= MIN_REREAD_CONFIDENCE &&
        acceptable(run[0].length, candidate.length)
      ) {
        text = text.replace(run[0], candidate);
        if (numberIsTheLine) confidence = Math.max(confidence, reread.confidence);
        changed = true;
      } else if (candidate.length > 0 && candidate.length !== run[0].length && numberIsTheLine) {
        // The second reading saw another length, but could not replace the first: the number's
        // length is in doubt (a 17-digit number read surely is judged by a HARD rule; a doubtful
        // one must stay unreadable).
        confidence = Math.min(confidence, DOUBTFUL_LINE);
        changed = true;
      }
    }
    lines.push(
      text === line.text && confidence === line.confidence
        ? line
        : { ...line, text, confidence, words: [{ text, box: line.box, confidence }] },
    );
  }
  if (!changed) return page;
  return { ...page, ocr: { ...page.ocr, lines, text: lines.map((l) => l.text).join('\n') } };
}

/**
 * A number of a plausible length re-read (its line was unsure) must keep its length: the crop is
 * placed by estimate, and a crop that cut a digit off must not shorten a good number. A 17-digit
 * run may become 18; a run of an impossible length may become any identifier length.
 */
function acceptable(readLength: number, rereadLength: number): boolean {
  if (TRUSTED_LENGTHS.has(readLength)) return rereadLength === readLength;
  if (readLength === 17) return rereadLength === 17 || rereadLength === 18;
  return IDENTIFIER_LENGTHS.has(rereadLength);
}
