import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';

export const EDUCATION_LEVELS = ['专科', '本科', '第二学士学位', '硕士研究生', '博士研究生'] as const;
export const DEGREE_LEVELS = ['学士', '硕士', '博士'] as const;

const TierId = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'tier ids are lower-case words');

export const PolicySchema = z
  .strictObject({
    policyVersion: z.string().min(1),
    description: z.string().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code, e.g. CNY'),
    /** How long a decision stands at most. */
    decisionTtlHours: z.number().positive(),
    /** A verification older than this (from its completion) is expired and no longer counts. */
    evidenceMaxAgeDays: z.number().int().positive(),
    tiers: z
      .array(
        z.strictObject({
          id: TierId,
          rank: z.number().int().min(1),
          suggestedIncrease: z.number().int().nonnegative(),
        }),
      )
      .min(1),
    signals: z.strictObject({
      newGraduate: z.strictObject({
        documentTypes: z.array(z.enum(['graduation_certificate', 'chsi_record'])).min(1),
        withinMonths: z.number().int().positive(),
        tierByEducationLevel: z.partialRecord(z.enum(EDUCATION_LEVELS), TierId),
      }),
      cet: z.strictObject({
        rules: z
          .array(
            z.strictObject({
              level: z.enum(['CET4', 'CET6']),
              minTotalScore: z.number().int().min(0).max(710),
              tier: TierId,
            }),
          )
          .min(1),
      }),
      degree: z.strictObject({
        tierByDegreeLevel: z.partialRecord(z.enum(DEGREE_LEVELS), TierId),
      }),
    }),
  })
  .superRefine((policy, ctx) => {
    const ids = new Set(policy.tiers.map((t) => t.id));
    const ranks = new Set(policy.tiers.map((t) => t.rank));
    if (ids.size !== policy.tiers.length)
      ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'tier ids must be unique' });
    if (ranks.size !== policy.tiers.length)
      ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'tier ranks must be unique' });
    const byRank = [...policy.tiers].sort((a, b) => a.rank - b.rank);
    byRank.forEach((tier, i) => {
      const lower = byRank[i - 1];
      if (lower && tier.suggestedIncrease < lower.suggestedIncrease) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers'],
          message: `tier ${tier.id} ranks above ${lower.id} but suggests less: a better tier never pays less`,
        });
      }
    });
    const refs: [string[], string][] = [
      ...Object.entries(policy.signals.newGraduate.tierByEducationLevel).map(
        ([level, tier]): [string[], string] => [
          ['signals', 'newGraduate', 'tierByEducationLevel', level],
          tier,
        ],
      ),
      ...policy.signals.cet.rules.map((rule, i): [string[], string] => [
        ['signals', 'cet', 'rules', String(i), 'tier'],
        rule.tier,
      ]),
      ...Object.entries(policy.signals.degree.tierByDegreeLevel).map(([level, tier]): [string[], string] => [
        ['signals', 'degree', 'tierByDegreeLevel', level],
        tier,
      ]),
    ];
    for (const [path, tier] of refs) {
      if (tier && !ids.has(tier)) ctx.addIssue({ code: 'custom', path, message: `unknown tier "${tier}"` });
    }
  });

export type Policy = z.infer<typeof PolicySchema>;

/** Parses a policy document; throws ConfigError naming every bad path. */
export function parsePolicy(raw: unknown, source = 'policy'): Policy {
  const parsed = PolicySchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid eligibility policy ${source}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Reads and validates the policy file at start-up: a bad file stops the service with a clear message. */
export function loadPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read the eligibility policy ${file}: ${error instanceof Error ? error.message : error}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `The eligibility policy ${file} is not JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
  return parsePolicy(raw, file);
}
