import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { EligibilitySchema } from '../eligibility/eligibility.schemas.js';
import { REVOCATION_REASONS } from '../verifications/verifications.models.js';
import { VerificationResultSchema } from '../verifications/verifications.schemas.js';
import { type DeliveredEventType, PING_EVENT_TYPE } from './webhooks.models.js';

// The OpenAPI `webhooks` section: what a receiver gets, per event type. The bodies are built in
// webhooks.usecases.ts (envelope) and verifications.usecases.ts (`data`); webhooks.openapi.test.ts
// checks real deliveries against these schemas.

const EligibilitySummarySchema = EligibilitySchema.pick({
  eligible: true,
  tier: true,
  suggestedIncrease: true,
  signals: true,
  expiresAt: true,
  policyVersion: true,
}).openapi({ description: "The subject's eligibility after the change" });

const VerificationEventDataSchema = VerificationResultSchema.pick({
  status: true,
  documentType: true,
  verdict: true,
  confidence: true,
  failure: true,
  completedAt: true,
  revocation: true,
}).extend({
  verificationId: z.string(),
  subjectId: z.string(),
  reasons: z.array(
    z.object({
      code: z.string(),
      field: z.string().optional(),
      severity: z.enum(['hard', 'soft', 'info', 'retake']),
    }),
  ),
  eligibility: EligibilitySummarySchema,
});

/** `verification.completed` → `VerificationCompleted`. */
const pascal = (type: DeliveredEventType) =>
  type.replace(/(^|[._])(\w)/g, (_, _separator: string, c: string) => c.toUpperCase());

const envelope = (type: DeliveredEventType, data: z.ZodType) =>
  z
    .object({
      id: z.string().openapi({ description: 'The event id, also sent as `webhook-id`: deduplicate on it' }),
      type: z.literal(type),
      timestamp: z.string().openapi({ description: 'When the event happened (ISO 8601)' }),
      createdAt: z.string().openapi({ description: 'The same as `timestamp`' }),
      data,
    })
    .openapi(`${pascal(type)}Event`);

/** The body of each event type, as delivered. */
export const WEBHOOK_PAYLOAD_SCHEMAS = {
  'verification.completed': envelope('verification.completed', VerificationEventDataSchema),
  'verification.failed': envelope('verification.failed', VerificationEventDataSchema),
  'verification.corrected': envelope(
    'verification.corrected',
    VerificationEventDataSchema.extend({
      verdictBefore: VerificationResultSchema.shape.verdict,
      changedFields: z.array(z.string()),
    }),
  ),
  'verification.revoked': envelope(
    'verification.revoked',
    VerificationEventDataSchema.extend({
      revocation: z.object({ revokedAt: z.string(), reason: z.enum(REVOCATION_REASONS) }),
      revokedBy: z.object({ keyId: z.string(), role: z.string() }).nullable(),
    }),
  ),
  [PING_EVENT_TYPE]: envelope(PING_EVENT_TYPE, z.object({ endpointId: z.string() })),
} satisfies Record<DeliveredEventType, z.ZodType>;

const WHEN: Record<DeliveredEventType, string> = {
  'verification.completed': 'A verdict was reached',
  'verification.failed': 'Processing failed for good',
  'verification.corrected': 'A reviewer changed the verdict or the fields',
  'verification.revoked': 'A verification was revoked',
  [PING_EVENT_TYPE]:
    'An admin asked for a test delivery (`POST /v1/admin/webhooks/endpoints/{endpointId}/ping`)',
};

const SignatureHeadersSchema = z.object({
  'webhook-id': z.string().openapi({ description: 'The event id: the same on every retry and replay' }),
  'webhook-timestamp': z
    .string()
    .regex(/^\d+$/)
    .openapi({ description: 'Unix seconds of this attempt; refuse one far from your clock' }),
  'webhook-signature': z.string().openapi({
    description:
      "Standard Webhooks signatures, space-separated: `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed by the base64-decoded part of the endpoint's `whsec_` secret. Two during a secret rotation's overlap; any one that matches is enough.",
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  }),
});

/** Adds each event type, its payload schema and the signature headers to the document's `webhooks`. */
export function registerWebhookEvents(registry: OpenAPIHono['openAPIRegistry']): void {
  for (const [type, schema] of Object.entries(WEBHOOK_PAYLOAD_SCHEMAS) as [DeliveredEventType, z.ZodType][]) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `on${pascal(type)}`,
      tags: ['webhooks'],
      summary: WHEN[type],
      description:
        type === PING_EVENT_TYPE
          ? 'Sent only to the endpoint named; endpoints cannot subscribe to it.'
          : `Sent to every active endpoint whose eventTypes include \`${type}\` (or are empty).`,
      request: {
        headers: SignatureHeadersSchema,
        body: { required: true, content: { 'application/json': { schema } } },
      },
      responses: {
        200: {
          description: 'Any 2xx within WEBHOOK_TIMEOUT_MS acknowledges the delivery: it is not sent again',
        },
        400: {
          description: 'Any other answer, or none, fails the attempt: it is retried (README, "Webhooks")',
        },
      },
    });
  }
}
