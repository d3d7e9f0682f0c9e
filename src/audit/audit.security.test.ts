import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

describe('audit trail: security and errors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('a client may not read the audit trail, not even of its own upload; unknown ids are 404', async () => {
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'unknown',
      verdict: 'rejected',
    });
    expect((await t.app.request(`/v1/verifications/${id}/audit`)).status).toBe(401);
    expect((await t.app.request(`/v1/verifications/${id}/audit`, { headers: t.auth('client') })).status).toBe(
      403,
    );
    const missing = await t.app.request('/v1/verifications/ver_nope/audit', { headers: t.auth('reviewer') });
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe('NOT_FOUND');
  });
});
