import type { DocumentModule } from '../document-module.js';
import type { Extraction } from '../document-types.js';
import { validateDocument } from '../document-validation.js';
import { classifyCetScoreReport } from './cet_score_report.classifier.js';
import { cetScoreReportValueRegions, extractCetScoreReport } from './cet_score_report.extractor.js';
import { CET_SCORED_FIELDS, cetScoreReportSchema } from './cet_score_report.schema.js';
import { validateCetScoreReport } from './cet_score_report.validators.js';

export const cetScoreReportModule: DocumentModule = {
  type: 'cet_score_report',
  names: { zh: '四六级成绩报告单', en: 'CET score report', short: { zh: '四六级成绩单', en: 'CET report' } },
  classifyHint: '全国大学英语四、六级考试成绩报告单 (CET-4/CET-6 score report)',
  identifyingField: 'reportNumber',
  schemaVersion: '1',
  schema: cetScoreReportSchema,
  scoredFields: CET_SCORED_FIELDS,
  classify: classifyCetScoreReport,
  extract: extractCetScoreReport,
  validate: (extraction, context) =>
    validateDocument(extraction, context, requiredFields(extraction), validateCetScoreReport),
  valueRegions: cetScoreReportValueRegions,
};

/**
 * The scored fields a report must show: all of them, except the listening score of a candidate whose
 * listening was exempted (§1.2 TLMK, S12): that report prints no listening score.
 */
export function requiredFields(extraction: Extraction): readonly string[] {
  if (extraction.fields.listeningExempt !== true) return CET_SCORED_FIELDS;
  return CET_SCORED_FIELDS.filter((field) => field !== 'listeningScore');
}
