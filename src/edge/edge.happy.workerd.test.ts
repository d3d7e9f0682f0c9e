import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/audit.usecases.js';
import { toResult } from '../verifications/verifications.models.js';
import { call, type EdgeTestContext, setUpEdge } from './edge.test-support.js';

let edge: EdgeTestContext;
beforeAll(async () => {
  edge = await setUpEdge();
});

/** A graduation two months ago, inside the policy's new-graduate window. */
function recentMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  return d.toISOString().slice(0, 7);
}

describe('edge Worker: lookups', () => {
  it('answers a completed verification with the contract result, decrypted with the cluster key', async () => {
    const subjectId = edge.subject('lookup');
    const id = await edge.seed({
      subjectId,
      documentType: 'cet_score_report',
      fields: { level: 'CET6', totalScore: 521 },
      evidence: {
        totalScore: { text: '521', box: [10, 20, 30, 12], confidence: 0.93, source: 'rules' },
      },
      clientKeyId: edge.keys.client.id,
    });

    const response = await call(`/v1/verifications/${id}`, { key: edge.keys.client.secret });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    // The same toResult as the Node service, over the row read back through the same repository.
    const stored = await edge.services.verifications.findById(id);
    expect(stored).not.toBeNull();
    expect(body).toEqual(JSON.parse(JSON.stringify(toResult(stored as NonNullable<typeof stored>))));
    expect(body).toMatchObject({
      id,
      subjectId,
      status: 'completed',
      documentType: 'cet_score_report',
      verdict: 'verified',
      fields: { name: '张伟', level: 'CET6', totalScore: 521 },
      evidence: { totalScore: { text: '521', box: [10, 20, 30, 12], confidence: 0.93, source: 'rules' } },
      reasons: [],
      versions: { pipeline: 'seed' },
      failure: null,
      revocation: null,
    });
    expect(Object.keys(body).sort()).toEqual(
      [
        'id',
        'subjectId',
        'status',
        'documentType',
        'fields',
        'evidence',
        'verdict',
        'reasons',
        'confidence',
        'versions',
        'timingsMs',
        'failure',
        'createdAt',
        'completedAt',
        'revocation',
      ].sort(),
    );
  });

  it.each(['engine', 'reviewer', 'admin'] as const)(
    'lets the %s role read any verification',
    async (caller) => {
      const id = await edge.seed({
        subjectId: edge.subject(caller),
        documentType: 'degree_certificate',
        clientKeyId: edge.keys.client.id,
      });
      const response = await call(`/v1/verifications/${id}`, { key: edge.keys[caller].secret });
      expect(response.status).toBe(200);
      // Personal data: no cache keeps it, no browser sniffs it.
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await response.json()).id).toBe(id);
    },
  );

  it("pages through a subject's history newest first, with the cursor", async () => {
    const subjectId = edge.subject('history');
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(
        await edge.seed({ subjectId, documentType: 'cet_score_report', clientKeyId: edge.keys.client.id }),
      );
      // createdAt has millisecond resolution: keep the order unambiguous
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const newestFirst = [...ids].reverse();

    const first = await call(`/v1/subjects/${subjectId}/verifications?limit=2`, {
      key: edge.keys.client.secret,
    });
    expect(first.status).toBe(200);
    const page1 = await first.json();
    expect(page1.items.map((v: { id: string }) => v.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.nextCursor).toBe(newestFirst[1]);

    const second = await call(`/v1/subjects/${subjectId}/verifications?limit=2&cursor=${page1.nextCursor}`, {
      key: edge.keys.client.secret,
    });
    const page2 = await second.json();
    expect(page2.items.map((v: { id: string }) => v.id)).toEqual(newestFirst.slice(2));
    expect(page2.nextCursor).toBeNull();

    const engine = await call(`/v1/subjects/${subjectId}/verifications`, { key: edge.keys.engine.secret });
    expect((await engine.json()).items).toHaveLength(3);
  });
});

describe('edge Worker: eligibility', () => {
  it('decides over the verified documents and records the decision in the audit chain on D1', async () => {
    const subjectId = edge.subject('eligible');
    const graduation = await edge.seed({
      subjectId,
      documentType: 'graduation_certificate',
      fields: { educationLevel: '本科', graduationDate: recentMonth(new Date()) },
    });
    await edge.seed({ subjectId, documentType: 'cet_score_report', verdict: 'needs_review' });

    const response = await call(`/v1/subjects/${subjectId}/eligibility`, { key: edge.keys.engine.secret });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const decision = await response.json();
    expect(decision).toMatchObject({
      subjectId,
      eligible: true,
      tier: 't3',
      suggestedIncrease: { amount: 5000, currency: 'CNY' },
      signals: [{ kind: 'new_graduate', tier: 't3', verificationIds: [graduation] }],
      policyVersion: 'limit-raise.v1',
    });
    expect(decision.decisionId).toMatch(/^dec_/);

    const records = await edge.services.audit.listForVerification(graduation, subjectId);
    expect(records.map((r) => [r.action, r.after?.decisionId])).toEqual([
      ['eligibility.decided', decision.decisionId],
    ]);
    expect(records[0]?.actor).toEqual({ type: 'key', id: edge.keys.engine.id, role: 'engine' });
    expect(await verifyAuditChain(edge.services)).toMatchObject({ ok: true });
  });

  it('keeps the chain whole when decisions race (a refused fork is appended again)', async () => {
    // One subject each: a subject's unchanged decision is recorded once, so these all append.
    const subjectIds = Array.from({ length: 12 }, () => edge.subject('race'));
    for (const subjectId of subjectIds) {
      await edge.seed({ subjectId, documentType: 'degree_certificate', fields: { degree: '工学学士' } });
    }
    const before = await verifyAuditChain(edge.services);

    const responses = await Promise.all(
      subjectIds.map((subjectId) =>
        call(`/v1/subjects/${subjectId}/eligibility`, { key: edge.keys.engine.secret }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    const decisionIds = await Promise.all(responses.map(async (r) => (await r.json()).decisionId));
    expect(new Set(decisionIds).size).toBe(12);

    const after = await verifyAuditChain(edge.services);
    expect(after).toMatchObject({ ok: true });
    expect(after.records - before.records).toBe(12);
  });
});

describe('edge Worker: review API reads', () => {
  it('lists the review queue and the team metrics for a reviewer', async () => {
    const subjectId = edge.subject('review');
    const id = await edge.seed({ subjectId, documentType: 'chsi_record', verdict: 'needs_review' });
    const stored = await edge.services.verifications.findById(id);

    const queue = await call('/v1/review/queue?type=chsi_record', { key: edge.keys.reviewer.secret });
    expect(queue.status).toBe(200);
    const body = await queue.json();
    const item = body.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({
      subjectId,
      documentType: 'chsi_record',
      verdict: 'needs_review',
      qualityCheck: false,
      version: String(stored?.updatedAt.getTime()),
    });
    expect(body.items.every((i: { documentType: string }) => i.documentType === 'chsi_record')).toBe(true);

    const metrics = await call('/v1/review/metrics', { key: edge.keys.reviewer.secret });
    expect(metrics.status).toBe(200);
    expect((await metrics.json()).queueSize).toBeGreaterThanOrEqual(1);
  });

  it('answers health and readiness without a key, with the request id echoed', async () => {
    expect(await (await call('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await call('/readyz', { headers: { 'x-request-id': 'edge-probe-1' } });
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBe('edge-probe-1');
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true } });
  });
});
