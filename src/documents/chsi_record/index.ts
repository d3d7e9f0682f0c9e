import type { DocumentModule } from '../document-module.js';
import { validateDocument } from '../document-validation.js';
import { classifyChsiRecord } from './chsi_record.classifier.js';
import { chsiRecordValueRegions, extractChsiRecord } from './chsi_record.extractor.js';
import { CHSI_SCORED_FIELDS, chsiRecordSchema, chsiScoredFields } from './chsi_record.schema.js';
import { validateChsiRecord } from './chsi_record.validators.js';

export const chsiRecordModule: DocumentModule = {
  type: 'chsi_record',
  names: { zh: '学信网备案表', en: 'CHSI record' },
  classifyHint:
    '教育部学历证书电子注册备案表 or 教育部学籍在线验证报告 (学信网 CHSI registration record or student-status report)',
  identifyingField: 'verificationCode',
  schemaVersion: '1',
  schema: chsiRecordSchema,
  scoredFields: CHSI_SCORED_FIELDS,
  classify: classifyChsiRecord,
  extract: extractChsiRecord,
  validate: (extraction, context) =>
    validateDocument(extraction, context, chsiScoredFields(extraction.fields.reportKind), validateChsiRecord),
  valueRegions: chsiRecordValueRegions,
};
