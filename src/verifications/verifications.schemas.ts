import { z } from '@hono/zod-openapi';
import { DOCUMENT_TYPE_IDS } from '../documents/document-types.js';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: 'Problem details (RFC 9457)',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );

const ReasonSchema = z.object({
  code: z.string(),
  field: z.string().optional(),
  message: z.string(),
  messageZh: z.string().optional(),
  severity: z.enum(['hard', 'soft', 'info', 'retake']),
});

const EvidenceSchema = z.object({
  text: z.string(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  confidence: z.number(),
  source: z.enum(['rules', 'pdf_text', 'llm', 'reviewer']),
});

export const VerificationResultSchema = z
  .object({
    id: z.string(),
    subjectId: z.string(),
    status: z.enum(['queued', 'processing', 'completed', 'failed']),
    documentType: z.enum([...DOCUMENT_TYPE_IDS, 'unknown']).nullable(),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
    evidence: z.record(z.string(), EvidenceSchema).nullable(),
    verdict: z.enum(['verified', 'rejected', 'needs_review', 'needs_retake']).nullable(),
    reasons: z.array(ReasonSchema),
    confidence: z.number().nullable(),
    versions: z.record(z.string(), z.string()).nullable(),
    timingsMs: z.record(z.string(), z.number()).nullable(),
    failure: z.object({ code: z.string() }).nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    revocation: z.object({ revokedAt: z.string(), reason: z.string() }).nullable(),
  })
  .openapi('VerificationResult');

export const UploadFormSchema = z
  .strictObject({
    file: z
      .instanceof(File, { message: 'file must be a file part' })
      .openapi({ type: 'string', format: 'binary', description: 'JPEG, PNG, WebP, TIFF, HEIC or PDF' }),
    subjectId: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._:@-]+$/, 'subjectId may hold letters, digits and . _ : @ -'),
    applicantName: z.string().trim().min(1).max(64).optional(),
    applicantIdNumber: z
      .string()
      .trim()
      .regex(
        /^[0-9*]{17}[0-9Xx*]$/,
        'applicantIdNumber must be 18 characters: digits, X, or * for masked ones',
      )
      .optional(),
    documentTypeHint: z.enum(DOCUMENT_TYPE_IDS).optional(),
  })
  .openapi('VerificationUpload');

export const IdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const SubjectParamSchema = z.object({
  subjectId: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'subjectId', in: 'path' } }),
});

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(64).optional(),
});
