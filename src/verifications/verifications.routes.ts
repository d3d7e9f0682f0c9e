import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { EligibilitySchema, EXAMPLE_ELIGIBILITY } from '../eligibility/eligibility.schemas.js';
import { decisionToJson, type EligibilityService } from '../eligibility/eligibility.usecases.js';
import type { AppEnv } from '../http/app-env.js';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import {
  IdParamSchema,
  problemResponses,
  RATE_LIMIT_HEADERS,
  responseHeaders,
} from '../http/openapi-schemas.js';
import { ProblemError } from '../http/problems.js';
import { perKeyRateLimit } from '../http/rate-limit.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { ChangeDeps } from './verifications.changes.js';
import { REVOCATION_REASONS, toResult } from './verifications.models.js';
import { createVerificationReadRoutes } from './verifications.read.routes.js';
import type { VerificationsRepository } from './verifications.repository.js';
import { revokeVerification } from './verifications.revoke.usecases.js';
import {
  EXAMPLE_ACCEPTED,
  EXAMPLE_RESULT,
  UploadFormSchema,
  VerificationResultSchema,
} from './verifications.schemas.js';
import {
  assertQueueHasRoom,
  type SubmitDeps,
  submitVerification,
  waitForVerification,
} from './verifications.submit.usecases.js';

export interface VerificationRoutesDeps extends SubmitDeps, ChangeDeps {
  authenticator: Authenticator;
  verifications: VerificationsRepository;
  queue: JobQueue;
  maxWaitSeconds: number;
  perKeyPerMinute: number;
  eligibility: EligibilityService;
}

/** The upload's answer: the result and, when the verdict came within the wait, the subject's eligibility. */
const UploadResultSchema = VerificationResultSchema.extend({
  eligibility: EligibilitySchema.optional().openapi({
    description: 'Present when the verification completed within Prefer: wait',
  }),
}).openapi('UploadResult');

const multipartOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Upload the file as multipart/form-data.');
  }
  await next();
};

/**
 * When a 202's Location is worth polling first: one document takes about 2 s at the median (README,
 * "What it measures"), so an earlier poll mostly finds it still queued.
 */
export const POLL_AFTER_SECONDS = 2;

/** RFC 7240 `Prefer: wait=N`. */
export function preferredWaitSeconds(prefer: string | undefined): number | null {
  const match = prefer ? /(?:^|[,;\s])wait\s*=\s*"?(\d+)"?/i.exec(prefer) : null;
  return match?.[1] ? Number(match[1]) : null;
}

export function createVerificationRoutes(deps: VerificationRoutesDeps) {
  const router = createRouter();

  const upload = createRoute({
    method: 'post',
    path: '/v1/verifications',
    operationId: 'createVerification',
    tags: ['verifications'],
    summary: 'Upload a document photo or PDF for verification',
    description:
      "The subject is this client's (another client's subject answers 404). The document is verified only when the subject's identity is known: " +
      'registered with PUT /v1/subjects/{subjectId}/identity, or given here as applicantName + applicantIdNumber. ' +
      'Without one it is at most needs_review (APPLICANT_UNKNOWN) and never counts for eligibility.',
    middleware: [
      requireRole(deps.authenticator, 'client'),
      perKeyRateLimit(deps.perKeyPerMinute),
      // Before the body is read: shedding must cost the server next to nothing.
      (async (_c, next) => {
        await assertQueueHasRoom(deps);
        await next();
      }) satisfies MiddlewareHandler<AppEnv>,
      multipartOnly,
      bodyLimit({
        // the multipart envelope adds a little to the file itself
        maxSize: deps.limits.maxBytes + 256 * 1024,
        onError: () => {
          throw new ProblemError(
            'PAYLOAD_TOO_LARGE',
            `The upload is larger than ${deps.limits.maxBytes} bytes.`,
          );
        },
      }),
    ] as const,
    request: {
      headers: z.object({
        'idempotency-key': z.string().min(1).max(255).optional().openapi({
          description:
            'Makes a retry safe: the same key with the same file and subject answers the first upload (Idempotent-Replayed); with another, 422 IDEMPOTENCY_KEY_REUSED',
          example: 'upload-7c1e2f',
        }),
        prefer: z
          .string()
          .optional()
          .openapi({ description: 'RFC 7240: wait up to N seconds for the verdict', example: 'wait=10' }),
      }),
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: UploadFormSchema,
            encoding: {
              file: {
                contentType: 'image/jpeg, image/png, image/webp, image/tiff, image/heic, application/pdf',
              },
            },
          },
        },
      },
    },
    responses: {
      200: {
        description: 'A retried upload (same Idempotency-Key) whose verification is still running',
        headers: responseHeaders(
          'Location',
          'Idempotent-Replayed',
          'Preference-Applied',
          ...RATE_LIMIT_HEADERS,
        ),
        content: { 'application/json': { schema: UploadResultSchema } },
      },
      201: {
        description:
          'Completed (or failed) within the requested wait, or a retried upload that had: the result, and the eligibility when it completed within the wait',
        headers: responseHeaders(
          'Location',
          'Idempotent-Replayed',
          'Preference-Applied',
          ...RATE_LIMIT_HEADERS,
        ),
        content: {
          'application/json': {
            schema: UploadResultSchema,
            example: { ...EXAMPLE_RESULT, eligibility: EXAMPLE_ELIGIBILITY },
          },
        },
      },
      202: {
        description: 'Accepted: poll the Location, not before Retry-After seconds',
        headers: responseHeaders('Location', 'Retry-After', 'Preference-Applied', ...RATE_LIMIT_HEADERS),
        content: { 'application/json': { schema: UploadResultSchema, example: EXAMPLE_ACCEPTED } },
      },
      ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
    },
  });

  router.openapi(upload, async (c) => {
    const form = c.req.valid('form');
    const headers = c.req.valid('header');
    const key = c.get('apiKey');
    const applicant =
      form.applicantName || form.applicantIdNumber
        ? { name: form.applicantName ?? null, idNumber: form.applicantIdNumber?.toUpperCase() ?? null }
        : null;
    const { verification, replayed } = await submitVerification(deps, {
      clientKeyId: key.id,
      subjectId: form.subjectId,
      file: Buffer.from(await form.file.arrayBuffer()),
      applicant,
      documentTypeHint: form.documentTypeHint ?? null,
      idempotencyKey: headers['idempotency-key'] ?? null,
      actor: { type: 'key', id: key.id, role: key.role },
    });
    const requested = preferredWaitSeconds(headers.prefer);
    const wait = requested === null ? 0 : Math.min(requested, deps.maxWaitSeconds);
    const current =
      wait > 0
        ? ((await waitForVerification(deps, verification.id, wait * 1000)) ?? verification)
        : verification;
    if (requested !== null) c.header('Preference-Applied', `wait=${wait}`);
    if (replayed) c.header('Idempotent-Replayed', 'true');
    c.header('Location', `/v1/verifications/${current.id}`);
    const body = toResult(current);
    const done = current.status === 'completed' || current.status === 'failed';
    if (current.status === 'completed' && wait > 0) {
      // Instant feedback: the verdict is in, so the subject's limit-raise outcome is too.
      const decision = await deps.eligibility.decide(current.subjectId, {
        type: 'key',
        id: key.id,
        role: key.role,
      });
      return c.json({ ...body, eligibility: decisionToJson(decision) }, 201);
    }
    if (done) return c.json(body, 201);
    if (replayed) return c.json(body, 200);
    c.header('Retry-After', String(POLL_AFTER_SECONDS));
    return c.json(body, 202);
  });

  // The lookups live in their own module, which the edge Worker mounts alone.
  router.route('/', createVerificationReadRoutes(deps));

  const revoke = createRoute({
    method: 'post',
    path: '/v1/verifications/{id}/revoke',
    operationId: 'revokeVerification',
    tags: ['verifications'],
    summary: 'Revoke a verification: it never counts for eligibility again (event verification.revoked)',
    middleware: [requireRole(deps.authenticator, 'reviewer')] as const,
    request: {
      params: IdParamSchema,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({
              reason: z.enum(REVOCATION_REASONS),
              note: z
                .string()
                .trim()
                .min(1)
                .max(2000)
                .optional()
                .openapi({ description: 'Free text; stored sealed, never sent in webhooks' }),
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The revoked verification',
        content: { 'application/json': { schema: VerificationResultSchema } },
      },
      ...problemResponses(400, 401, 403, 404, 409, 410),
    },
  });

  router.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const key = c.get('apiKey');
    const revoked = await revokeVerification(deps, {
      id,
      actor: { type: 'key', id: key.id, role: key.role },
      reason: body.reason,
      note: body.note ?? null,
    });
    return c.json(toResult(revoked), 200);
  });

  return router;
}
