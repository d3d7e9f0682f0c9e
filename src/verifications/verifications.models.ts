import type { Applicant } from '../documents/document-types.js';
import type { PipelineOutcome } from '../pipeline/pipeline.types.js';

export type VerificationStatus = 'queued' | 'processing' | 'completed' | 'failed';

/** The job that reads an uploaded document and writes its verdict. */
export const PROCESS_VERIFICATION_JOB = 'verification.process';

/** A verification's outcome is what the document pipeline decided. */
export type VerificationOutcome = PipelineOutcome;

export const REVOCATION_REASONS = [
  'fraud_suspected',
  'document_invalid',
  'wrong_subject',
  'applicant_request',
  'reviewer_error',
  'other',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface Revocation {
  at: Date;
  byKeyId: string | null;
  reason: RevocationReason;
  /** Free text from the reviewer; stored sealed. */
  note: string | null;
}

export interface Verification {
  id: string;
  subjectId: string;
  clientKeyId: string;
  idempotencyKey: string | null;
  status: VerificationStatus;
  documentTypeHint: string | null;
  applicant: Applicant | null;
  fileSha256: string;
  fileMime: string;
  fileBytes: number;
  blobKey: string | null;
  outcome: VerificationOutcome | null;
  failureCode: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  revocation: Revocation | null;
  /** Set when the subject's personal data was erased: fields, evidence and applicant are gone. */
  erasedAt: Date | null;
}

/** The contract's result shape (docs/contract.md, "Result shape"). */
export function toResult(v: Verification) {
  const o = v.outcome;
  return {
    id: v.id,
    subjectId: v.subjectId,
    status: v.status,
    documentType: o?.documentType ?? null,
    fields: v.erasedAt ? null : (o?.fields ?? null),
    evidence: v.erasedAt ? null : (o?.evidence ?? null),
    verdict: o?.verdict ?? null,
    reasons: (o?.reasons ?? []).map(({ code, field, message, messageZh, severity }) => ({
      code,
      ...(field ? { field } : {}),
      message,
      ...(messageZh ? { messageZh } : {}),
      severity,
    })),
    confidence: o?.confidence ?? null,
    versions: o?.versions ?? null,
    timingsMs: o?.timingsMs ?? null,
    failure: v.failureCode ? { code: v.failureCode } : null,
    createdAt: v.createdAt.toISOString(),
    completedAt: v.completedAt?.toISOString() ?? null,
    revocation: v.revocation
      ? { revokedAt: v.revocation.at.toISOString(), reason: v.revocation.reason }
      : null,
  };
}

export type VerificationResult = ReturnType<typeof toResult>;

/**
 * The audit view of a verification: its state without personal data (fields, evidence and the
 * applicant are left out; they stay sealed in the verification itself).
 */
export function auditSnapshot(v: Verification) {
  return {
    status: v.status,
    documentType: v.outcome?.documentType ?? null,
    verdict: v.outcome?.verdict ?? null,
    confidence: v.outcome?.confidence ?? null,
    reasonCodes: (v.outcome?.reasons ?? []).map((r) => r.code),
    failureCode: v.failureCode,
    fileSha256: v.fileSha256,
    revoked: v.revocation !== null,
  };
}

/** The personal-data-free view of a verification in webhook payloads. */
export function eventView(v: Verification) {
  return {
    verificationId: v.id,
    subjectId: v.subjectId,
    status: v.status,
    documentType: v.outcome?.documentType ?? null,
    verdict: v.outcome?.verdict ?? null,
    confidence: v.outcome?.confidence ?? null,
    reasons: (v.outcome?.reasons ?? []).map((r) => ({
      code: r.code,
      ...(r.field ? { field: r.field } : {}),
      severity: r.severity,
    })),
    failure: v.failureCode ? { code: v.failureCode } : null,
    completedAt: v.completedAt?.toISOString() ?? null,
    revocation: v.revocation
      ? { revokedAt: v.revocation.at.toISOString(), reason: v.revocation.reason }
      : null,
  };
}
