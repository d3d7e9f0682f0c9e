import type { OcrPool } from '../../ocr/pool.js';
import type { RereadablePage } from './line-reading.js';
import { rereadLongLinesInParts } from './long-lines.js';
import { rereadSuspectNumbers } from './suspect-numbers.js';
import { rereadTiltedLines } from './tilted-lines.js';
import { rereadVerificationCodes } from './verification-codes.js';

/**
 * Targeted OCR for a page: tilted long lines first (re-read straightened), long lines of Han text
 * (re-read in parts, two readings outvoting the first), numbers of an impossible length (re-read with
 * digits only), then CHSI verification codes (cut short, or with an O or a 0 to tell apart).
 */
export async function rereadPage<P extends RereadablePage>(page: P, ocr: OcrPool): Promise<P> {
  const straightened = await rereadTiltedLines(page, ocr);
  const inParts = await rereadLongLinesInParts(straightened, ocr);
  return rereadVerificationCodes(await rereadSuspectNumbers(inParts, ocr), ocr);
}
