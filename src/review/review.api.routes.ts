import { createRoute, z } from '@hono/zod-openapi';
import { EligibilitySchema } from '../eligibility/eligibility.schemas.js';
import { decisionToJson } from '../eligibility/eligibility.usecases.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { IdParamSchema, problemResponses } from '../http/openapi-schemas.js';
import { ProblemError } from '../http/problems.js';
import type { Verdict } from '../verdicts/decide.js';
import type { Reason } from '../verdicts/reasons.js';
import { toResult } from '../verifications/verifications.models.js';
import { ReasonSchema, VerificationResultSchema } from '../verifications/verifications.schemas.js';
import { decideApproval, openProposal, submitReview } from './review.decisions.js';
import { parseVersion, VERDICTS, versionOf } from './review.models.js';
import { createReviewQueueRoutes } from './review.queue.routes.js';
import { actorOf, loadCase, type ReviewDeps } from './review.usecases.js';
import type { ReviewApproval } from './review-approvals.repository.js';

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

const RevalidationSchema = z.object({
  verdict: z.enum(VERDICTS).openapi({ description: 'What the rules decide on the corrected fields' }),
  reasons: z.array(ReasonSchema),
});

const revalidationToJson = (r: { verdict: Verdict; reasons: Reason[] }) => ({
  verdict: r.verdict,
  reasons: r.reasons.map(({ code, field, message, messageZh, severity }) => ({
    code,
    ...(field ? { field } : {}),
    message,
    ...(messageZh ? { messageZh } : {}),
    severity,
  })),
});

const CorrectionResultSchema = z
  .object({
    verification: VerificationResultSchema,
    version: z.string(),
    revalidation: RevalidationSchema,
    eligibility: EligibilitySchema,
  })
  .openapi('CorrectionResult');

const ApprovalSchema = z
  .object({
    id: z.string(),
    verificationId: z.string(),
    status: z.enum(['pending', 'approved', 'sent_back', 'superseded']),
    proposedVerdict: z.enum(VERDICTS),
    changedFields: z.array(z.string()),
    hardReasonCodes: z.array(z.string()).openapi({ description: 'Why a second reviewer must approve' }),
    proposedBy: z.object({ keyId: z.string() }),
    proposedAt: z.string(),
    decidedBy: z.object({ keyId: z.string() }).nullable(),
    decidedAt: z.string().nullable(),
  })
  .openapi('Approval');

const ApprovalWithValuesSchema = ApprovalSchema.extend({
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  note: z.string().nullable(),
  decisionNote: z.string().nullable(),
}).openapi('ApprovalWithValues');

const ProposalResultSchema = z
  .object({
    status: z.literal('awaiting_approval'),
    approval: ApprovalSchema,
    verification: VerificationResultSchema.openapi({ description: 'Unchanged until approved' }),
    version: z.string(),
    revalidation: RevalidationSchema,
  })
  .openapi('ProposalResult');

const ApprovalDecisionSchema = z
  .strictObject({
    approvalId: z.string().min(1).max(64),
    decision: z.enum(['approve', 'send_back']),
    note: z.string().trim().min(1).max(2000).optional().openapi({ description: 'Stored sealed' }),
  })
  .openapi('ApprovalDecision');

const ApprovalDecisionResultSchema = z
  .object({
    approval: ApprovalSchema,
    verification: VerificationResultSchema,
    version: z.string(),
    eligibility: EligibilitySchema.nullable().openapi({ description: 'The fresh decision, when approved' }),
  })
  .openapi('ApprovalDecisionResult');

const approvalToJson = (a: ReviewApproval) => ({
  id: a.id,
  verificationId: a.verificationId,
  status: a.status,
  proposedVerdict: a.proposedVerdict,
  changedFields: a.changedFields,
  hardReasonCodes: a.hardReasonCodes,
  proposedBy: { keyId: a.proposedByKeyId },
  proposedAt: a.proposedAt.toISOString(),
  decidedBy: a.decidedByKeyId ? { keyId: a.decidedByKeyId } : null,
  decidedAt: a.decidedAt?.toISOString() ?? null,
});

/** The review work as JSON for tools: the correction itself, and the queue and the team's metrics. */
export function createReviewApiRoutes(deps: ReviewDeps) {
  const router = createRouter();

  const correct = createRoute({
    method: 'post',
    path: '/v1/verifications/{id}/corrections',
    operationId: 'correctVerification',
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
      202: {
        description:
          'A `verified` over a HARD reason: stored as a proposal until a second reviewer approves it (POST …/approvals); the verification is unchanged',
        content: { 'application/json': { schema: ProposalResultSchema } },
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
    if (result.kind === 'proposed') {
      return c.json(
        {
          status: 'awaiting_approval' as const,
          approval: approvalToJson(result.approval),
          verification: toResult(result.verification),
          version: versionOf(result.verification.updatedAt),
          revalidation: revalidationToJson(result.revalidation),
        },
        202,
      );
    }
    return c.json(
      {
        verification: toResult(result.verification),
        version: versionOf(result.verification.updatedAt),
        revalidation: revalidationToJson(result.revalidation),
        eligibility: decisionToJson(result.eligibility),
      },
      200,
    );
  });

  const listApprovals = createRoute({
    method: 'get',
    path: '/v1/verifications/{id}/approvals',
    operationId: 'listApprovals',
    tags: ['review'],
    summary: "A case's proposals for a second reviewer, newest first, with the proposed values",
    middleware: [requireRole(deps.authenticator, 'reviewer')] as const,
    request: { params: IdParamSchema },
    responses: {
      200: {
        description: 'The proposals',
        content: { 'application/json': { schema: z.object({ items: z.array(ApprovalWithValuesSchema) }) } },
      },
      ...problemResponses(401, 403, 404),
    },
  });

  router.openapi(listApprovals, async (c) => {
    const { id } = c.req.valid('param');
    await loadCase(deps, id);
    const items = (await deps.approvals.listFor(id)).map((a) => {
      const opened = openProposal(deps, a);
      return {
        ...approvalToJson(a),
        fields: opened.fields,
        note: opened.note,
        decisionNote: opened.decisionNote,
      };
    });
    c.header('cache-control', 'no-store');
    return c.json({ items }, 200);
  });

  const decide = createRoute({
    method: 'post',
    path: '/v1/verifications/{id}/approvals',
    operationId: 'decideApproval',
    tags: ['review'],
    summary:
      'A second reviewer approves a proposal (the correction is applied: audit, event, eligibility) or sends it back',
    middleware: [requireRole(deps.authenticator, 'reviewer')] as const,
    request: {
      params: IdParamSchema,
      body: { required: true, content: { 'application/json': { schema: ApprovalDecisionSchema } } },
    },
    responses: {
      200: {
        description: 'The decided proposal and the verification after it',
        content: { 'application/json': { schema: ApprovalDecisionResultSchema } },
      },
      ...problemResponses(400, 401, 403, 404, 409),
    },
  });

  router.openapi(decide, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const result = await decideApproval(deps, {
      verificationId: id,
      approvalId: body.approvalId,
      actor: actorOf(c.get('apiKey')),
      decision: body.decision,
      note: body.note ?? null,
    });
    return c.json(
      {
        approval: approvalToJson(result.approval),
        verification: toResult(result.verification),
        version: versionOf(result.verification.updatedAt),
        eligibility: result.eligibility ? decisionToJson(result.eligibility) : null,
      },
      200,
    );
  });

  // The queue and the metrics only read: they live in their own module, which the edge Worker mounts too.
  router.route('/', createReviewQueueRoutes(deps));

  return router;
}
