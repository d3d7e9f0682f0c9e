import type { DocumentModule } from '../document-module.js';
import { validateDocument } from '../document-validation.js';
import { classifyDegreeCertificate } from './degree_certificate.classifier.js';
import { degreeCertificateValueRegions, extractDegreeCertificate } from './degree_certificate.extractor.js';
import { DEGREE_SCORED_FIELDS, degreeCertificateSchema } from './degree_certificate.schema.js';
import { validateDegreeCertificate } from './degree_certificate.validators.js';

export const degreeCertificateModule: DocumentModule = {
  type: 'degree_certificate',
  names: { zh: '学位证书', en: 'degree certificate' },
  classifyHint: '学士/硕士/博士学位证书 (degree certificate)',
  identifyingField: 'certificateNumber',
  schemaVersion: '1',
  schema: degreeCertificateSchema,
  scoredFields: DEGREE_SCORED_FIELDS,
  classify: classifyDegreeCertificate,
  extract: extractDegreeCertificate,
  validate: (extraction, context) =>
    validateDocument(extraction, context, DEGREE_SCORED_FIELDS, validateDegreeCertificate),
  valueRegions: degreeCertificateValueRegions,
};
