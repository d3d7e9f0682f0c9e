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
