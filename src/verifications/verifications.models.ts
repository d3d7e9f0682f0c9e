import type { Applicant, DocumentType, FieldEvidence, Fields } from '../documents/document-types.js';
import type { Reason } from '../verdicts/reasons.js';

export type VerificationStatus = 'queued' | 'processing' | 'completed' | 'failed';
export type Verdict = 'verified' | 'rejected' | 'needs_review' | 'needs_retake';

export interface VerificationOutcome {
  documentType: DocumentType;
  fields: Fields;
  evidence: Record<string, FieldEvidence>;
  verdict: Verdict;
  confidence: number;
  reasons: Reason[];
  versions: Record<string, string>;
  timingsMs: Record<string, number>;
  perceptualHash: string | null;
  /** The document's own identifier, `<type>:<number>`, for the cross-subject duplicate check. */
  documentKey: string | null;
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
}

/** The contract's result shape (document-types.md, "Result shape"). */
export function toResult(v: Verification) {
  const o = v.outcome;
  return {
    id: v.id,
    subjectId: v.subjectId,
    status: v.status,
    documentType: o?.documentType ?? null,
    fields: o?.fields ?? null,
    evidence: o?.evidence ?? null,
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
  };
}

export type VerificationResult = ReturnType<typeof toResult>;
