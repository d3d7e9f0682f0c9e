import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderScoreReport, rotateImage, SAMPLE_REPORT } from '../../test/support/images.js';
import { isOcrError } from './ocr.errors.js';
import type { OcrEngineName, OcrResult, PageOcrEngine } from './ocr.types.js';
import { ocrEngines } from './registry.js';

const compact = (s: string) => s.replace(/\s+/g, '');

/** The contract every OCR engine in the registry meets, run on a real rendered page. */
export function runOcrEngineContract(name: OcrEngineName) {
  describe(`OCR engine contract: ${name}`, () => {
    let engine: PageOcrEngine;
    let page: Buffer;
    let result: OcrResult;

    beforeAll(async () => {
      engine = await ocrEngines[name]();
      page = await renderScoreReport();
      result = await engine.recognize(page);
    });
    afterAll(async () => {
      await engine?.close();
    });

    test('reads the Chinese title, the name, the 15-digit number and the score', () => {
      const text = compact(result.text);
      expect(result.engine).toBe(name);
      expect(text).toContain(SAMPLE_REPORT.title);
      expect(text).toMatch(new RegExp(`姓名[:：]?${SAMPLE_REPORT.name}`));
      expect(text).toContain(SAMPLE_REPORT.ticket);
      expect(text).toContain(SAMPLE_REPORT.score);
    });

    test('lines carry words, boxes inside the image and confidences in 0..1', () => {
      expect(result.width).toBe(1600);
      expect(result.height).toBe(1100);
      expect(result.lines.length).toBeGreaterThan(5);
      expect(result.text).toBe(result.lines.map((l) => l.text).join('\n'));
      for (const line of result.lines) {
        expect(line.words.length).toBeGreaterThan(0);
        for (const item of [line, ...line.words]) {
          const [x, y, w, h] = item.box;
          expect(x).toBeGreaterThanOrEqual(0);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(w).toBeGreaterThan(0);
          expect(h).toBeGreaterThan(0);
          expect(x + w).toBeLessThanOrEqual(result.width);
          expect(y + h).toBeLessThanOrEqual(result.height);
          expect(item.confidence).toBeGreaterThanOrEqual(0);
          expect(item.confidence).toBeLessThanOrEqual(1);
        }
      }
      expect(result.meanConfidence).toBeGreaterThan(0.5);
      expect(result.meanConfidence).toBeLessThanOrEqual(1);
    });

    test('lines come in reading order: rows top to bottom, left to right within a row', () => {
      const indexOf = (needle: string) => result.lines.findIndex((l) => compact(l.text).includes(needle));
      const order = [
        indexOf('四级考试'),
        indexOf(SAMPLE_REPORT.name),
        indexOf(SAMPLE_REPORT.school),
        indexOf(SAMPLE_REPORT.idNumber),
        indexOf(SAMPLE_REPORT.ticket),
        indexOf('听力'),
        indexOf('阅读'),
        indexOf(SAMPLE_REPORT.score),
        indexOf('教育考试院'),
      ];
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    test('re-reads a digit region with a whitelist', async () => {
      const line = result.lines.find((l) => compact(l.text).includes(SAMPLE_REPORT.idNumber));
      expect(line).toBeDefined();
      if (!line) return;
      // The digits are the right-hand part of "身份证号：<number>".
      const [x, y, w, h] = line.box;
      const digitsFrom = x + w * 0.3;
      const region = await engine.recognizeRegion(page, [digitsFrom, y, x + w - digitsFrom, h], {
        whitelist: '0123456789X',
      });
      expect(compact(region.text)).toMatch(/^[0-9X]+$/);
      expect(compact(region.text)).toContain(SAMPLE_REPORT.idNumber.slice(-10));
      expect(region.confidence).toBeGreaterThanOrEqual(0);
      expect(region.confidence).toBeLessThanOrEqual(1);
    });

    test('detects the orientation of an upright and of a 90/180/270-rotated page', async () => {
      expect((await engine.detectOrientation(page)).quarterTurns).toBe(0);
      for (const turned of [1, 2, 3] as const) {
        const orientation = await engine.detectOrientation(await rotateImage(page, turned));
        // Turning the page by `turned` clockwise is undone by (4 − turned) more clockwise turns.
        expect(orientation.quarterTurns).toBe((4 - turned) % 4);
        expect(orientation.confidence).toBeGreaterThan(0);
      }
    });

    test('recognizePage, where the engine has it, turns a rotated page upright before reading', async () => {
      if (!engine.recognizePage) return;
      const page180 = await engine.recognizePage(await rotateImage(page, 2));
      expect(page180.quarterTurns).toBe(2);
      expect(compact(page180.ocr.text)).toContain(SAMPLE_REPORT.title);
      const upright = await engine.recognizePage(page);
      expect(upright.quarterTurns).toBe(0);
      expect(compact(upright.ocr.text)).toContain(SAMPLE_REPORT.idNumber);
    });

    test('a corrupt image is a typed error, and the engine still works afterwards', async () => {
      const corrupt = Buffer.concat([page.subarray(0, 200), Buffer.alloc(400, 7)]);
      const error = await engine.recognize(corrupt).catch((e: unknown) => e);
      expect(isOcrError(error) && error.code).toBe('OCR_BAD_IMAGE');
      const again = await engine.recognize(page);
      expect(compact(again.text)).toContain(SAMPLE_REPORT.ticket);
    });
  });
}
