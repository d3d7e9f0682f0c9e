import { z } from 'zod';
import { cetScoreReportModule } from './cet_score_report/index.js';
import { chsiRecordModule } from './chsi_record/index.js';
import { degreeCertificateModule } from './degree_certificate/index.js';
import type { DocumentModule, DocumentModules } from './document-module.js';
import type { SupportedDocumentType } from './document-types.js';
import { graduationCertificateModule } from './graduation_certificate/index.js';

/** Every supported document type; adding a type adds one line here. */
export const documentModules = {
  cet_score_report: cetScoreReportModule,
  graduation_certificate: graduationCertificateModule,
  degree_certificate: degreeCertificateModule,
  chsi_record: chsiRecordModule,
} satisfies Record<SupportedDocumentType, DocumentModule>;

export function documentModuleFor(type: SupportedDocumentType): DocumentModule {
  return documentModules[type];
}

/**
 * The type ids a caller may name as a hint (the batch manifest's `documentTypeHint`): the registered
 * types, so a new type's hint is accepted as soon as it is registered.
 */
export function documentTypeHintSchema(modules: DocumentModules = documentModules) {
  return z.enum(Object.keys(modules) as [SupportedDocumentType, ...SupportedDocumentType[]]);
}
