import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { IdParamSchema, ListQuerySchema, problemResponses } from '../http/openapi-schemas.js';
import { ProblemError } from '../http/problems.js';
import { canSeeSubject } from '../subjects/subjects.models.js';
import type { SubjectsRepository } from '../subjects/subjects.repository.js';
import { SubjectParamSchema } from '../subjects/subjects.schemas.js';
import { toResult, type Verification } from './verifications.models.js';
import type { VerificationsRepository } from './verifications.repository.js';
import { VerificationResultSchema } from './verifications.schemas.js';

export interface VerificationReadRoutesDeps {
  authenticator: Authenticator;
  verifications: VerificationsRepository;
  subjects: Pick<SubjectsRepository, 'findById'>;
}

const canRead = (key: AppEnv['Variables']['apiKey'], v: Verification) =>
  key.role !== 'client' || v.clientKeyId === key.id;

/**
 * The lookups: a verification and a subject's history. Kept apart from the upload and revoke
 * routes so the edge Worker (src/edge) mounts them without the intake, the pipeline and the queue.
 */
export function createVerificationReadRoutes(deps: VerificationReadRoutesDeps) {
  const router = createRouter();

  const read = createRoute({
    method: 'get',
    path: '/v1/verifications/{id}',
    operationId: 'getVerification',
    tags: ['verifications'],
    summary: 'A verification and, once completed, its result',
    middleware: [requireRole(deps.authenticator, 'client', 'engine', 'reviewer')] as const,
    request: { params: IdParamSchema },
    responses: {
      200: {
        description: 'The verification',
        content: { 'application/json': { schema: VerificationResultSchema } },
      },
      ...problemResponses(401, 403, 404),
    },
  });

  router.openapi(read, async (c) => {
    const { id } = c.req.valid('param');
    const verification = await deps.verifications.findById(id);
    // A client asking for another client's verification learns nothing, not even that it exists.
    if (!verification || !canRead(c.get('apiKey'), verification)) {
      throw new ProblemError('NOT_FOUND', `No verification ${id}.`);
    }
    return c.json(toResult(verification), 200);
  });

  const list = createRoute({
    method: 'get',
    path: '/v1/subjects/{subjectId}/verifications',
    operationId: 'listSubjectVerifications',
    tags: ['verifications'],
    summary: "A subject's verifications, newest first (a client: only its own subjects, else 404)",
    middleware: [requireRole(deps.authenticator, 'client', 'engine', 'reviewer')] as const,
    request: { params: SubjectParamSchema, query: ListQuerySchema },
    responses: {
      200: {
        description: 'One page of verifications',
        content: {
          'application/json': {
            schema: z.object({ items: z.array(VerificationResultSchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      ...problemResponses(400, 401, 403, 404),
    },
  });

  router.openapi(list, async (c) => {
    const { subjectId } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    const key = c.get('apiKey');
    // A client sees only its own subjects: another client's looks like one that does not exist.
    if (key.role === 'client' && !canSeeSubject(key, await deps.subjects.findById(subjectId))) {
      throw new ProblemError('NOT_FOUND', `No subject ${subjectId}.`);
    }
    const page = await deps.verifications.listBySubject({
      subjectId,
      clientKeyId: key.role === 'client' ? key.id : null,
      limit,
      cursor: cursor ?? null,
    });
    return c.json({ items: page.items.map(toResult), nextCursor: page.nextCursor }, 200);
  });

  return router;
}
