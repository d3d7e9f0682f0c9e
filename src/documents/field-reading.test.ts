import { describe, expect, it } from 'vitest';
import { parsePersonName, parseScore } from './field-parsers.js';
import { readLabelledField, searchPage } from './field-reading.js';
import { buildOcrPage } from './ocr-page.js';
import { ocrResult, ppLine, sparseBoxes } from './synthetic-ocr.test-support.js';

const STOP = /姓名|性别|总分|听力/;

describe('buildOcrPage', () => {
  it('groups boxes into rows in reading order and joins tesseract-spaced text', () => {
    const page = buildOcrPage(
      ocrResult([
        ...sparseBoxes('性 别 男', 600, 102),
        ...sparseBoxes('姓 名 张 伟', 100, 100),
        ppLine('第二行', 100, 200),
      ]),
    );
    expect(page.rows).toHaveLength(2);
    expect(page.flat.text).toBe('姓名张伟性别男第二行');
    expect(page.joined.text).toBe('姓名张伟性别男\n第二行');
  });
});

describe('readLabelledField', () => {
  const nameField = { label: /姓名/, stopLabels: STOP, parse: parsePersonName };

  it.each([
    ['label and value in one box', [ppLine('姓名：张伟 性别：男', 100, 100)]],
    ['label and value separated by a space', [ppLine('姓名 张伟', 100, 100)]],
    ['value in a box to the right', [ppLine('姓名', 100, 100), ppLine('张伟', 400, 104)]],
    ['value under the label', [ppLine('姓名', 100, 100), ppLine('张伟', 100, 150)]],
    ['tesseract boxes', sparseBoxes('姓 名 : 张 伟', 100, 100)],
  ])('%s', (_, boxes) => {
    const reading = readLabelledField(buildOcrPage(ocrResult(boxes)), nameField);
    expect(reading?.value).toBe('张伟');
    expect(reading?.evidence.source).toBe('rules');
    expect(reading?.evidence.box).not.toBeNull();
  });

  it('takes the value under the right header of a table', () => {
    const page = buildOcrPage(
      ocrResult([
        ppLine('总分', 100, 100),
        ppLine('听力', 400, 100),
        ppLine('570', 110, 160),
        ppLine('166', 410, 160),
      ]),
    );
    expect(readLabelledField(page, { label: /听力/, stopLabels: STOP, parse: parseScore })?.value).toBe(166);
    expect(readLabelledField(page, { label: /总分/, stopLabels: STOP, parse: parseScore })?.value).toBe(570);
  });

  it('does not take the next field below when the value beside the label is unreadable', () => {
    const page = buildOcrPage(ocrResult([ppLine('总分 ###', 100, 100), ppLine('570', 110, 160)]));
    expect(readLabelledField(page, { label: /总分/, stopLabels: STOP, parse: parseScore })).toBeNull();
  });

  it('maps template groups back to their characters', () => {
    const page = buildOcrPage(ocrResult([ppLine('学生尹航，性别男', 100, 100)]));
    const [match] = searchPage(page.flat, /学生(?<name>.+?)[,，]/);
    expect(match?.groups.name?.text).toBe('尹航');
    expect(match?.groups.name?.chars.map((c) => c.ch).join('')).toBe('尹航');
  });
});

describe('readLabelledField on bilingual labels (real OCR line shapes)', () => {
  const nameField = { label: /姓名/, stopLabels: STOP, parse: parsePersonName };

  it.each([
    [
      'PDF text layer: label, gloss and full-width colon in one line',
      [ppLine('姓名Name： 钟阳', 345, 252)],
      '钟阳',
    ],
    [
      'PP-OCR: "姓名 Name:", the value in a box to the right',
      [ppLine('姓名 Name:', 307, 252), ppLine('武然鑫', 598, 241)],
      '武然鑫',
    ],
    ['a gloss without a colon', [ppLine('姓名 Name 钟阳', 100, 100)], '钟阳'],
    ['extra spaces inside the name', [ppLine('姓名Name:', 100, 100), ppLine('钟 阳', 400, 100)], '钟阳'],
  ])('%s', (_, boxes, name) => {
    expect(readLabelledField(buildOcrPage(ocrResult(boxes)), nameField)?.value).toBe(name);
  });

  it('reads a table value under its header past the English gloss row', () => {
    const page = buildOcrPage(
      ocrResult([
        ppLine('总分', 657, 490),
        ppLine('听力', 771, 483),
        ppLine('Total', 654, 524),
        ppLine('Listening', 750, 522),
        ppLine('305', 647, 586),
        ppLine('89', 780, 584),
      ]),
    );
    expect(readLabelledField(page, { label: /总分/, stopLabels: STOP, parse: parseScore })?.value).toBe(305);
    expect(readLabelledField(page, { label: /听力/, stopLabels: STOP, parse: parseScore })?.value).toBe(89);
  });

  it('does not pass over a row that stands under the header but cannot be read', () => {
    const page = buildOcrPage(
      ocrResult([
        ppLine('总分', 657, 490),
        ppLine('Total', 654, 524),
        ppLine('3#5', 647, 586),
        ppLine('305', 647, 650),
      ]),
    );
    expect(readLabelledField(page, { label: /总分/, stopLabels: STOP, parse: parseScore })).toBeNull();
  });
});
