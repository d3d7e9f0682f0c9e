import type { DocumentModule } from '../document-module.js';
import { validateDocument } from '../document-validation.js';
import { classifyCetScoreReport } from './cet_score_report.classifier.js';
import { extractCetScoreReport } from './cet_score_report.extractor.js';
import { CET_SCORED_FIELDS, cetScoreReportSchema } from './cet_score_report.schema.js';
import { validateCetScoreReport } from './cet_score_report.validators.js';

export const cetScoreReportModule: DocumentModule = {
  type: 'cet_score_report',
  schemaVersion: '1',
  schema: cetScoreReportSchema,
  scoredFields: CET_SCORED_FIELDS,
  classify: classifyCetScoreReport,
  extract: extractCetScoreReport,
  validate: (extraction, context) =>
    validateDocument(extraction, context, CET_SCORED_FIELDS, validateCetScoreReport),
};
