import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpRows } from '../../test/support/db-rows.js';
import { makeTextPng } from '../../test/support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

describe('verifications: happy path', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const upload = async (headers: Record<string, string> = {}, fields: Record<string, string> = {}) =>
    t.app.request('/v1/verifications', {
      method: 'POST',
      headers: { ...t.auth('client'), ...headers },
      body: uploadForm({ file: fileBlob(await makeTextPng(), 'image/png'), subjectId: 'u-1', ...fields }),
    });

  it('accepts an upload with 202 and a Location, and the result is readable there once processed', async () => {
    const res = await upload({}, { applicantName: '张伟', applicantIdNumber: '11010519491231002x' });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.status).toMatch(/queued|processing|completed/);
    expect(res.headers.get('location')).toBe(`/v1/verifications/${body.id}`);

    let result = body;
    for (let i = 0; i < 200 && result.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      result = await (
        await t.app.request(`/v1/verifications/${body.id}`, { headers: t.auth('engine') })
      ).json();
    }
    expect(result).toMatchObject({ id: body.id, subjectId: 'u-1', status: 'completed' });
    expect(['verified', 'rejected', 'needs_review', 'needs_retake']).toContain(result.verdict);
    expect(result.versions.pipeline).toBeTruthy();
    expect(typeof result.timingsMs.total).toBe('number');
  });

  it('holds the response for Prefer: wait and returns the completed verification with 201', async () => {
    const res = await upload({ prefer: 'wait=60' });
    expect(res.status).toBe(201);
    expect(res.headers.get('preference-applied')).toBe('wait=30');
    const body = await res.json();
    expect(body.status).toBe('completed');
    expect(body.verdict).not.toBeNull();
  });

  it('returns the same verification for a retried upload with the same Idempotency-Key', async () => {
    const first = await (await upload({ 'idempotency-key': 'abc-1' })).json();
    const again = await upload({ 'idempotency-key': 'abc-1' });
    expect([200, 201]).toContain(again.status);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json()).id).toBe(first.id);
    const list = await (
      await t.app.request('/v1/subjects/u-1/verifications', { headers: t.auth('engine') })
    ).json();
    expect(list.items).toHaveLength(1);
  });

  it('lists a subject history newest first, page by page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await (await upload({ 'idempotency-key': `k${i}` })).json()).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await (
        await t.app.request(`/v1/subjects/u-1/verifications${query}`, { headers: t.auth('client') })
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((v: { id: string }) => v.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('serves health, readiness, metrics and the generated OpenAPI document', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200);
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(200);
    await upload();
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('docverify_http_requests_total');
    expect(metrics).toContain('docverify_jobs{status="queued"}');
    const spec = await (await t.app.request('/openapi.json')).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/verifications',
        '/v1/verifications/{id}',
        '/v1/subjects/{subjectId}/verifications',
      ]),
    );
    const docs = await (await t.app.request('/docs')).text();
    expect(docs).not.toContain('cdn.jsdelivr');
    const css = docs.match(/href="([^"]+\.css)"/)?.[1] ?? '';
    expect((await t.app.request(css)).status).toBe(200);
  });

  it('reports not ready with 503 when the database is gone', async () => {
    await t.services.database.close();
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'not_ready',
      // The table queue is in that database; pg-boss (PostgreSQL) has connections of its own.
      checks: { database: false, ...(t.services.queue.name === 'table' ? { queue: false } : {}) },
    });
  });

  it('stores names and ID numbers encrypted, never in plain text', async () => {
    await upload(
      { prefer: 'wait=30' },
      { applicantName: '欧阳娜娜', applicantIdNumber: '11010519491231002X' },
    );
    const dump = await dumpRows(t.services, ['verificationsTable']);
    expect(dump).not.toContain('欧阳娜娜');
    expect(dump).not.toContain('11010519491231002X');
  });
});
