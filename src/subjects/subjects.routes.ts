import { createRoute, z } from '@hono/zod-openapi';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses, SubjectParamSchema } from '../verifications/verifications.schemas.js';
import { eraseSubject } from './subjects.usecases.js';

type EraseDeps = Parameters<typeof eraseSubject>[0];

const SubjectErasureSchema = z
  .object({
    subjectId: z.string(),
    verificationsErased: z.number().int(),
    blobsDeleted: z.number().int(),
    auditPayloadsErased: z
      .number()
      .int()
      .openapi({ description: 'Sealed reviewer notes and corrected fields erased from the audit trail' }),
    fixturesDeleted: z
      .number()
      .int()
      .openapi({ description: "Fixture cases exported from the subject's verifications, deleted" }),
  })
  .openapi('SubjectErasure');

export function createSubjectRoutes(deps: EraseDeps & { authenticator: Authenticator }) {
  const router = createRouter();
  const erase = createRoute({
    method: 'delete',
    path: '/v1/subjects/{subjectId}',
    tags: ['subjects'],
    summary:
      "Erase a subject's personal data (PIPL): applicant, fields, evidence, notes (rows and audit trail), originals, exported fixtures and cached model replies; verdicts stay anonymised",
    middleware: [requireRole(deps.authenticator, 'admin')] as const,
    request: { params: SubjectParamSchema },
    responses: {
      200: {
        description: 'Erased (idempotent: a second call erases nothing more)',
        content: { 'application/json': { schema: SubjectErasureSchema } },
      },
      ...problemResponses(401, 403),
    },
  });
  router.openapi(erase, async (c) => {
    const { subjectId } = c.req.valid('param');
    const key = c.get('apiKey');
    const result = await eraseSubject(deps, {
      subjectId,
      actor: { type: 'key', id: key.id, role: key.role },
    });
    return c.json(result, 200);
  });
  return router;
}
