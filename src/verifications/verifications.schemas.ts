import { z } from '@hono/zod-openapi';
import { DOCUMENT_TYPE_IDS } from '../documents/document-types.js';
import { SubjectIdSchema } from '../subjects/subjects.schemas.js';

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
    subjectId: SubjectIdSchema,
    applicantName: z.string().trim().min(1).max(64).optional().openapi({
      description:
        "The subject's identity, with applicantIdNumber (both or neither): registers it when the subject has none; when it has one, must be that one (else 409 SUBJECT_IDENTITY_CONFLICT)",
    }),
    applicantIdNumber: z
      .string()
      .trim()
      .regex(/^[0-9]{17}[0-9Xx]$/, 'applicantIdNumber must be 18 characters: 17 digits and a digit or X')
      .optional()
      .openapi({ description: 'The complete ID number (check digit verified), with applicantName' }),
    documentTypeHint: z.enum(DOCUMENT_TYPE_IDS).optional(),
  })
  .superRefine((form, ctx) => {
    // An identity is a name and an ID number: half of one binds a document to nobody in particular.
    if (form.applicantName !== undefined && form.applicantIdNumber === undefined) {
      ctx.addIssue({ code: 'custom', path: ['applicantIdNumber'], message: 'give it with applicantName' });
    }
    if (form.applicantIdNumber !== undefined && form.applicantName === undefined) {
      ctx.addIssue({ code: 'custom', path: ['applicantName'], message: 'give it with applicantIdNumber' });
    }
  })
  .openapi('VerificationUpload');
