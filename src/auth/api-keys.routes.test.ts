import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { verifyAuditChain } from '../audit/audit.usecases.js';
import { signInForTest } from '../review/review.test-support.js';

const T0 = new Date('2026-03-01T08:00:00.000Z');

interface KeyView {
  id: string;
  prefix: string;
  role: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  rotatedAt: string | null;
  previousKeyExpiresAt: string | null;
}
type KeyWithSecret = KeyView & { key: string };

describe('API key lifecycle over HTTP', () => {
  let t: TestApp;
  let now: Date;
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  beforeEach(async () => {
    now = T0;
    t = await createTestApp({ overrides: { clock: { now: () => now } } });
  });
  afterEach(async () => {
    await t.close();
  });

  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    t.app.request(path, {
      method: init.method ?? 'GET',
      headers: { ...t.auth('admin'), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
  const create = async (body: Record<string, unknown>) => {
    const res = await admin('/v1/admin/keys', { method: 'POST', body });
    expect(res.status).toBe(201);
    return (await res.json()) as KeyWithSecret;
  };
  const list = async () => ((await (await admin('/v1/admin/keys')).json()) as { keys: KeyView[] }).keys;
  const listed = async (id: string) => (await list()).find((k) => k.id === id);
  const status = async (secret: string) =>
    (await t.app.request('/v1/admin/webhooks', { headers: { authorization: `Bearer ${secret}` } })).status;
  const auditActions = async () =>
    (await t.services.database.db.select().from(t.services.database.tables.auditTable))
      .filter((r) => r.entityType === 'api_key')
      .map((r) => [r.action, r.entityId, r.actorId]);

  it('create answers the id beside the secret; the list shows every key and never a secret', async () => {
    const made = await create({ role: 'admin', name: 'ops', expiresAt: '2026-06-01T00:00:00Z' });
    expect(made).toMatchObject({ role: 'admin', name: 'ops', expiresAt: '2026-06-01T00:00:00.000Z' });
    expect(made.id).toMatch(/^key_/);
    expect(made.key.startsWith(made.prefix)).toBe(true);
    const res = await admin('/v1/admin/keys');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(made.key);
    expect(text).not.toMatch(/keyHash|key_hash/);
    const { keys } = JSON.parse(text) as { keys: KeyView[] };
    expect(keys).toHaveLength(6); // the five the test app made, and this one
    expect(keys.find((k) => k.id === made.id)).toEqual({
      id: made.id,
      prefix: made.prefix,
      role: 'admin',
      name: 'ops',
      createdAt: T0.toISOString(),
      lastUsedAt: null,
      expiresAt: '2026-06-01T00:00:00.000Z',
      revokedAt: null,
      rotatedAt: null,
      previousKeyExpiresAt: null,
    });
    expect(await auditActions()).toEqual([['api_key.created', made.id, expect.stringMatching(/^key_/)]]);
  });

  it('lastUsedAt is written on use, at most once a minute', async () => {
    const made = await create({ role: 'admin' });
    expect(await status(made.key)).toBe(200);
    expect((await listed(made.id))?.lastUsedAt).toBe(T0.toISOString());
    advance(30_000);
    expect(await status(made.key)).toBe(200);
    // `listed` uses the test's own admin key; this key's last use stays where it was.
    expect((await listed(made.id))?.lastUsedAt).toBe(T0.toISOString());
    advance(31_000);
    expect(await status(made.key)).toBe(200);
    expect((await listed(made.id))?.lastUsedAt).toBe(new Date(T0.getTime() + 61_000).toISOString());
  });

  it('an expiry in the past is refused; a key stops working when it expires', async () => {
    const past = await admin('/v1/admin/keys', {
      method: 'POST',
      body: { role: 'client', expiresAt: '2026-02-28T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    const made = await create({ role: 'admin', expiresAt: new Date(T0.getTime() + 60_000).toISOString() });
    expect(await status(made.key)).toBe(200);
    advance(60_000);
    expect(await status(made.key)).toBe(401);
  });

  it('revoke refuses the key from the next request on, ends its reviewer sessions, and is idempotent', async () => {
    const reviewer = await create({ role: 'reviewer' });
    const { cookie } = await signInForTest(t, reviewer.key);
    expect((await t.app.request('/review', { headers: { cookie } })).status).toBe(200);

    const res = await admin(`/v1/admin/keys/${reviewer.id}/revoke`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: reviewer.id, revokedAt: T0.toISOString() });
    expect((await t.app.request('/review', { headers: { cookie } })).status).toBe(303);
    const sessions = await t.services.database.db
      .select()
      .from(t.services.database.tables.reviewSessionsTable);
    expect(sessions.filter((s) => s.keyId === reviewer.id)).toEqual([]);
    const reviewerApi = await t.app.request('/v1/verifications/ver_unknown', {
      headers: { authorization: `Bearer ${reviewer.key}` },
    });
    expect(reviewerApi.status).toBe(401);

    advance(1000);
    const again = await admin(`/v1/admin/keys/${reviewer.id}/revoke`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ revokedAt: T0.toISOString() });
    expect((await admin('/v1/admin/keys/key_nope/revoke', { method: 'POST' })).status).toBe(404);
    expect((await auditActions()).map(([action]) => action)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(await verifyAuditChain(t.services)).toMatchObject({ ok: true });
  });

  it('rotate gives a new secret; the old one works for the grace period and then no more', async () => {
    const made = await create({ role: 'admin', name: 'ci' });
    const res = await admin(`/v1/admin/keys/${made.id}/rotate`, {
      method: 'POST',
      body: { gracePeriodSeconds: 3600 },
    });
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as KeyWithSecret;
    expect(rotated).toMatchObject({
      id: made.id,
      role: 'admin',
      name: 'ci',
      rotatedAt: T0.toISOString(),
      previousKeyExpiresAt: new Date(T0.getTime() + 3_600_000).toISOString(),
    });
    expect(rotated.key).not.toBe(made.key);
    expect(rotated.key.startsWith(rotated.prefix)).toBe(true);
    expect(await status(rotated.key)).toBe(200);
    expect(await status(made.key)).toBe(200);
    advance(3_600_000);
    expect(await status(made.key)).toBe(401);
    expect(await status(rotated.key)).toBe(200);
    expect((await auditActions()).map(([action]) => action)).toEqual(['api_key.created', 'api_key.rotated']);
  });

  it('rotate: a day of grace by default, none with 0; a revoked key cannot be rotated', async () => {
    const made = await create({ role: 'engine' });
    const byDefault = (await (
      await admin(`/v1/admin/keys/${made.id}/rotate`, { method: 'POST' })
    ).json()) as KeyWithSecret;
    expect(byDefault.previousKeyExpiresAt).toBe(new Date(T0.getTime() + 86_400_000).toISOString());
    const now0 = (await (
      await admin(`/v1/admin/keys/${made.id}/rotate`, { method: 'POST', body: { gracePeriodSeconds: 0 } })
    ).json()) as KeyWithSecret;
    // An engine key on an admin endpoint: 403 says the key authenticated, 401 that it did not.
    expect(await status(now0.key)).toBe(403);
    expect(await status(byDefault.key)).toBe(401); // no grace
    expect(await status(made.key)).toBe(401); // dropped by the second rotation
    await admin(`/v1/admin/keys/${made.id}/revoke`, { method: 'POST' });
    const refused = await admin(`/v1/admin/keys/${made.id}/rotate`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'API_KEY_INACTIVE' });
    expect(await status(now0.key)).toBe(401);
  });

  it('only admins manage keys', async () => {
    const target = (await list())[0]?.id ?? '';
    for (const role of ['client', 'engine', 'reviewer'] as const) {
      const headers = t.auth(role);
      expect((await t.app.request('/v1/admin/keys', { headers })).status).toBe(403);
      for (const verb of ['revoke', 'rotate']) {
        const res = await t.app.request(`/v1/admin/keys/${target}/${verb}`, { method: 'POST', headers });
        expect(res.status).toBe(403);
      }
    }
    expect((await t.app.request('/v1/admin/keys')).status).toBe(401);
    expect(await auditActions()).toEqual([]);
  });
});
