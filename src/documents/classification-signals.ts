import type { OcrPage } from './ocr-page.js';

/** A piece of text that speaks for (positive weight) or against (negative) a document type. */
export interface Signal {
  pattern: RegExp;
  weight: number;
}

/**
 * Sum of the weights of the signals found on the page's text (whitespace removed, rows joined),
 * clamped to 0..1. Weights are chosen so that the title plus a few labels reach about 1, and labels
 * alone (a title lost to OCR) stay near the 0.5 acceptance line of `classify`.
 */
export function scoreSignals(page: OcrPage, signals: readonly Signal[]): number {
  const total = signals.reduce((sum, s) => (s.pattern.test(page.flat.text) ? sum + s.weight : sum), 0);
  const penalty = looksLikeTranscript(page) ? 0.6 : 0;
  return Math.max(0, Math.min(1, total - penalty));
}

const COURSE_ROW = /\p{Script=Han}{2,}[^\d\n]*\d+(?:\.\d+)?\s+\d+(?:\.\d+)?/u;

/**
 * A transcript (成绩单) lists many courses, each with credits and a score. It shares words with
 * every supported type (姓名, 专业, 学校, even 大学英语) but is none of them.
 */
export function looksLikeTranscript(page: OcrPage): boolean {
  if (/绩点|课程名称|课程代码|学年成绩/.test(page.flat.text)) return true;
  const courseRows = page.rows.filter((row) => COURSE_ROW.test(row.chars.map((c) => c.ch).join(''))).length;
  const transcriptTitle = /成绩单/.test(page.flat.text) && !/成绩报告单/.test(page.flat.text);
  // 学分 alone is not enough: OCR garbles other words into it (a CHSI record's note "有效期由申请人设置"
  // was read "学分设"); with course rows or a 成绩单 title it is a transcript.
  if (/学分/.test(page.flat.text) && (courseRows >= 2 || transcriptTitle || /课程/.test(page.flat.text)))
    return true;
  return courseRows >= 6 || (transcriptTitle && courseRows >= 3);
}
