/**
 * The PostgreSQL cluster, proven with real processes: 2 API nodes (`docverify serve`, which only
 * enqueue) and 1–3 `docverify worker` processes on one PostgreSQL, a shared blob folder, and
 * uploads spread over both API nodes.
 *
 *   1. Throughput: the same uploads with 1, 2 and 3 workers; prints documents per second.
 *   2. Crash: 200 uploads with 3 workers, one worker kill -9'd mid-run. Every accepted upload must
 *      end with exactly one verdict (one `verification.completed` audit record, one outbox event),
 *      and no job may be left in pg-boss's dead letters.
 *
 * Usage: npm run proof:cluster -- [--database-url postgres://…] [--per-phase 20] [--uploads 200]
 * Exits non-zero when a check fails. A fresh schema per run, dropped at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createKeyVia, locationId, uploadDocument } from '../test/support/api-client.js';
import { bootstrapAdminKey, startServerProcess } from '../test/support/server-process.js';

const { values } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test',
    },
    'per-phase': { type: 'string', default: '20' },
    uploads: { type: 'string', default: '200' },
    out: { type: 'string' },
  },
});
const baseUrl = values['database-url'] as string;
const perPhase = Number(values['per-phase']);
const crashUploads = Number(values.uploads);

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(import.meta.dirname, '..');
const schema = `proof_${crypto.randomBytes(4).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
})();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-cluster-'));
const env = {
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  // One OCR thread per worker process: workers scale by processes, as on many machines.
  OCR_POOL_SIZE: '1',
  JOB_CONCURRENCY: '1',
  JOB_POLL_MS: '250',
  // A killed worker's job is retried after its lease; short here so the run stays short.
  JOB_LEASE_MS: '20000',
  JOB_MAINTENANCE_SECONDS: '5',
  MAX_QUEUED_JOBS: '100000',
  SUBJECT_UPLOADS_PER_MINUTE: '1000',
  RATE_LIMIT_PER_KEY_PER_MINUTE: '100000',
  BLOB_SWEEP_INTERVAL_MINUTES: '0',
};

interface Worker {
  child: ChildProcess;
  exited: Promise<void>;
}

function startWorker(index: number): Worker {
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(repoRoot, 'src/cli.ts'), 'worker'],
    { cwd: repoRoot, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Warnings and errors only (LOG_LEVEL=warn): a retried or failed job shows here.
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (d: Buffer) => process.stderr.write(`[worker ${index}] ${d}`));
  }
  return { child, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
}

async function stopWorkers(workers: Worker[]) {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

/** Photos to upload: the generated fixtures when present (varied documents), else the samples. */
function documentImages(): Buffer[] {
  const roots = [path.join(repoRoot, 'fixtures/generated'), path.join(repoRoot, 'fixtures')];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    const images = fs
      .readdirSync(root)
      .map((dir) => path.join(root, dir, 'input.jpg'))
      .filter((file) => fs.existsSync(file));
    if (images.length >= 4) return images.map((file) => fs.readFileSync(file));
  }
  throw new Error('no fixture photos found');
}

async function main() {
  const images = documentImages();
  const api = [await startServerProcess(env)];
  const adminKey = bootstrapAdminKey(api[0] as NonNullable<(typeof api)[0]>);
  api.push(await startServerProcess(env));
  const apiUrls = api.map((s) => s.baseUrl);
  const clientKey = await createKeyVia(apiUrls[0] as string, adminKey, 'client');
  const db = new pg.Client({ connectionString: baseUrl });
  await db.connect();
  const finishedCount = async (ids: string[]) => {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from ${schema}.verifications where id = any($1) and status in ('completed','failed')`,
      [ids],
    );
    return rows[0]?.n ?? 0;
  };
  let uploadCounter = 0;
  const upload = async (): Promise<string> => {
    const n = uploadCounter++;
    const res = await uploadDocument(apiUrls[n % apiUrls.length] as string, clientKey, {
      bytes: images[n % images.length] as Buffer,
      subjectId: `u-proof-${n}`,
    });
    const id = locationId(res);
    if (res.status !== 202 || !id) throw new Error(`upload ${n} answered ${res.status}: ${await res.text()}`);
    return id;
  };
  const waitAll = async (ids: string[], timeoutMs: number, onProgress?: (done: number) => Promise<void>) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const done = await finishedCount(ids);
      await onProgress?.(done);
      if (done === ids.length) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`only ${await finishedCount(ids)} of ${ids.length} finished within ${timeoutMs} ms`);
  };

  const failures: string[] = [];
  const throughput: { workers: number; documents: number; seconds: number; docsPerSecond: number }[] = [];
  try {
    // 1. Throughput with 1, 2, 3 workers: uploads first, then the workers start and drain them.
    for (const count of [1, 2, 3]) {
      const ids: string[] = [];
      for (let i = 0; i < perPhase; i++) ids.push(await upload());
      const workers = Array.from({ length: count }, (_, i) => startWorker(i));
      // Timing starts at the first finished document, so process start-up (model loading) is out.
      let firstAt = 0;
      let firstDone = 0;
      await waitAll(ids, 15 * 60_000, async (done) => {
        if (!firstAt && done > 0) {
          firstAt = Date.now();
          firstDone = done;
        }
      });
      const seconds = (Date.now() - firstAt) / 1000;
      const documents = perPhase - firstDone;
      throughput.push({ workers: count, documents, seconds, docsPerSecond: documents / seconds });
      process.stderr.write(`${count} worker(s): ${(documents / seconds).toFixed(2)} docs/s\n`);
      await stopWorkers(workers);
    }

    // 2. Crash: 200 uploads while 3 workers run; one is kill -9'd after a third are done.
    const workers = [0, 1, 2].map(startWorker);
    const started = Date.now();
    const ids = await Promise.all(Array.from({ length: crashUploads }, () => upload()));
    let killedAt: number | null = null;
    await waitAll(ids, 20 * 60_000, async (done) => {
      if (killedAt === null && done >= Math.floor(crashUploads / 3)) {
        killedAt = done;
        (workers[1] as Worker).child.kill('SIGKILL');
        process.stderr.write(`kill -9 worker 1 with ${done}/${crashUploads} finished\n`);
      }
    });
    const crashSeconds = (Date.now() - started) / 1000;
    await stopWorkers(workers);

    const verdicts = await db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from ${schema}.verifications where id = any($1) group by status`,
      [ids],
    );
    const notCompleted = verdicts.rows.filter((r) => r.status !== 'completed');
    if (notCompleted.length) failures.push(`not completed: ${JSON.stringify(notCompleted)}`);
    const twice = await db.query(
      `select entity_id, count(*)::int as n from ${schema}.audit_records
        where action = 'verification.completed' and entity_id = any($1) group by entity_id having count(*) <> 1`,
      [ids],
    );
    if (twice.rows.length) failures.push(`verdicts written more than once: ${JSON.stringify(twice.rows)}`);
    const completedRecords = await db.query<{ n: number }>(
      `select count(distinct entity_id)::int as n from ${schema}.audit_records
        where action = 'verification.completed' and entity_id = any($1)`,
      [ids],
    );
    if (completedRecords.rows[0]?.n !== crashUploads)
      failures.push(`${completedRecords.rows[0]?.n} completion records for ${crashUploads} uploads`);
    const events = await db.query(
      `select verification_id from ${schema}.webhook_events where type = 'verification.completed'
        and verification_id = any($1) group by verification_id having count(*) <> 1`,
      [ids],
    );
    if (events.rows.length) failures.push(`verdict events not exactly once: ${events.rows.length}`);
    const dead = await db.query<{ n: number }>(
      `select count(*)::int as n from ${schema}_boss.job where name like '%.dead'`,
    );
    if ((dead.rows[0]?.n ?? 0) > 0) failures.push(`${dead.rows[0]?.n} jobs in the dead letters`);
    const retried = await db.query<{ n: number }>(
      `select count(*)::int as n from ${schema}_boss.job where retry_count > 0 and name = 'verification.process'`,
    );

    const [one, two, three] = throughput;
    if (one && two && two.docsPerSecond < one.docsPerSecond * 1.15) {
      failures.push(
        `2 workers (${two.docsPerSecond.toFixed(2)}/s) are not faster than 1 (${one.docsPerSecond.toFixed(2)}/s)`,
      );
    }
    const report = {
      machine: { cpus: os.availableParallelism(), node: process.version },
      apiProcesses: api.length,
      throughput: throughput.map((t) => ({ ...t, docsPerSecond: Number(t.docsPerSecond.toFixed(3)) })),
      crash: {
        uploads: crashUploads,
        workers: 3,
        killedWorkerAfter: killedAt,
        seconds: Number(crashSeconds.toFixed(1)),
        docsPerSecond: Number((crashUploads / crashSeconds).toFixed(3)),
        statuses: Object.fromEntries(verdicts.rows.map((r) => [r.status, r.n])),
        jobsRetriedAfterTheKill: retried.rows[0]?.n ?? 0,
      },
      failures,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      `\ndocs/s: 1 worker ${one?.docsPerSecond.toFixed(2)}, 2 workers ${two?.docsPerSecond.toFixed(2)}, 3 workers ${three?.docsPerSecond.toFixed(2)} (${os.availableParallelism()} cores)\n`,
    );
    if (values.out) fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
  } finally {
    await Promise.all(api.map((s) => s.stop()));
    await db.query(`drop schema if exists ${schema} cascade`);
    await db.query(`drop schema if exists ${schema}_boss cascade`);
    await db.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (failures.length) {
    process.stderr.write(`FAILED:\n- ${failures.join('\n- ')}\n`);
    process.exitCode = 1;
  }
}

await main();
