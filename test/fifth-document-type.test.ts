import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chsiRecordModule } from '../src/documents/chsi_record/index.js';
import { type Signal, scoreSignals } from '../src/documents/classification-signals.js';
import { classifyDocument } from '../src/documents/classify.js';
import type { DocumentModule } from '../src/documents/document-module.js';
import type { SupportedDocumentType } from '../src/documents/document-types.js';
import { buildOcrPage } from '../src/documents/ocr-page.js';
import { documentModules, documentTypeHintSchema } from '../src/documents/registry.js';
import { ocrResult, ppLine } from '../src/documents/synthetic-ocr.test-support.js';
import { unsupportedDocumentReason } from '../src/documents/unsupported-document.js';
import { DEFAULT_PROMPTS_DIR, loadPrompts } from '../src/llm/prompts.js';
import { documentTypeLabels } from '../src/review/review.models.js';

/**
 * A fifth document type, registered only here: a CHSI degree verification report, made from the CHSI
 * record's module with its own id, names, hint and title signals. Everything that lists the types
 * (classification, batch hints, review labels, the unsupported message, the prompts) must take it
 * from the registry it is given.
 */
const FIFTH = 'chsi_degree_report' as SupportedDocumentType;
const SIGNALS: readonly Signal[] = [
  { pattern: /学位在线验证报告/, weight: 0.6 },
  { pattern: /在线验证码/, weight: 0.3 },
];
const chsiDegreeReport: DocumentModule = {
  ...chsiRecordModule,
  type: FIFTH,
  names: { zh: '学位在线验证报告', en: 'CHSI degree report' },
  classifyHint: '教育部学位在线验证报告 (CHSI degree verification report)',
  classify: (page) => scoreSignals(page, SIGNALS),
};
const modules = { ...documentModules, [FIFTH]: chsiDegreeReport };

const report = buildOcrPage(
  ocrResult([
    ppLine('教育部学位与研究生教育发展中心', 300, 80),
    ppLine('学位在线验证报告', 400, 160),
    ppLine('姓名 张伟', 150, 300),
    ppLine('在线验证码 AGSQXFOOOTJ44V7H', 150, 360),
  ]),
);

describe('a fifth document type, registered', () => {
  it('is classified by its own signals, and is unknown to the registry without it', () => {
    expect(classifyDocument(report, modules)).toMatchObject({ type: FIFTH });
    expect(classifyDocument(report, modules).scores).toHaveProperty(FIFTH);
    expect(classifyDocument(report).type).toBe('unknown');
  });

  it('is accepted as a batch manifest hint', () => {
    expect(documentTypeHintSchema(modules).parse(FIFTH)).toBe(FIFTH);
    expect(documentTypeHintSchema().safeParse(FIFTH).success).toBe(false);
  });

  it('has its label in the review console, before unknown', () => {
    const labels = documentTypeLabels(modules);
    expect(labels[FIFTH]).toBe('学位在线验证报告 CHSI degree report');
    expect(Object.keys(labels).slice(-2)).toEqual([FIFTH, 'unknown']);
  });

  it('is named in the unsupported-document message, in both languages', () => {
    const reason = unsupportedDocumentReason(modules);
    expect(reason.message).toBe(
      'This is not a CET score report, graduation or degree certificate, CHSI record, or CHSI degree report.',
    );
    expect(reason.messageZh).toBe(
      '不支持的文件类型：请上传四六级成绩报告单、毕业证书、学位证书、学信网备案表或学位在线验证报告。',
    );
  });

  describe('prompts', () => {
    let dir: string | null = null;
    afterEach(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      dir = null;
    });

    it('refuse to load without its extraction prompt, and offer it to the classification model', () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prompts-'));
      for (const file of fs.readdirSync(DEFAULT_PROMPTS_DIR))
        fs.copyFileSync(path.join(DEFAULT_PROMPTS_DIR, file), path.join(dir, file));
      expect(() => loadPrompts(dir as string, modules)).toThrow(/extract\.chsi_degree_report/);

      fs.writeFileSync(path.join(dir, `extract.${FIFTH}.v1.md`), 'Task: read the fields of a degree report.');
      const prompts = loadPrompts(dir, modules);
      expect(prompts.extract[FIFTH].version).toBe(`extract.${FIFTH}.v1+system.v1`);
      expect(prompts.classify.system).toContain(
        `- "chsi_record": ${chsiRecordModule.classifyHint}.\n` +
          '- "chsi_degree_report": 教育部学位在线验证报告 (CHSI degree verification report).\n' +
          '- "unknown": ',
      );
    });
  });
});
