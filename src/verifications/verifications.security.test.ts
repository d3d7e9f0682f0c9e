import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpRows } from '../../test/support/db-rows.js';
import { makeTextPng } from '../../test/support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

describe('verifications: keys and roles', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const uploadAs = async (headers: Record<string, string>, subjectId = 'u-1') =>
    t.app.request('/v1/verifications', {
      method: 'POST',
      headers,
      body: uploadForm({ file: fileBlob(await makeTextPng(), 'image/png'), subjectId }),
    });

  it('answers a missing or wrong key with 401', async () => {
    expect((await uploadAs({})).status).toBe(401);
    expect((await uploadAs({ authorization: 'Bearer dv_client_not-a-real-key' })).status).toBe(401);
    expect((await uploadAs({ authorization: 'Basic abc' })).status).toBe(401);
    expect((await t.app.request('/v1/verifications/x')).status).toBe(401);
  });

  it('answers a key with the wrong role with 403', async () => {
    expect((await uploadAs(t.auth('engine'))).status).toBe(403);
    expect((await uploadAs(t.auth('reviewer'))).status).toBe(403);
    const keys = await t.app.request('/v1/admin/keys', {
      method: 'POST',
      headers: { ...t.auth('client'), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(keys.status).toBe(403);
  });

  it('lets a client read only what it uploaded', async () => {
    const mine = await (await uploadAs(t.auth('client'), 'u-a')).json();
    const other = await t.app.request(`/v1/verifications/${mine.id}`, { headers: t.auth('client2') });
    expect(other.status).toBe(404);
    const list = await t.app.request('/v1/subjects/u-a/verifications', { headers: t.auth('client2') });
    expect(list.status).toBe(404);
    expect((await t.app.request(`/v1/verifications/${mine.id}`, { headers: t.auth('client') })).status).toBe(
      200,
    );
    expect((await t.app.request(`/v1/verifications/${mine.id}`, { headers: t.auth('engine') })).status).toBe(
      200,
    );
  });

  it('lets an admin create keys that work at once; the secret is stored only as a hash', async () => {
    const res = await t.app.request('/v1/admin/keys', {
      method: 'POST',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'engine', name: 'credit engine' }),
    });
    expect(res.status).toBe(201);
    const { key } = await res.json();
    expect(key).toMatch(/^dv_engine_/);
    expect(
      (await t.app.request('/v1/subjects/u-1/verifications', { headers: { authorization: `Bearer ${key}` } }))
        .status,
    ).toBe(200);
    const dump = await dumpRows(t.services, ['apiKeysTable']);
    expect(dump).toContain('"keyHash":');
    expect(dump).not.toContain(key);
  });
});
