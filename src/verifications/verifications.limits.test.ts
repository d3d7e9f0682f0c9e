import { afterEach, describe, expect, it } from 'vitest';
import { makeTextPng } from '../../test/support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';
import { PROCESS_VERIFICATION_JOB } from './verifications.models.js';

describe('verifications: rate limits and load shedding', () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
  });

  const upload = async (app: TestApp, subjectId: string, text = 'x') =>
    app.app.request('/v1/verifications', {
      method: 'POST',
      headers: app.auth('client'),
      body: uploadForm({ file: fileBlob(await makeTextPng(text), 'image/png'), subjectId }),
    });

  it('limits uploads per subject per minute with 429 and Retry-After', async () => {
    t = await createTestApp({ env: { SUBJECT_UPLOADS_PER_MINUTE: '2' } });
    expect((await upload(t, 's-1', 'a')).status).toBe(202);
    expect((await upload(t, 's-1', 'b')).status).toBe(202);
    const third = await upload(t, 's-1', 'c');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('60');
    expect((await third.json()).code).toBe('RATE_LIMITED');
    expect((await upload(t, 's-2', 'd')).status).toBe(202);
  });

  it('holds the per-subject limit under 20 uploads at once: exactly the limit is accepted', async () => {
    t = await createTestApp({ env: { SUBJECT_UPLOADS_PER_MINUTE: '10' } });
    const app = t;
    const files = await Promise.all(Array.from({ length: 20 }, (_, i) => makeTextPng(`parallel ${i}`)));
    const statuses = await Promise.all(
      files.map(async (png) => {
        const res = await app.app.request('/v1/verifications', {
          method: 'POST',
          headers: app.auth('client'),
          body: uploadForm({ file: fileBlob(png, 'image/png'), subjectId: 's-burst' }),
        });
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const stored = await t.services.verifications.countBySubjectSince('s-burst', new Date(0));
    expect(stored).toBe(10);
  });

  it('limits uploads per subject per day', async () => {
    t = await createTestApp({ env: { SUBJECT_UPLOADS_PER_DAY: '1' } });
    expect((await upload(t, 's-1', 'a')).status).toBe(202);
    const second = await upload(t, 's-1', 'b');
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits requests per API key per minute', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_KEY_PER_MINUTE: '2' } });
    expect((await upload(t, 's-1', 'a')).status).toBe(202);
    expect((await upload(t, 's-2', 'b')).status).toBe(202);
    const third = await upload(t, 's-3', 'c');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('sheds load with 503 and Retry-After when the queue is full, and stores nothing for the refused upload', async () => {
    t = await createTestApp({ env: { MAX_QUEUED_JOBS: '1', JOB_CONCURRENCY: '1' } });
    const statuses: number[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await upload(t, `s-${i}`, `doc ${i}`);
      statuses.push(res.status);
      if (res.status === 503) refused = res;
      // The one worker takes the first document (pg-boss polls for it), so the second one fits.
      if (i === 0) {
        await expect
          .poll(() => t?.services.queue.waiting(PROCESS_VERIFICATION_JOB), { timeout: 10_000 })
          .toBe(0);
      }
    }
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    if (!refused) throw new Error('no upload was shed');
    expect(refused.headers.get('retry-after')).toBe('30');
    expect((await refused.json()).code).toBe('OVERLOADED');
    const refusedSubjects = statuses.flatMap((s, i) => (s === 503 ? [`s-${i}`] : []));
    for (const subject of refusedSubjects) {
      const list = await (
        await t.app.request(`/v1/subjects/${subject}/verifications`, { headers: t.auth('engine') })
      ).json();
      expect(list.items).toEqual([]);
    }
  });
});
