import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../verdicts/decide.js';
import { degreeLevel, type Evidence, evaluateEligibility, tierRank } from './eligibility.models.js';
import { loadPolicyFile } from './eligibility.policy.js';

const policy = loadPolicyFile(new URL('../../policies/limit-raise.v1.json', import.meta.url).pathname);
const NOW = new Date('2025-03-15T08:00:00Z');
const DAY = 86_400_000;

let n = 0;
const doc = (documentType: string, fields: Evidence['fields'], over: Partial<Evidence> = {}): Evidence => ({
  verificationId: `ver_${++n}`,
  documentType,
  completed: true,
  verdict: 'verified',
  completedAt: new Date(NOW.getTime() - 3 * DAY),
  revokedAt: null,
  fields,
  boundToIdentity: true,
  ...over,
});
const grad = (educationLevel: string, graduationDate: string, over: Partial<Evidence> = {}) =>
  doc('graduation_certificate', { educationLevel, graduationDate }, over);
const cet = (level: string, totalScore: number, over: Partial<Evidence> = {}) =>
  doc('cet_score_report', { level, totalScore }, over);
const degree = (name: string, over: Partial<Evidence> = {}) =>
  doc('degree_certificate', { degree: name }, over);

describe('evaluateEligibility: table', () => {
  const cases: {
    name: string;
    evidence: Evidence[];
    tier: string | null;
    amount: number;
    kinds: string[];
  }[] = [
    { name: 'no documents', evidence: [], tier: null, amount: 0, kinds: [] },
    {
      name: '专科 new graduate',
      evidence: [grad('专科', '2024-06')],
      tier: 't2',
      amount: 3000,
      kinds: ['new_graduate'],
    },
    {
      name: '本科 new graduate',
      evidence: [grad('本科', '2024-06')],
      tier: 't3',
      amount: 5000,
      kinds: ['new_graduate'],
    },
    {
      name: '硕士研究生 new graduate',
      evidence: [grad('硕士研究生', '2023-07')],
      tier: 't4',
      amount: 8000,
      kinds: ['new_graduate'],
    },
    {
      name: '博士研究生 via CHSI record',
      evidence: [doc('chsi_record', { educationLevel: '博士研究生', graduationDate: '2024-12' })],
      tier: 't5',
      amount: 12000,
      kinds: ['new_graduate'],
    },
    {
      name: 'graduated 24 months ago still counts',
      evidence: [grad('本科', '2023-03')],
      tier: 't3',
      amount: 5000,
      kinds: ['new_graduate'],
    },
    {
      name: 'graduated 25 months ago is no new graduate',
      evidence: [grad('本科', '2023-02')],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'graduation in the future does not count',
      evidence: [grad('本科', '2025-06')],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'unknown education level',
      evidence: [grad('小学', '2024-06')],
      tier: null,
      amount: 0,
      kinds: [],
    },
    { name: 'CET4 at 425', evidence: [cet('CET4', 425)], tier: 't1', amount: 1000, kinds: ['cet'] },
    { name: 'CET4 at 424', evidence: [cet('CET4', 424)], tier: null, amount: 0, kinds: [] },
    { name: 'CET6 at 425', evidence: [cet('CET6', 425)], tier: 't2', amount: 3000, kinds: ['cet'] },
    { name: 'CET6 at 300', evidence: [cet('CET6', 300)], tier: null, amount: 0, kinds: [] },
    { name: '工学学士 degree', evidence: [degree('工学学士')], tier: 't2', amount: 3000, kinds: ['degree'] },
    {
      name: '工商管理硕士 degree',
      evidence: [degree('工商管理硕士')],
      tier: 't3',
      amount: 5000,
      kinds: ['degree'],
    },
    { name: '理学博士 degree', evidence: [degree('理学博士')], tier: 't4', amount: 8000, kinds: ['degree'] },
    {
      name: 'best signal wins',
      evidence: [cet('CET4', 500), degree('文学学士'), grad('硕士研究生', '2024-06')],
      tier: 't4',
      amount: 8000,
      kinds: ['new_graduate', 'cet', 'degree'],
    },
    {
      name: 'a verified document bound to no identity never counts',
      evidence: [grad('博士研究生', '2024-06', { boundToIdentity: false })],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'rejected never counts',
      evidence: [grad('博士研究生', '2024-06', { verdict: 'rejected' })],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'needs_review never counts',
      evidence: [cet('CET6', 600, { verdict: 'needs_review' })],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'needs_retake never counts',
      evidence: [degree('法学硕士', { verdict: 'needs_retake' })],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'revoked never counts',
      evidence: [degree('法学硕士', { revokedAt: NOW })],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'expired (older than evidenceMaxAgeDays) never counts',
      evidence: [degree('法学硕士', { completedAt: new Date(NOW.getTime() - 366 * DAY) })],
      tier: null,
      amount: 0,
      kinds: [],
    },
    {
      name: 'still processing never counts',
      evidence: [cet('CET6', 600, { completed: false, verdict: null })],
      tier: null,
      amount: 0,
      kinds: [],
    },
  ];
  it.each(cases)('$name', ({ evidence, tier, amount, kinds }) => {
    const result = evaluateEligibility(policy, evidence, NOW);
    expect(result.tier).toBe(tier);
    expect(result.eligible).toBe(tier !== null);
    expect(result.suggestedIncrease).toEqual({ amount, currency: 'CNY' });
    expect(result.signals.map((s) => s.kind)).toEqual(kinds);
    expect(result.policyVersion).toBe('limit-raise.v1');
  });

  it('names the verifications behind each signal', () => {
    const a = cet('CET4', 430);
    const b = cet('CET6', 480);
    const c = cet('CET6', 400);
    const result = evaluateEligibility(policy, [a, b, c], NOW);
    expect(result.signals).toEqual([
      { kind: 'cet', tier: 't2', verificationIds: [a.verificationId, b.verificationId].sort() },
    ]);
  });

  it('expires with the decision TTL, or earlier when the new-graduate window closes first', () => {
    expect(evaluateEligibility(policy, [degree('工学学士')], NOW).expiresAt).toEqual(
      new Date(NOW.getTime() + 24 * 3_600_000),
    );
    // graduated 2023-03: window of 24 months ends at the start of 2025-04
    const closing = evaluateEligibility(policy, [grad('本科', '2023-03')], new Date('2025-03-31T20:00:00Z'));
    expect(closing.expiresAt).toEqual(new Date('2025-04-01T00:00:00Z'));
  });

  it('reads the level of a printed degree', () => {
    expect(degreeLevel('工学学士')).toBe('学士');
    expect(degreeLevel('医学博士')).toBe('博士');
    expect(degreeLevel('工商管理硕士')).toBe('硕士');
    expect(degreeLevel('毕业')).toBeNull();
    expect(degreeLevel(null)).toBeNull();
  });
});

describe('evaluateEligibility: properties', () => {
  const month = fc
    .integer({ min: 2018 * 12, max: 2026 * 12 + 11 })
    .map((i) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  const fieldsFor = (type: string) => {
    switch (type) {
      case 'graduation_certificate':
      case 'chsi_record':
        return fc.record({
          educationLevel: fc.constantFrom(
            '专科',
            '本科',
            '第二学士学位',
            '硕士研究生',
            '博士研究生',
            '高中',
            null,
          ),
          graduationDate: fc.oneof(month, fc.constant(null), fc.constant('2024/06')),
        });
      case 'cet_score_report':
        return fc.record({
          level: fc.constantFrom('CET4', 'CET6', null),
          totalScore: fc.oneof(fc.integer({ min: 0, max: 710 }), fc.constant(null)),
        });
      case 'degree_certificate':
        return fc.record({ degree: fc.constantFrom('工学学士', '管理学硕士', '理学博士', '荣誉证书', null) });
      default:
        return fc.constant({});
    }
  };
  const anyEvidence: fc.Arbitrary<Evidence> = fc
    .constantFrom(
      'graduation_certificate',
      'chsi_record',
      'cet_score_report',
      'degree_certificate',
      'unknown',
    )
    .chain((documentType) =>
      fc.record({
        verificationId: fc.uuid(),
        documentType: fc.constant(documentType),
        // Three in five finished; the others are still queued, processing, or failed.
        completed: fc.constantFrom(true, true, true, false, false),
        verdict: fc.constantFrom<Verdict | null>(
          'verified',
          'verified',
          'rejected',
          'needs_review',
          'needs_retake',
          null,
        ),
        completedAt: fc.option(
          fc.integer({ min: -800, max: 2 }).map((d) => new Date(NOW.getTime() + d * DAY)),
          {
            nil: null,
          },
        ),
        revokedAt: fc.option(fc.constant(new Date(NOW.getTime() - DAY)), { nil: null, freq: 4 }),
        fields: fieldsFor(documentType),
        boundToIdentity: fc.constantFrom(true, true, true, false),
      }),
    );
  /** Evidence that must never count: expired, revoked, not verified or bound to no identity. */
  const neverCounts: fc.Arbitrary<Evidence> = fc
    .tuple(
      anyEvidence,
      fc.constantFrom(
        'expired',
        'revoked',
        'rejected',
        'needs_review',
        'needs_retake',
        'unfinished',
        'unbound',
      ),
    )
    .map(([e, why]): Evidence => {
      switch (why) {
        case 'expired':
          return {
            ...e,
            completed: true,
            verdict: 'verified',
            revokedAt: null,
            completedAt: new Date(NOW.getTime() - 400 * DAY),
          };
        case 'revoked':
          return { ...e, revokedAt: new Date(NOW.getTime() - DAY) };
        case 'unfinished':
          return { ...e, completed: false, verdict: null };
        case 'unbound':
          return { ...e, boundToIdentity: false };
        default:
          return { ...e, verdict: why as Verdict };
      }
    });

  it('more evidence never lowers the tier (nor the amount)', () => {
    fc.assert(
      fc.property(
        fc.array(anyEvidence, { maxLength: 6 }),
        fc.array(anyEvidence, { maxLength: 6 }),
        (some, more) => {
          const before = evaluateEligibility(policy, some, NOW);
          const after = evaluateEligibility(policy, [...some, ...more], NOW);
          expect(tierRank(policy, after.tier)).toBeGreaterThanOrEqual(tierRank(policy, before.tier));
          expect(after.suggestedIncrease.amount).toBeGreaterThanOrEqual(before.suggestedIncrease.amount);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an expired, revoked or non-verified verification never counts', () => {
    fc.assert(
      fc.property(
        fc.array(anyEvidence, { maxLength: 5 }),
        fc.array(neverCounts, { minLength: 1, maxLength: 5 }),
        (some, excluded) => {
          const without = evaluateEligibility(policy, some, NOW);
          const withExcluded = evaluateEligibility(policy, [...excluded, ...some], NOW);
          expect(withExcluded).toEqual(without);
          const excludedIds = new Set(excluded.map((e) => e.verificationId));
          for (const signal of withExcluded.signals) {
            for (const id of signal.verificationIds)
              expect(excludedIds.has(id) && !some.some((s) => s.verificationId === id)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is eligible exactly when some signal is found, and never expires before now', () => {
    fc.assert(
      fc.property(fc.array(anyEvidence, { maxLength: 8 }), (evidence) => {
        const result = evaluateEligibility(policy, evidence, NOW);
        expect(result.eligible).toBe(result.signals.length > 0);
        expect(result.expiresAt.getTime()).toBeGreaterThan(NOW.getTime());
      }),
      { numRuns: 200 },
    );
  });
});
