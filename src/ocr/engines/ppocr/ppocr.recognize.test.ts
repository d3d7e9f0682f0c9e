import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Raster } from './ppocr.raster.js';
import { type LineReader, recognizeCrops, toLine } from './ppocr.recognize.js';

// Class 0 is the CTC blank; the rest are what a name line reads.
const dictionary = ['', '王', '玉', '晓', '丽', '主', ' '];
const raster: Raster = { data: Buffer.alloc(64 * 16 * 3, 255), width: 64, height: 16, channels: 3 };

/** A reader whose model answers `steps`: one row of class probabilities per time step. */
function readerAnswering(steps: number[][]): LineReader {
  return {
    dictionary,
    batchSize: 1,
    recognition: async () =>
      new ort.Tensor('float32', Float32Array.from(steps.flat()), [1, steps.length, dictionary.length]),
  };
}

const step = (probabilities: Record<number, number>) => dictionary.map((_, c) => probabilities[c] ?? 0);

async function readLine(steps: number[][]) {
  const [rec] = await recognizeCrops(readerAnswering(steps), raster, [
    { box: [0, 0, 64, 16], quarterTurns: 0 },
  ]);
  if (!rec) throw new Error('no line');
  return toLine([0, 0, 64, 16], rec);
}

describe('recognizeCrops: the recogniser’s runners-up', () => {
  it('keeps the next-best characters of a doubted character, most probable first, at most three', async () => {
    const line = await readLine([
      step({ 2: 0.6, 1: 0.3, 5: 0.05, 4: 0.02, 3: 0.015, 0: 0.015 }),
      step({ 0: 1 }),
      step({ 3: 0.99, 0: 0.01 }),
      step({ 4: 0.995, 0: 0.005 }),
    ]);
    expect(line.text).toBe('玉晓丽');
    expect(line.alternatives).toHaveLength(1);
    const [doubt] = line.alternatives ?? [];
    expect(doubt?.index).toBe(0);
    expect(doubt?.confidence).toBeCloseTo(0.6);
    expect(doubt?.candidates.map((c) => c.char)).toEqual(['王', '主', '丽']);
    expect(doubt?.candidates[0]?.confidence).toBeCloseTo(0.3);
  });

  it('says nothing more about a line read surely: the line is what it was', async () => {
    const line = await readLine([step({ 1: 0.99, 2: 0.01 }), step({ 3: 0.995 }), step({ 4: 1 })]);
    expect(line).toEqual({
      text: '王晓丽',
      box: [0, 0, 64, 16],
      confidence: expect.any(Number),
      words: [{ text: '王晓丽', box: [0, 0, 64, 16], confidence: expect.any(Number) }],
    });
    expect(Object.keys(line)).not.toContain('alternatives');
  });

  it('counts positions in the trimmed text', async () => {
    const line = await readLine([
      step({ 6: 0.99 }),
      step({ 0: 1 }),
      step({ 1: 0.99 }),
      step({ 2: 0.7, 1: 0.3 }),
    ]);
    expect(line.text).toBe('王玉');
    expect(line.alternatives?.map((a) => [a.index, a.candidates.map((c) => c.char)])).toEqual([[1, ['王']]]);
  });
});
