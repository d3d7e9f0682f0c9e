import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

describe('revocation: bad input', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const revoke = (id: string, body: unknown) =>
    t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('needs a known reason; unknown verifications are 404; a second revocation is 409 and changes nothing', async () => {
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'unknown',
      verdict: 'rejected',
    });
    expect((await revoke(id, {})).status).toBe(400);
    expect((await revoke(id, { reason: 'because' })).status).toBe(400);
    expect((await revoke('ver_nope', { reason: 'other' })).status).toBe(404);
    expect((await revoke(id, { reason: 'other' })).status).toBe(200);
    const again = await revoke(id, { reason: 'fraud_suspected' });
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe('ALREADY_REVOKED');
    expect(await t.services.webhooks.listEventsBySubject('u-1')).toHaveLength(1);
    expect((await t.services.verifications.findById(id))?.revocation?.reason).toBe('other');
  });
});
