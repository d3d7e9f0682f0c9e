import type { DocumentModule } from '../document-module.js';
import { validateDocument } from '../document-validation.js';
import { classifyGraduationCertificate } from './graduation_certificate.classifier.js';
import {
  extractGraduationCertificate,
  graduationCertificateValueRegions,
} from './graduation_certificate.extractor.js';
import { GRADUATION_SCORED_FIELDS, graduationCertificateSchema } from './graduation_certificate.schema.js';
import { validateGraduationCertificate } from './graduation_certificate.validators.js';

export const graduationCertificateModule: DocumentModule = {
  type: 'graduation_certificate',
  names: { zh: '毕业证书', en: 'graduation certificate' },
  classifyHint: '普通高等学校毕业证书 or 研究生毕业证书 (graduation certificate)',
  identifyingField: 'certificateNumber',
  schemaVersion: '1',
  schema: graduationCertificateSchema,
  scoredFields: GRADUATION_SCORED_FIELDS,
  classify: classifyGraduationCertificate,
  extract: extractGraduationCertificate,
  validate: (extraction, context) =>
    validateDocument(extraction, context, GRADUATION_SCORED_FIELDS, validateGraduationCertificate),
  valueRegions: graduationCertificateValueRegions,
};
