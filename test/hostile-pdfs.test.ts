import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { benignTextPage, documentOf, hostilePdfCorpus } from './hostile-pdfs.test-support.js';
import { bearer, createKeyVia, locationId, uploadDocument, waitUntilFinal } from './support/api-client.js';
import { bootstrapAdminKey, type ServerProcess, startServerProcess } from './support/server-process.js';

/**
 * Hostile PDFs against a real server process (so its memory is measured, not the test runner's):
 * content-stream bombs, plain and compressed, a bomb behind a harmless first page, huge pages,
 * deep nesting, XObject recursion and fan-out, many bomb pages, a font and an image that inflate
 * to gigabytes. Every upload must be answered at once (intake only counts pages, in a worker),
 * /healthz must answer throughout, the server's peak memory must stay under 1.5 GiB, and every
 * verification must end with a verdict or a failure code within JOB_MAX_ATTEMPTS.
 */

const MAX_ATTEMPTS = 2;
const PEAK_RSS_LIMIT_KB = 1.5 * 1024 * 1024;

interface Result {
  status: string;
  verdict: string | null;
  failure: { code: string } | null;
}

/** Polls /healthz until stopped; anything but a 200 within 5 s is a miss. */
function watchHealth(baseUrl: string) {
  const misses: string[] = [];
  let answers = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = new Date().toISOString();
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) answers += 1;
        else misses.push(`${at}: ${res.status}`);
        await res.body?.cancel();
      } catch (error) {
        misses.push(`${at}: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { answers, misses };
    },
  };
}

function peakRssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
}

describe('hostile PDFs', () => {
  let server: ServerProcess | null = null;
  let dataDir = '';
  afterEach(async () => {
    await server?.kill9();
    server = null;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('each upload is answered at once, /healthz never misses, peak RSS < 1.5 GiB, each verification ends within JOB_MAX_ATTEMPTS', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-hostile-pdfs-'));
    server = await startServerProcess({
      DATA_DIR: dataDir,
      OCR_POOL_SIZE: '1',
      // As on a two-core machine by default: one document's OCR beside another's PDF reading.
      JOB_CONCURRENCY: '2',
      JOB_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      BLOB_SWEEP_INTERVAL_MINUTES: '0',
    });
    const baseUrl = server.baseUrl;
    const clientKey = await createKeyVia(baseUrl, bootstrapAdminKey(server), 'client');
    const health = watchHealth(baseUrl);

    const corpus: Array<[string, Buffer]> = [
      ...hostilePdfCorpus(),
      ['control: a harmless one-page PDF', documentOf([benignTextPage])],
    ];
    const uploads: Array<{ name: string; status: number; id: string | null; answerMs: number }> = [];
    for (const [n, [name, bytes]] of corpus.entries()) {
      const started = performance.now();
      const res = await uploadDocument(baseUrl, clientKey, {
        bytes,
        subjectId: `hostile-pdf-${n}`,
        filename: 'document.pdf',
      });
      const answerMs = Math.round(performance.now() - started);
      const body = (await res.json()) as { code?: string };
      uploads.push({ name, status: res.status, id: locationId(res), answerMs });
      process.stdout.write(
        `upload ${name} (${bytes.length} bytes): ${res.status}${body.code ? ` ${body.code}` : ''} in ${answerMs} ms\n`,
      );
    }

    const accepted = uploads.filter((u) => u.status === 202);
    for (const upload of uploads) {
      expect([202, 422], `${upload.name}: ${upload.status}`).toContain(upload.status);
    }
    const finals = await waitUntilFinal(
      baseUrl,
      clientKey,
      accepted.map((u) => String(u.id)),
      240_000,
    );
    const outcomes: Record<string, string> = {};
    for (const upload of accepted) {
      const res = await fetch(`${baseUrl}/v1/verifications/${upload.id}`, { headers: bearer(clientKey) });
      const result = (await res.json()) as Result;
      outcomes[upload.name] =
        result.status === 'completed' ? `verdict ${result.verdict}` : `failed ${result.failure?.code}`;
      expect(finals.get(String(upload.id))?.status).toMatch(/^(completed|failed)$/);
      expect(Boolean(result.verdict) || Boolean(result.failure?.code), upload.name).toBe(true);
    }
    process.stdout.write(`${JSON.stringify(outcomes, null, 1)}\n`);

    const { answers, misses } = await health.stop();
    const peakKb = peakRssKb(server.child.pid ?? 0);
    process.stdout.write(
      `healthz: ${answers} answers, ${misses.length} misses; server peak RSS ${Math.round(peakKb / 1024)} MB\n`,
    );
    expect(misses).toEqual([]);
    expect(answers).toBeGreaterThan(0);
    expect(peakKb).toBeLessThan(PEAK_RSS_LIMIT_KB);
    expect(server.child.exitCode).toBeNull();

    // The bombs end in a clear failure; the harmless pages, however large, in a verdict.
    expect(outcomes).toMatchObject({
      'CPU bomb: 300 KB of nested q operators': 'failed PDF_TOO_COMPLEX',
      'content bomb: 64 MB of operators in 70 KB of Flate': 'failed PDF_TOO_COMPLEX',
      'content bomb: 512 MB of operators in 500 KB of Flate': 'failed PDF_TOO_COMPLEX',
      'benign page 1, Flate bomb on page 2': 'failed PDF_TOO_COMPLEX',
      'XObject fan-out: 10 levels × 10 (10^10 rectangles)': 'failed PDF_TOO_COMPLEX',
      'font bomb: an embedded font that inflates to 1 GB': 'failed PDF_TOO_COMPLEX',
      '5000-pt page': expect.stringMatching(/^verdict /),
      '14400-pt page': expect.stringMatching(/^verdict /),
      'control: a harmless one-page PDF': expect.stringMatching(/^verdict /),
    });

    await server.stop();
    const db = new Database(path.join(dataDir, 'docverify.sqlite'), { readonly: true });
    try {
      const jobs = db
        .prepare("select subject_ref as id, attempts from jobs where kind = 'verification.process'")
        .all() as { id: string; attempts: number }[];
      expect(jobs).toHaveLength(accepted.length);
      for (const job of jobs) expect(job.attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
    } finally {
      db.close();
    }
  }, 600_000);
});
