import { createRoute, z } from '@hono/zod-openapi';
import type { Authenticator } from '../http/middleware.js';
import { requireRole } from '../http/middleware.js';
import { createRouter } from '../http/openapi-app.js';
import { problemResponses } from '../http/openapi-schemas.js';
import { registerSubjectIdentity } from './subjects.identity.usecases.js';
import { SubjectParamSchema } from './subjects.schemas.js';
import { eraseSubject } from './subjects.usecases.js';

type EraseDeps = Parameters<typeof eraseSubject>[0];
type IdentityDeps = Parameters<typeof registerSubjectIdentity>[0];

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

const SubjectIdentityInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(64).openapi({ description: 'As on the ID card', example: '张伟' }),
    idNumber: z
      .string()
      .trim()
      .regex(/^[0-9]{17}[0-9Xx]$/, 'idNumber must be 18 characters: 17 digits and a digit or X')
      .openapi({ description: 'The complete resident ID number; its check digit is verified' }),
  })
  .openapi('SubjectIdentityInput');

/** The answer names no personal data: the client knows what it sent. */
const SubjectIdentitySchema = z
  .object({
    subjectId: z.string(),
    identityRegistered: z.literal(true),
    registeredAt: z.string(),
  })
  .openapi('SubjectIdentity');

export function createSubjectRoutes(deps: EraseDeps & IdentityDeps & { authenticator: Authenticator }) {
  const router = createRouter();
  const erase = createRoute({
    method: 'delete',
    path: '/v1/subjects/{subjectId}',
    operationId: 'eraseSubject',
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
      ...problemResponses(400, 401, 403),
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

  const identity = createRoute({
    method: 'put',
    path: '/v1/subjects/{subjectId}/identity',
    operationId: 'registerSubjectIdentity',
    tags: ['subjects'],
    summary:
      "Register the identity (name + ID number) the subject's documents must belong to; creates the subject for this client when new",
    description:
      'A document counts only when it was read with its subject’s identity: registered here, or given on the upload. ' +
      'The same identity again changes nothing; another one is refused with 409 SUBJECT_IDENTITY_CONFLICT once the subject has documents. ' +
      "Another client's subject answers 404.",
    middleware: [requireRole(deps.authenticator, 'client')] as const,
    request: {
      params: SubjectParamSchema,
      body: { required: true, content: { 'application/json': { schema: SubjectIdentityInputSchema } } },
    },
    responses: {
      200: {
        description: 'The identity is registered',
        content: { 'application/json': { schema: SubjectIdentitySchema } },
      },
      ...problemResponses(400, 401, 403, 404, 409),
    },
  });
  router.openapi(identity, async (c) => {
    const { subjectId } = c.req.valid('param');
    const body = c.req.valid('json');
    const key = c.get('apiKey');
    const subject = await registerSubjectIdentity(deps, {
      subjectId,
      clientKeyId: key.id,
      identity: body,
      actor: { type: 'key', id: key.id, role: key.role },
    });
    return c.json(
      {
        subjectId,
        identityRegistered: true as const,
        registeredAt: (subject.identityRegisteredAt ?? subject.updatedAt).toISOString(),
      },
      200,
    );
  });
  return router;
}
