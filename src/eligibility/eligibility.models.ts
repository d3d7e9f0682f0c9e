import type { FieldValue } from '../documents/document-types.js';
import type { Verdict } from '../verdicts/decide.js';
import { DEGREE_LEVELS, type Policy } from './eligibility.policy.js';

export type SignalKind = 'new_graduate' | 'cet' | 'degree';

/** What the evaluation needs of a verification: nothing more, so the function stays pure. */
export interface Evidence {
  verificationId: string;
  documentType: string | null;
  /** Its reading finished (a verification still queued, processing or failed proves nothing). */
  completed: boolean;
  verdict: Verdict | null;
  completedAt: Date | null;
  revokedAt: Date | null;
  fields: Record<string, FieldValue>;
  /**
   * Read with the subject's registered identity and uploaded by the subject's owner: a document
   * bound to nobody (or to somebody else) says nothing about this applicant.
   */
  boundToIdentity: boolean;
}

export interface Signal {
  kind: SignalKind;
  tier: string;
  /** The counting verifications behind this signal, sorted. */
  verificationIds: string[];
}

export interface Evaluation {
  eligible: boolean;
  tier: string | null;
  suggestedIncrease: { amount: number; currency: string };
  signals: Signal[];
  expiresAt: Date;
  policyVersion: string;
}

const DAY_MS = 86_400_000;

/** Why a verification does not count, or null when it does. */
export function exclusionOf(policy: Policy, e: Evidence, now: Date): string | null {
  if (e.revokedAt) return 'revoked';
  if (!e.boundToIdentity) return 'not_bound';
  if (!e.completed || e.verdict !== 'verified') return 'not_verified';
  if (!e.completedAt || e.completedAt.getTime() > now.getTime()) return 'not_verified';
  if (now.getTime() - e.completedAt.getTime() > policy.evidenceMaxAgeDays * DAY_MS) return 'expired';
  return null;
}

const monthIndex = (yyyymm: FieldValue): number | null => {
  if (typeof yyyymm !== 'string') return null;
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(yyyymm);
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
};
const startOfMonthIndex = (index: number) => new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));

export function degreeLevel(degree: FieldValue): (typeof DEGREE_LEVELS)[number] | null {
  if (typeof degree !== 'string') return null;
  // 博士 before 硕士 before 学士: a printed degree names one level.
  return [...DEGREE_LEVELS].reverse().find((level) => degree.includes(level)) ?? null;
}

interface Hit {
  kind: SignalKind;
  tier: string;
  rank: number;
  verificationId: string;
  /** When this piece of evidence stops supporting the signal. */
  until: Date;
}

function signalOf(policy: Policy, e: Evidence, now: Date, rankOf: Map<string, number>): Hit | null {
  const evidenceUntil = new Date((e.completedAt?.getTime() ?? 0) + policy.evidenceMaxAgeDays * DAY_MS);
  const hit = (kind: SignalKind, tier: string | undefined, until = evidenceUntil): Hit | null => {
    const rank = tier ? rankOf.get(tier) : undefined;
    return tier && rank !== undefined ? { kind, tier, rank, verificationId: e.verificationId, until } : null;
  };
  const { newGraduate, cet, degree } = policy.signals;
  const f = e.fields;

  if ((newGraduate.documentTypes as string[]).includes(e.documentType ?? '')) {
    const graduated = monthIndex(f.graduationDate ?? null);
    const nowIndex = now.getUTCFullYear() * 12 + now.getUTCMonth();
    if (graduated === null || nowIndex < graduated || nowIndex - graduated > newGraduate.withinMonths)
      return null;
    const level = f.educationLevel as keyof typeof newGraduate.tierByEducationLevel;
    const windowEnd = startOfMonthIndex(graduated + newGraduate.withinMonths + 1);
    return hit(
      'new_graduate',
      newGraduate.tierByEducationLevel[level],
      windowEnd < evidenceUntil ? windowEnd : evidenceUntil,
    );
  }
  if (e.documentType === 'cet_score_report') {
    const score = f.totalScore;
    if (typeof score !== 'number') return null;
    const best = cet.rules
      .filter((rule) => rule.level === f.level && score >= rule.minTotalScore)
      .sort((a, b) => (rankOf.get(b.tier) ?? 0) - (rankOf.get(a.tier) ?? 0))[0];
    return hit('cet', best?.tier);
  }
  if (e.documentType === 'degree_certificate') {
    const level = degreeLevel(f.degree ?? null);
    return level ? hit('degree', degree.tierByDegreeLevel[level]) : null;
  }
  return null;
}

/**
 * The limit-raise decision over a subject's verifications: pure, deterministic in (policy,
 * evidence, now). Only verified, unrevoked, unexpired verifications bound to the subject's
 * identity count; the tier is the best
 * signal's, so adding evidence never lowers it.
 */
export function evaluateEligibility(policy: Policy, evidence: readonly Evidence[], now: Date): Evaluation {
  const rankOf = new Map(policy.tiers.map((t) => [t.id, t.rank]));
  const hits = evidence
    .filter((e) => exclusionOf(policy, e, now) === null)
    .map((e) => signalOf(policy, e, now, rankOf))
    .filter((h): h is Hit => h !== null);

  const signals: Signal[] = [];
  for (const kind of ['new_graduate', 'cet', 'degree'] as const) {
    const ofKind = hits.filter((h) => h.kind === kind);
    const top = ofKind.reduce<Hit | null>((best, h) => (!best || h.rank > best.rank ? h : best), null);
    if (top) {
      signals.push({
        kind,
        tier: top.tier,
        verificationIds: [...new Set(ofKind.map((h) => h.verificationId))].sort(),
      });
    }
  }

  const ttlEnd = new Date(now.getTime() + policy.decisionTtlHours * 3_600_000);
  const topRank = hits.reduce((max, h) => Math.max(max, h.rank), 0);
  const tier = policy.tiers.find((t) => t.rank === topRank) ?? null;
  // The tier stands while any evidence at that rank still holds, and never past the TTL.
  const tierHoldsUntil = hits
    .filter((h) => h.rank === topRank)
    .reduce<Date | null>((latest, h) => (!latest || h.until > latest ? h.until : latest), null);
  const expiresAt = tierHoldsUntil && tierHoldsUntil < ttlEnd ? tierHoldsUntil : ttlEnd;

  return {
    eligible: tier !== null,
    tier: tier?.id ?? null,
    suggestedIncrease: { amount: tier?.suggestedIncrease ?? 0, currency: policy.currency },
    signals,
    expiresAt,
    policyVersion: policy.policyVersion,
  };
}

export const tierRank = (policy: Policy, tier: string | null) =>
  tier === null ? 0 : (policy.tiers.find((t) => t.id === tier)?.rank ?? 0);

/**
 * Whether two evaluations decide the same thing: eligibility, tier, amount, the signals and the
 * verifications behind them, and the policy. `expiresAt` is left out: it moves with the time of
 * the evaluation, not with the outcome.
 */
export function sameOutcome(a: Omit<Evaluation, 'expiresAt'>, b: Omit<Evaluation, 'expiresAt'>): boolean {
  const key = (e: Omit<Evaluation, 'expiresAt'>) =>
    JSON.stringify([
      e.eligible,
      e.tier,
      e.suggestedIncrease.amount,
      e.suggestedIncrease.currency,
      e.policyVersion,
      e.signals.map((s) => [s.kind, s.tier, [...s.verificationIds].sort()]),
    ]);
  return key(a) === key(b);
}
