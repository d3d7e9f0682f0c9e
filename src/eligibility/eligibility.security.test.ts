import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
