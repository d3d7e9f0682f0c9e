import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ImageTransform, toOcrPoint, toOriginalBox, toOriginalPoint } from './image-transform.js';

function transform(t: Partial<ImageTransform> & Pick<ImageTransform, 'crop'>): ImageTransform {
  const scale = t.scale ?? 1;
  const turns = t.quarterTurns ?? 0;
  const rad = ((t.deskewDegrees ?? 0) * Math.PI) / 180;
  const [, , cw, ch] = t.crop;
  // Canvas grown to fit the rotation, as sharp does it.
  const dw = cw * Math.abs(Math.cos(rad)) + ch * Math.abs(Math.sin(rad));
  const dh = cw * Math.abs(Math.sin(rad)) + ch * Math.abs(Math.cos(rad));
  const [w, h] = turns % 2 === 1 ? [dh, dw] : [dw, dh];
  return {
    deskewDegrees: 0,
    quarterTurns: 0,
    scale,
    width: w * scale,
    height: h * scale,
    ...t,
  };
}

describe('toOriginalBox', () => {
  it('is the identity for an untouched image', () => {
    const t = transform({ crop: [0, 0, 100, 50] });
    expect(toOriginalBox(t, [10, 20, 30, 5])).toEqual([10, 20, 30, 5]);
  });

  it('undoes scale, then crop offset', () => {
    const t = transform({ crop: [10, 20, 400, 300], scale: 0.5 });
    expect(toOriginalBox(t, [5, 5, 10, 10])).toEqual([20, 30, 20, 20]);
  });

  it('undoes one clockwise quarter turn: the OCR top-left corner is the original bottom-left', () => {
    const t = transform({ crop: [0, 0, 200, 100], quarterTurns: 1 });
    expect([t.width, t.height]).toEqual([100, 200]);
    expect(toOriginalBox(t, [0, 0, 10, 20])).toEqual([0, 90, 20, 10]);
  });

  it('undoes two and three quarter turns', () => {
    const half = transform({ crop: [0, 0, 200, 100], quarterTurns: 2 });
    expect(toOriginalBox(half, [0, 0, 10, 20])).toEqual([190, 80, 10, 20]);
    const three = transform({ crop: [0, 0, 200, 100], quarterTurns: 3 });
    // Three clockwise turns = one counter-clockwise: OCR top-left is the original top-right.
    expect(toOriginalBox(three, [0, 0, 10, 20])).toEqual([180, 0, 20, 10]);
  });

  it('undoes a deskew rotation about the crop centre (90° deskew equals a quarter turn)', () => {
    const byDeskew = transform({ crop: [50, 60, 200, 100], deskewDegrees: 90 });
    const byTurn = transform({ crop: [50, 60, 200, 100], quarterTurns: 1 });
    const box: [number, number, number, number] = [12, 30, 40, 8];
    expect(toOriginalBox(byDeskew, box)).toEqual(toOriginalBox(byTurn, box));
    // A small deskew moves the corners of a box by the rotation about the centre.
    const small = transform({ crop: [0, 0, 1000, 1000], deskewDegrees: 3 });
    const [cx, cy] = toOriginalPoint(small, [small.width / 2, small.height / 2]);
    expect(cx).toBeCloseTo(500, 6);
    expect(cy).toBeCloseTo(500, 6);
    const [x, y] = toOriginalPoint(small, [small.width / 2 + 100, small.height / 2]);
    // Deskew turned the image 3° clockwise, so undoing it turns the point 3° counter-clockwise.
    expect(x).toBeCloseTo(500 + 100 * Math.cos((3 * Math.PI) / 180), 6);
    expect(y).toBeCloseTo(500 - 100 * Math.sin((3 * Math.PI) / 180), 6);
  });

  it('round-trips points through the forward and inverse transforms', () => {
    fc.assert(
      fc.property(
        fc.record({
          x: fc.integer({ min: 0, max: 500 }),
          y: fc.integer({ min: 0, max: 500 }),
          w: fc.integer({ min: 20, max: 3000 }),
          h: fc.integer({ min: 20, max: 3000 }),
          deskew: fc.double({ min: -10, max: 10, noNaN: true }),
          turns: fc.constantFrom(0, 1, 2, 3),
          scale: fc.double({ min: 0.2, max: 2, noNaN: true }),
          px: fc.double({ min: 0, max: 1, noNaN: true }),
          py: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        ({ x, y, w, h, deskew, turns, scale, px, py }) => {
          const t = transform({
            crop: [x, y, w, h],
            deskewDegrees: deskew,
            quarterTurns: turns as 0 | 1 | 2 | 3,
            scale,
          });
          const original: [number, number] = [x + px * w, y + py * h];
          const [bx, by] = toOriginalPoint(t, toOcrPoint(t, original));
          expect(bx).toBeCloseTo(original[0], 6);
          expect(by).toBeCloseTo(original[1], 6);
        },
      ),
    );
  });
});
