import { z } from '@hono/zod-openapi';

/** The decision after the verified degree of verifications.schemas.ts's example. */
export const EXAMPLE_ELIGIBILITY = {
  decisionId: 'dec_0mxbewwyhVATG5uC6vg_WVw',
  subjectId: 'u-719778-002',
  eligible: true,
  tier: 't2',
  suggestedIncrease: { amount: 3000, currency: 'CNY' },
  signals: [{ kind: 'degree', tier: 't2', verificationIds: ['ver_0mxbewu15dU8FkOy6ybH_6A'] }],
  expiresAt: '2026-03-03T09:14:05.464Z',
  decidedAt: '2026-03-02T09:14:05.465Z',
  policyVersion: 'limit-raise.v1',
};

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
  .openapi('Eligibility', { example: EXAMPLE_ELIGIBILITY });
