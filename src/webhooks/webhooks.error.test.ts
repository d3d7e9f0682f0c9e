import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

describe('webhooks: bad input', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (path: string, body: unknown) =>
    t.app.request(path, {
      method: 'POST',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it.each([
    [{ url: 'ftp://example.com/hook' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ url: 'https://example.com/hook', eventTypes: ['verification.exploded'] }, 'eventTypes'],
    [{ url: 'https://example.com/hook', extra: 1 }, '(body)'],
  ])('rejects %j with VALIDATION_FAILED', async (body, path) => {
    const res = await post('/v1/admin/webhooks', body);
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
  });

  it.each([
    [{}, '(body)'],
    [{ url: 'ftp://example.com/hook' }, 'url'],
    [{ description: '' }, 'description'],
    [{ eventTypes: ['verification.exploded'] }, 'eventTypes'],
    [{ secret: 'whsec_mine' }, '(body)'],
  ])('refuses the update %j with VALIDATION_FAILED', async (body, path) => {
    const created = await post('/v1/admin/webhooks', { url: 'https://93.184.216.34/hook' });
    const { id } = await created.json();
    const res = await t.app.request(`/v1/admin/webhooks/endpoints/${id}`, {
      method: 'PATCH',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
  });

  it.each([-1, 1.5, 7 * 24 * 3600 + 1, '60'])(
    'refuses a rotation overlap of %j seconds',
    async (overlapSeconds) => {
      const created = await post('/v1/admin/webhooks', { url: 'https://93.184.216.34/hook' });
      const { id } = await created.json();
      const res = await post(`/v1/admin/webhooks/endpoints/${id}/rotate-secret`, { overlapSeconds });
      expect(res.status).toBe(400);
      expect((await res.json()).errors).toEqual([expect.objectContaining({ path: 'overlapSeconds' })]);
    },
  );

  it('unknown endpoints are 404 to every write', async () => {
    const patch = await t.app.request('/v1/admin/webhooks/endpoints/whe_nope', {
      method: 'PATCH',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'x' }),
    });
    expect(patch.status).toBe(404);
    for (const action of ['disable', 'enable', 'rotate-secret', 'ping']) {
      const res = await t.app.request(`/v1/admin/webhooks/endpoints/whe_nope/${action}`, {
        method: 'POST',
        headers: t.auth('admin'),
      });
      expect(res.status, action).toBe(404);
      expect((await res.json()).code).toBe('NOT_FOUND');
    }
  });

  it('unknown endpoints and events are 404', async () => {
    const del = await t.app.request('/v1/admin/webhooks/whe_nope', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(del.status).toBe(404);
    expect((await post('/v1/admin/webhooks/events/evt_nope/replay', {})).status).toBe(404);
    const read = await t.app.request('/v1/admin/webhooks/events/evt_nope', { headers: t.auth('admin') });
    expect((await read.json()).code).toBe('NOT_FOUND');
  });
});
