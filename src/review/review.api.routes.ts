import { createRoute, z } from '@hono/zod-openapi';
import { EligibilitySchema } from '../eligibility/eligibility.schemas.js';
import { decisionToJson } from '../eligibility/eligibility.usecases.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { ProblemError } from '../http/problems.js';
import { toResult } from '../verifications/verifications.models.js';
import {
  IdParamSchema,
  problemResponses,
  VerificationResultSchema,
} from '../verifications/verifications.schemas.js';
import { parseVersion, VERDICTS, versionOf } from './review.models.js';
import { createReviewQueueRoutes } from './review.queue.routes.js';
import { actorOf, type ReviewDeps, submitReview } from './review.usecases.js';

const ReasonOutSchema = z.object({
  code: z.string(),
  field: z.string().optional(),
  message: z.string(),
  messageZh: z.string().optional(),
  severity: z.enum(['hard', 'soft', 'info', 'retake']),
});

const CorrectionSchema = z
  .strictObject({
    expectedVersion: z
      .string()
      .regex(/^\d{1,15}$/)
      .openapi({
        description:
          'The `version` you loaded (from GET /v1/review/queue or a previous correction); a stale one is 409',
      }),
    verdict: z.enum(VERDICTS).optional().openapi({ description: "The reviewer's verdict: final" }),
    fields: z
      .record(z.string().min(1).max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
      .optional()
      .openapi({ description: 'Only the fields that change; they are validated again' }),
    note: z.string().trim().min(1).max(2000).optional().openapi({ description: 'Stored sealed' }),
  })
  .refine((b) => b.verdict !== undefined || (b.fields && Object.keys(b.fields).length > 0), {
    message: 'give a verdict, fields, or both',
  })
  .openapi('Correction');

const CorrectionResultSchema = z
  .object({
    verification: VerificationResultSchema,
    version: z.string(),
    revalidation: z.object({
      verdict: z.enum(VERDICTS).openapi({ description: 'What the rules decide on the corrected fields' }),
      reasons: z.array(ReasonOutSchema),
    }),
    eligibility: EligibilitySchema,
  })
  .openapi('CorrectionResult');

/** The review work as JSON for tools: the correction itself, and the queue and the team's metrics. */
export function createReviewApiRoutes(deps: ReviewDeps) {
  const router = createRouter();

  const correct = createRoute({
    method: 'post',
    path: '/v1/verifications/{id}/corrections',
    tags: ['review'],
    summary: "A reviewer's correction: fields and/or verdict, re-validated (event verification.corrected)",
    middleware: [requireRole(deps.authenticator, 'reviewer')] as const,
    request: {
      params: IdParamSchema,
      body: { required: true, content: { 'application/json': { schema: CorrectionSchema } } },
    },
    responses: {
      200: {
        description: 'The corrected verification',
        content: { 'application/json': { schema: CorrectionResultSchema } },
      },
      ...problemResponses(400, 401, 403, 404, 409, 410),
    },
  });

  router.openapi(correct, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const expectedVersion = parseVersion(body.expectedVersion);
    if (!expectedVersion) throw new ProblemError('VALIDATION_FAILED', 'expectedVersion is not a version.');
    const key = c.get('apiKey');
    const result = await submitReview(deps, {
      id,
      actor: actorOf(key),
      ...(body.verdict ? { verdict: body.verdict } : {}),
      ...(body.fields ? { fields: body.fields } : {}),
      note: body.note ?? null,
      expectedVersion,
    });
    return c.json(
      {
        verification: toResult(result.verification),
        version: versionOf(result.verification.updatedAt),
        revalidation: {
          verdict: result.revalidation.verdict,
          reasons: result.revalidation.reasons.map(({ code, field, message, messageZh, severity }) => ({
            code,
            ...(field ? { field } : {}),
            message,
            ...(messageZh ? { messageZh } : {}),
            severity,
          })),
        },
        eligibility: decisionToJson(result.eligibility),
      },
      200,
    );
  });

  // The queue and the metrics only read: they live in their own module, which the edge Worker mounts too.
  router.route('/', createReviewQueueRoutes(deps));

  return router;
}
