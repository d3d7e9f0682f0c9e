import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamp, timestamps } from '../db/columns.js';

export const verificationsTable = sqliteTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull(),
    /** The client key that uploaded it: a client reads only what it uploaded. */
    clientKeyId: text('client_key_id').notNull(),
    idempotencyKey: text('idempotency_key'),
    status: text('status', { enum: ['queued', 'processing', 'completed', 'failed'] }).notNull(),
    documentTypeHint: text('document_type_hint'),
    /** Applicant name and ID number, AES-256-GCM encrypted JSON. */
    applicantSealed: text('applicant_sealed'),
    /** Keyed hash of the applicant's normalised ID number, to find a person's documents without decrypting. */
    applicantIdHash: text('applicant_id_hash'),
    fileSha256: text('file_sha256').notNull(),
    fileMime: text('file_mime').notNull(),
    fileBytes: integer('file_bytes').notNull(),
    blobKey: text('blob_key'),
    perceptualHash: text('perceptual_hash'),
    /** Keyed hash of the document's own identifier (certificate, report or code number): the same paper under two subjects. */
    documentKeyHash: text('document_key_hash'),
    /** The document's identifier itself, sealed: what the blind index is computed again from after a key change. */
    documentKeySealed: text('document_key_sealed'),
    documentType: text('document_type'),
    verdict: text('verdict', { enum: ['verified', 'rejected', 'needs_review', 'needs_retake'] }),
    confidence: real('confidence'),
    /** Extracted fields and evidence, AES-256-GCM encrypted JSON (they hold names and ID numbers). */
    resultSealed: text('result_sealed'),
    reasons: text('reasons', { mode: 'json' }).$type<unknown[]>(),
    versions: text('versions', { mode: 'json' }).$type<Record<string, string>>(),
    timingsMs: text('timings_ms', { mode: 'json' }).$type<Record<string, number>>(),
    failureCode: text('failure_code'),
    completedAt: timestamp('completed_at'),
    /** Revoked by a reviewer: never counts again, whatever its verdict. */
    revokedAt: timestamp('revoked_at'),
    revokedByKeyId: text('revoked_by_key_id'),
    revocationReason: text('revocation_reason'),
    /** The reviewer's free-text note, sealed (it may name a person). */
    revocationNoteSealed: text('revocation_note_sealed'),
    /** The subject's personal data was erased (PIPL): the row stays, anonymised, for statistics and the audit chain. */
    erasedAt: timestamp('erased_at'),
    ...timestamps,
  },
  (t) => [
    index('verifications_subject_idx').on(t.subjectId, t.createdAt),
    index('verifications_sha_idx').on(t.fileSha256),
    index('verifications_blob_idx').on(t.blobKey),
    index('verifications_phash_idx').on(t.perceptualHash),
    index('verifications_document_key_idx').on(t.documentKeyHash),
    index('verifications_status_idx').on(t.status, t.verdict),
    uniqueIndex('verifications_idempotency_idx').on(t.clientKeyId, t.idempotencyKey),
  ],
);
