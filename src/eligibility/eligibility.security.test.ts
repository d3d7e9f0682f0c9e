import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

describe('eligibility: security', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('needs the engine role (or admin): 401 without a key, 403 for client and reviewer', async () => {
    expect((await t.app.request('/v1/subjects/u-1/eligibility')).status).toBe(401);
    for (const role of ['client', 'reviewer'] as const) {
      const res = await t.app.request('/v1/subjects/u-1/eligibility', { headers: t.auth(role) });
      expect(res.status).toBe(403);
      expect((await res.json()).code).toBe('FORBIDDEN');
    }
    for (const role of ['engine', 'admin'] as const) {
      expect((await t.app.request('/v1/subjects/u-1/eligibility', { headers: t.auth(role) })).status).toBe(
        200,
      );
    }
  });
});

describe('eligibility: polling', () => {
  let t: TestApp;
  let now = new Date('2025-03-15T08:00:00Z');
  beforeEach(async () => {
    now = new Date('2025-03-15T08:00:00Z');
    t = await createTestApp({ overrides: { clock: { now: () => now } } });
  });
  afterEach(async () => {
    await t.close();
  });

  const poll = async (subjectId: string, role: 'engine' | 'admin' = 'engine') => {
    const res = await t.app.request(`/v1/subjects/${subjectId}/eligibility`, { headers: t.auth(role) });
    expect(res.status).toBe(200);
    return (await res.json()) as { decisionId: string; tier: string | null; expiresAt: string };
  };
  const recordedDecisions = async (verificationId: string) => {
    const res = await t.app.request(`/v1/verifications/${verificationId}/audit`, {
      headers: t.auth('reviewer'),
    });
    const { items } = (await res.json()) as { items: { action: string; after: { decisionId: string } }[] };
    return items.filter((r) => r.action === 'eligibility.decided').map((r) => r.after.decisionId);
  };

  it('polling an unchanged decision writes no new audit record; a changed or expired one does', async () => {
    const grad = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'graduation_certificate',
      fields: { educationLevel: '本科', graduationDate: '2024-06' },
    });
    const first = await poll('u-1');
    for (const role of ['engine', 'admin', 'engine'] as const) {
      now = new Date(now.getTime() + 60_000);
      expect((await poll('u-1', role)).decisionId).toBe(first.decisionId);
    }
    expect(await recordedDecisions(grad)).toEqual([first.decisionId]);

    // the outcome changes (a better document): a new decision is recorded
    await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'degree_certificate',
      fields: { degree: '工学博士' },
    });
    const better = await poll('u-1');
    expect(better.decisionId).not.toBe(first.decisionId);
    expect(better.tier).not.toBe(first.tier);
    expect(await poll('u-1')).toMatchObject({ decisionId: better.decisionId });

    // past its expiry the same outcome is decided (and recorded) again
    now = new Date(Date.parse(better.expiresAt) + 1000);
    const renewed = await poll('u-1');
    expect(renewed.decisionId).not.toBe(better.decisionId);
    expect(await recordedDecisions(grad)).toEqual([first.decisionId, better.decisionId, renewed.decisionId]);
  });

  it('is rate limited per key: the sixth read in a minute is 429, another key still reads', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_PER_KEY_PER_MINUTE: '5' } });
    try {
      const read = (role: 'engine' | 'admin', subjectId: string) =>
        limited.app.request(`/v1/subjects/${subjectId}/eligibility`, { headers: limited.auth(role) });
      for (let i = 0; i < 5; i++) expect((await read('engine', `u-${i}`)).status).toBe(200);
      const refused = await read('engine', 'u-9');
      expect(refused.status).toBe(429);
      expect((await refused.json()).code).toBe('RATE_LIMITED');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await read('admin', 'u-9')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
