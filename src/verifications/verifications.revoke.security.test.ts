import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

describe('revocation: security', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('only reviewers and admins may revoke', async () => {
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'unknown',
      verdict: 'rejected',
    });
    const revoke = (headers: Record<string, string>) =>
      t.app.request(`/v1/verifications/${id}/revoke`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'other' }),
      });
    expect((await revoke({})).status).toBe(401);
    expect((await revoke(t.auth('client'))).status).toBe(403);
    expect((await revoke(t.auth('engine'))).status).toBe(403);
    expect((await t.services.verifications.findById(id))?.revocation).toBeNull();
    expect((await revoke(t.auth('admin'))).status).toBe(200);
  });
});
