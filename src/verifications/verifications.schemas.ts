import { z } from '@hono/zod-openapi';
import { DOCUMENT_TYPE_IDS } from '../documents/document-types.js';
import { documentModules } from '../documents/registry.js';
import { SubjectIdSchema } from '../subjects/subjects.schemas.js';
import { REASON_CODES } from '../verdicts/reasons.js';
import { REVOCATION_REASONS } from './verifications.models.js';

export const ReasonSchema = z.object({
  code: z.enum(REASON_CODES).openapi({ description: 'The closed list of reason codes (docs/contract.md)' }),
  field: z.string().optional(),
  message: z.string(),
  messageZh: z.string().optional(),
  severity: z.enum(['hard', 'soft', 'info', 'retake']),
});

const EvidenceSchema = z.object({
  text: z.string().openapi({ description: 'The text as read, before normalisation' }),
  box: z
    .tuple([z.number(), z.number(), z.number(), z.number()])
    .nullable()
    .openapi({ description: '[x, y, width, height] in pixels of the page as read' }),
  confidence: z.number().min(0).max(1),
  source: z.enum(['rules', 'pdf_text', 'llm', 'reviewer']),
});

const componentName = (type: string) =>
  `${type.replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase())}Fields`;

/**
 * The fields of each document type, from its module's zod schema (src/documents/registry.ts): every
 * field present, null when absent or unreadable. An unsupported document has none. The module's
 * object is rebuilt from its shape with this file's `z`: `.openapi()` exists only on schemas made
 * after @hono/zod-openapi has extended zod, and a document module may be loaded before that.
 */
const FieldsSchema = z.union([
  ...Object.values(documentModules).map((module) =>
    z
      .object(module.schema.shape)
      .openapi(componentName(module.type), { description: `The fields of a ${module.type}` }),
  ),
  z.strictObject({}).openapi({ description: 'No fields: the document type is unknown' }),
]);

/** A photographed degree certificate, read and verified (fixtures/sample-03-degree-photo). */
export const EXAMPLE_RESULT = {
  id: 'ver_0mxbewu15dU8FkOy6ybH_6A',
  subjectId: 'u-719778-002',
  status: 'completed',
  documentType: 'degree_certificate',
  fields: {
    name: '徐佳',
    gender: '女',
    birthDate: '1995-08-26',
    school: '浙江大学',
    major: '土木工程',
    degree: '工学学士',
    conferDate: '2018-06',
    certificateNumber: '1033542018003090',
    issueDate: '2018-06-24',
  },
  evidence: {
    name: { text: '徐佳', box: [425, 362, 67, 95], confidence: 0.971, source: 'rules' },
    degree: { text: '工学学士', box: [485, 512, 120, 57], confidence: 0.995, source: 'rules' },
    conferDate: {
      text: '二〇一八年六月二十四日',
      box: [1014, 891, 301, 49],
      confidence: 0.985,
      source: 'rules',
    },
  },
  verdict: 'verified',
  reasons: [
    {
      code: 'ONLINE_CHECK_REQUIRED',
      field: 'certificateNumber',
      message: 'D8: confirm the degree online (学位在线验证)',
      severity: 'info',
    },
  ],
  confidence: 0.969,
  versions: {
    pipeline: '1.0.0',
    schema: 'degree_certificate@1',
    prompt: 'none',
    model: 'none',
    ocr: 'ppocr',
  },
  timingsMs: { preprocess: 667, ocr: 1200, extract: 1878, total: 3744 },
  failure: null,
  createdAt: '2026-03-02T09:14:01.663Z',
  completedAt: '2026-03-02T09:14:05.438Z',
  revocation: null,
};

/** The same upload as it is accepted, before any processing. */
export const EXAMPLE_ACCEPTED = {
  ...EXAMPLE_RESULT,
  status: 'queued',
  documentType: null,
  fields: null,
  evidence: null,
  verdict: null,
  confidence: null,
  versions: null,
  timingsMs: null,
  completedAt: null,
};

export const VerificationResultSchema = z
  .object({
    id: z.string(),
    subjectId: z.string(),
    status: z.enum(['queued', 'processing', 'completed', 'failed']),
    documentType: z.enum([...DOCUMENT_TYPE_IDS, 'unknown']).nullable(),
    fields: FieldsSchema.nullable().openapi({
      description: "By documentType; null until completed, and once the subject's personal data is erased",
    }),
    evidence: z.record(z.string(), EvidenceSchema).nullable().openapi({ description: 'By field name' }),
    verdict: z.enum(['verified', 'rejected', 'needs_review', 'needs_retake']).nullable(),
    reasons: z.array(ReasonSchema),
    confidence: z.number().min(0).max(1).nullable(),
    versions: z.record(z.string(), z.string()).nullable(),
    timingsMs: z.record(z.string(), z.number()).nullable(),
    failure: z
      .object({
        code: z.string().openapi({
          description:
            'Why it could not be processed: the file (IMAGE_UNDECODABLE, IMAGE_TOO_LARGE, PDF_INVALID, PDF_ENCRYPTED, PDF_TOO_MANY_PAGES, PDF_TOO_COMPLEX), its original gone (BLOB_MISSING), or the processing (PROCESSING_FAILED, PROCESSING_INTERRUPTED)',
        }),
      })
      .nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    completedAt: z.string().nullable().openapi({ format: 'date-time' }),
    revocation: z
      .object({ revokedAt: z.string().openapi({ format: 'date-time' }), reason: z.enum(REVOCATION_REASONS) })
      .nullable(),
  })
  .openapi('VerificationResult', { example: EXAMPLE_RESULT });

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
