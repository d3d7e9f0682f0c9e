import { describe, expect, it } from 'vitest';
import { documentModules } from '../documents/registry.js';
import {
  buildQueue,
  computeMetrics,
  documentTypeLabels,
  isQualitySample,
  mergeRevalidatedReasons,
  parseFieldValue,
  type QueueRow,
} from './review.models.js';

const row = (id: string, over: Partial<QueueRow> = {}): QueueRow => ({
  id,
  subjectId: 's',
  documentType: 'cet_score_report',
  verdict: 'needs_review',
  confidence: 0.8,
  reasons: [],
  completedAt: new Date('2025-01-01T00:00:00Z'),
  updatedAt: new Date('2025-01-01T00:00:00Z'),
  awaitingApproval: null,
  ...over,
});

describe('review models', () => {
  it('labels every registered document type with its short names, in registry order, then unknown', () => {
    expect(Object.entries(documentTypeLabels(documentModules))).toEqual([
      ['cet_score_report', '四六级成绩单 CET report'],
      ['graduation_certificate', '毕业证书 graduation certificate'],
      ['degree_certificate', '学位证书 degree certificate'],
      ['chsi_record', '学信网备案表 CHSI record'],
      ['unknown', '未知 unknown'],
    ]);
  });

  it('the quality-check sample is deterministic and about one in N', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `ver_${i}`);
    const sampled = ids.filter((id) => isQualitySample(id, 10));
    expect(sampled.length).toBeGreaterThan(120);
    expect(sampled.length).toBeLessThan(280);
    expect(ids.filter((id) => isQualitySample(id, 10))).toEqual(sampled);
  });

  it('orders hard reasons and tampering first, then oldest; filters by type, reason and date', () => {
    const now = new Date('2025-01-10T00:00:00Z');
    const rows = [
      row('a', { completedAt: new Date('2025-01-02T00:00:00Z') }),
      row('b', { completedAt: new Date('2025-01-01T00:00:00Z') }),
      row('c', {
        completedAt: new Date('2025-01-05T00:00:00Z'),
        reasons: [{ code: 'TAMPER_SUSPECTED', severity: 'soft', message: 'x' }],
      }),
      row('d', { verdict: 'verified', documentType: 'chsi_record' }),
    ];
    const queue = buildQueue(rows, { reviewedIds: new Set(), qcSampleOneIn: 1, filters: {}, now });
    expect(queue.map((q) => q.id)).toEqual(['c', 'b', 'a', 'd']);
    expect(queue.at(-1)?.qualityCheck).toBe(true);
    const reviewed = buildQueue(rows, { reviewedIds: new Set(['d']), qcSampleOneIn: 1, filters: {}, now });
    expect(reviewed.map((q) => q.id)).not.toContain('d');
    const byReason = buildQueue(rows, {
      reviewedIds: new Set(),
      qcSampleOneIn: 1,
      filters: { reasonCode: 'TAMPER_SUSPECTED' },
      now,
    });
    expect(byReason.map((q) => q.id)).toEqual(['c']);
    const byDate = buildQueue(rows, {
      reviewedIds: new Set(),
      qcSampleOneIn: 1,
      filters: { from: new Date('2025-01-02T00:00:00Z'), documentType: 'cet_score_report' },
      now,
    });
    expect(byDate.map((q) => q.id)).toEqual(['c', 'a']);
    expect(computeMetrics(queue, []).oldestCaseAgeSeconds).toBe(9 * 86_400);
  });

  it('agreement counts the first review of each case; corrections are counted per field', () => {
    const at = (d: number) => new Date(2025, 0, d);
    const m = computeMetrics(
      [],
      [
        {
          verificationId: 'a',
          documentType: 'cet',
          machineVerdict: 'verified',
          reviewerVerdict: 'verified',
          changedFields: ['name'],
          createdAt: at(1),
        },
        {
          verificationId: 'a',
          documentType: 'cet',
          machineVerdict: 'verified',
          reviewerVerdict: 'rejected',
          changedFields: ['name'],
          createdAt: at(2),
        },
        {
          verificationId: 'b',
          documentType: 'cet',
          machineVerdict: 'needs_review',
          reviewerVerdict: 'rejected',
          changedFields: ['totalScore'],
          createdAt: at(3),
        },
      ],
    );
    expect(m.agreement).toBe(0.5);
    expect(m.reviewedCases).toBe(2);
    expect(m.correctionsPerField[0]).toEqual({ documentType: 'cet', field: 'name', corrections: 2 });
  });

  it('re-validation replaces field reasons and keeps fraud and quality signals', () => {
    const merged = mergeRevalidatedReasons(
      [
        { code: 'LOW_CONFIDENCE', severity: 'soft', field: 'name', message: 'x' },
        { code: 'DUPLICATE_SAME_SUBJECT', severity: 'info', message: 'dup' },
      ],
      [{ code: 'DATE_INVALID', severity: 'hard', field: 'examDate', message: 'bad' }],
    );
    expect(merged.map((r) => r.code)).toEqual(['DUPLICATE_SAME_SUBJECT', 'DATE_INVALID']);
  });

  it('form values become numbers where the schema wants one', () => {
    const numeric = (v: unknown) => typeof v === 'number';
    expect(parseFieldValue(' 521 ', numeric, null)).toBe(521);
    expect(parseFieldValue('', numeric, 3)).toBeNull();
    expect(parseFieldValue('abc', (v) => typeof v === 'string', 'x')).toBe('abc');
    expect(parseFieldValue('007', (v) => typeof v === 'string', 'x')).toBe('007');
  });
});
