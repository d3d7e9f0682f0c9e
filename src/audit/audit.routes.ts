import { createRoute, z } from '@hono/zod-openapi';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { IdParamSchema, problemResponses } from '../http/openapi-schemas.js';
import { ProblemError } from '../http/problems.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';
import type { AuditRecord } from './audit.models.js';
import type { AuditRepository } from './audit.repository.js';

const AuditRecordSchema = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    entityType: z.enum(['verification', 'subject', 'data_key', 'webhook_endpoint', 'api_key', 'audit']),
    entityId: z.string(),
    subjectId: z.string(),
    action: z.string(),
    actor: z.object({
      type: z.enum(['key', 'system']),
      id: z.string().optional(),
      role: z.string().optional(),
    }),
    at: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditRecord');

const toJson = (r: AuditRecord) => ({ ...r, at: r.at.toISOString() });

export function createAuditRoutes(deps: {
  authenticator: Authenticator;
  audit: AuditRepository;
  verifications: VerificationsRepository;
}) {
  const router = createRouter();
  const list = createRoute({
    method: 'get',
    path: '/v1/verifications/{id}/audit',
    operationId: 'listVerificationAudit',
    tags: ['audit'],
    summary: "A verification's audit trail, oldest first (hash-chained records)",
    middleware: [requireRole(deps.authenticator, 'reviewer', 'engine')] as const,
    request: { params: IdParamSchema },
    responses: {
      200: {
        description: 'The records about this verification, and the eligibility decisions that counted it',
        content: { 'application/json': { schema: z.object({ items: z.array(AuditRecordSchema) }) } },
      },
      ...problemResponses(401, 403, 404),
    },
  });
  router.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    const verification = await deps.verifications.findById(id);
    if (!verification) throw new ProblemError('NOT_FOUND', `No verification ${id}.`);
    const records = await deps.audit.listForVerification(id, verification.subjectId);
    return c.json({ items: records.map(toJson) }, 200);
  });
  return router;
}
