import { z } from '@hono/zod-openapi';

export const EligibilitySchema = z
  .object({
    decisionId: z.string(),
    subjectId: z.string(),
    eligible: z.boolean(),
    tier: z.string().nullable(),
    suggestedIncrease: z.object({ amount: z.number().int(), currency: z.string() }),
    signals: z.array(
      z.object({
        kind: z.enum(['new_graduate', 'cet', 'degree']),
        tier: z.string(),
        verificationIds: z.array(z.string()),
      }),
    ),
    expiresAt: z.string(),
    decidedAt: z.string(),
    policyVersion: z.string(),
  })
  .openapi('Eligibility');
