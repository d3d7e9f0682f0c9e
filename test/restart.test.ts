import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapAdminKey, type ServerProcess, startServerProcess } from './support/server-process.js';

const samples = [
  'sample-02-grad-photo',
  'sample-03-degree-photo',
  'sample-04-chsi-photo',
  'sample-09-unknown-receipt',
];

describe('restart: a killed server loses nothing and duplicates nothing', () => {
  const servers: ServerProcess[] = [];
  let dataDir = '';
  afterEach(async () => {
    for (const s of servers) await s.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes every accepted job exactly once after kill -9 mid-job', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-restart-'));
    // A short lease so the restarted server takes over the killed server's running job quickly.
    const env = { DATA_DIR: dataDir, OCR_POOL_SIZE: '1', JOB_LEASE_MS: '3000' };
    const first = await startServerProcess(env);
    servers.push(first);
    const adminKey = bootstrapAdminKey(first);
    const created = await fetch(`${first.baseUrl}/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'client' }),
    });
    const clientKey = ((await created.json()) as { key: string }).key;
    const auth = { authorization: `Bearer ${clientKey}` };

    const upload = async (baseUrl: string, sample: string) => {
      const form = new FormData();
      const bytes = fs.readFileSync(path.join('fixtures', sample, 'input.jpg'));
      form.append('file', new Blob([new Uint8Array(bytes)]), 'photo.jpg');
      form.append('subjectId', `restart-${sample}`);
      return fetch(`${baseUrl}/v1/verifications`, {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': `restart-${sample}` },
        body: form,
      });
    };

    const ids: string[] = [];
    for (const sample of samples) {
      const res = await upload(first.baseUrl, sample);
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // Kill while the first job is being processed.
    for (let i = 0; i < 300; i++) {
      const v = (await (
        await fetch(`${first.baseUrl}/v1/verifications/${ids[0]}`, { headers: auth })
      ).json()) as {
        status: string;
      };
      if (v.status !== 'queued') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await first.kill9();

    const second = await startServerProcess(env);
    servers.push(second);
    const statuses = new Map<string, string>();
    for (let i = 0; i < 600 && statuses.size < ids.length; i++) {
      for (const id of ids) {
        const v = (await (
          await fetch(`${second.baseUrl}/v1/verifications/${id}`, { headers: auth })
        ).json()) as {
          status: string;
        };
        if (v.status === 'completed' || v.status === 'failed') statuses.set(id, v.status);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect([...statuses.values()]).toEqual(ids.map(() => 'completed'));

    // Retried uploads after the restart return the same verifications, not new ones.
    for (const [i, sample] of samples.entries()) {
      const again = await upload(second.baseUrl, sample);
      expect(((await again.json()) as { id: string }).id).toBe(ids[i]);
    }
    await second.stop();
    const db = new Database(path.join(dataDir, 'docverify.sqlite'), { readonly: true });
    const rows = db
      .prepare(
        "select v.id, count(j.id) as jobs, sum(j.status = 'succeeded') as succeeded from verifications v join jobs j on j.subject_ref = v.id group by v.id",
      )
      .all() as { id: string; jobs: number; succeeded: number }[];
    db.close();
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) expect(row).toMatchObject({ jobs: 1, succeeded: 1 });
    // Two server starts and four OCR jobs on one thread: on a 2-core machine that also runs the
    // other suites (and each start warms the PDF intake workers), more than the default 120 s.
  }, 300_000);
});
