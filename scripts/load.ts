/**
 * `npm run load [-- --levels 1,2,4,8,16,32,64 --duration 15 --max-queued 60 --sample DIR --same-file --out FILE.json]`
 *
 * Upload load against the real service. It starts `docverify serve` as a child process (its own
 * temp data folder and port, the real pipeline with PP-OCR), creates a client key through the
 * admin API, then for each concurrency level autocannon keeps N connections uploading for
 * `duration` seconds: `POST /v1/verifications` with a committed sample photo, the sample's
 * applicant and a subjectId of its own per request (so per-subject limits never answer). Each
 * upload is the sample with a JPEG comment naming it: the same pixels, so the same OCR work, but
 * its own bytes and blob, as photos of many users are (`--same-file` sends identical bytes).
 *
 * The levels run one after the other on the same server, so the queue carries over like it does
 * under a rising load. The per-key rate limit is lifted, so what sheds is the queue limit
 * (MAX_QUEUED_JOBS, `--max-queued`): 503 + Retry-After.
 *
 * Per level: accepted uploads/s (2xx), verifications completed per second during the level (the
 * job counters of /metrics before and after it), the queue at its end, upload latency
 * p50/p95/p99 (every answer), answers by status (429, 503, other 5xx, other), whether shed answers
 * carried Retry-After, and the server's peak RSS (VmRSS sampled every 200 ms). Exits 1 when a 5xx
 * other than 503 was answered or /healthz failed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createKeyVia } from '../test/support/api-client.js';
import { bootstrapAdminKey, startServerProcess } from '../test/support/server-process.js';

const { values: args } = parseArgs({
  options: {
    levels: { type: 'string', default: '1,2,4,8,16,32,64' },
    duration: { type: 'string', default: '15' },
    'max-queued': { type: 'string', default: '60' },
    sample: { type: 'string', default: 'fixtures/sample-02-grad-photo' },
    'same-file': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const levels = String(args.levels).split(',').map(Number);
const durationSeconds = Number(args.duration);
const maxQueued = String(args['max-queued']);
const sameFile = args['same-file'] === true;
if (levels.some((n) => !Number.isInteger(n) || n < 1) || !(durationSeconds > 0)) {
  process.stderr.write('--levels takes positive integers (1,2,4) and --duration seconds\n');
  process.exit(2);
}

const sampleDir = path.resolve(String(args.sample));
const photo = fs.readFileSync(path.join(sampleDir, 'input.jpg'));
const { applicant } = JSON.parse(fs.readFileSync(path.join(sampleDir, 'expected.json'), 'utf8')) as {
  applicant: { name: string; idNumber: string };
};

/** multipart/form-data by hand: autocannon sends raw bytes, and each request needs its own subjectId. */
const boundary = 'docverify-load-boundary-7d1f3a';
const field = (name: string, value: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
const fileTail = Buffer.from(`\r\n--${boundary}--\r\n`);
const applicantFields =
  field('applicantName', applicant.name) + field('applicantIdNumber', applicant.idNumber);

/** Where the JPEG's entropy-coded data starts (its SOS marker): a COM segment may go just before it. */
function startOfScan(jpeg: Buffer): number {
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda)
    at += 2 + jpeg.readUInt16BE(at + 2);
  if (jpeg[at] !== 0xff || jpeg[at + 1] !== 0xda) throw new Error('the sample is not a baseline JPEG');
  return at;
}
const scanAt = startOfScan(photo);

/** The photo with a JPEG comment naming the upload: the same pixels, its own bytes. */
function distinctPhoto(n: number): Buffer[] {
  const text = Buffer.from(`docverify load ${n}`, 'latin1');
  const marker = Buffer.from([0xff, 0xfe, 0, 0]);
  marker.writeUInt16BE(text.length + 2, 2);
  return [photo.subarray(0, scanAt), marker, text, photo.subarray(scanAt)];
}

const uploadBody = (n: number) =>
  Buffer.concat([
    Buffer.from(field('subjectId', `load-${n}`) + applicantFields + fileHead),
    ...(sameFile ? [photo] : distinctPhoto(n)),
    fileTail,
  ]);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/** VmRSS of a process in bytes (0 once it is gone). */
function rssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The sum of a metric's samples whose labels include every given one. */
function metric(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

async function queueState(baseUrl: string) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const finished = (outcome: string) =>
    metric(text, 'docverify_job_outcomes_total', { kind: 'verification.process', outcome });
  return {
    completed: finished('succeeded') + finished('failed'),
    queued: metric(text, 'docverify_jobs', { status: 'queued' }),
  };
}

interface LevelResult {
  connections: number;
  durationSeconds: number;
  answered: number;
  acceptedPerSecond: number;
  completedPerSecond: number;
  queuedAtEnd: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  acceptedLatencyMs: { p50: number; p95: number; p99: number };
  statuses: Record<string, number>;
  errors: { status429: number; status503: number; other5xx: number; other: number; timeouts: number };
  errorRate: number;
  shedWithRetryAfter: number;
  shedWithoutRetryAfter: number;
  peakRssBytes: number;
  healthy: boolean;
}

const cores = os.availableParallelism();
process.stderr.write(
  `load: levels ${levels.join(',')}, ${durationSeconds} s each, MAX_QUEUED_JOBS=${maxQueued}, ` +
    `${path.relative(process.cwd(), sampleDir)}${sameFile ? ' (same bytes every time)' : ''}, ` +
    `${cores} cores, load average ${os.loadavg()[0]?.toFixed(2)}\n`,
);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-load-'));
const server = await startServerProcess({
  DATA_DIR: dataDir,
  RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
  MAX_QUEUED_JOBS: maxQueued,
  BLOB_SWEEP_INTERVAL_MINUTES: '0',
});
const pid = Number(server.child.pid);
let peakRss = rssOf(pid);
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, rssOf(pid));
}, 200);
let uploads = 0;

async function runLevel(clientKey: string, connections: number): Promise<LevelResult> {
  const before = await queueState(server.baseUrl);
  peakRss = rssOf(pid);
  const latencies: number[] = [];
  const acceptedLatencies: number[] = [];
  const shed = { withRetryAfter: 0, withoutRetryAfter: 0 };
  const options: autocannon.Options = {
    url: server.baseUrl,
    connections,
    duration: durationSeconds,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/v1/verifications',
        setupRequest: (request) => {
          uploads += 1;
          return {
            ...request,
            headers: {
              authorization: `Bearer ${clientKey}`,
              'content-type': `multipart/form-data; boundary=${boundary}`,
            },
            body: uploadBody(uploads),
          };
        },
        onResponse: (status, _body, _context, headers) => {
          if (status !== 429 && status !== 503) return;
          if (headers?.['retry-after']) shed.withRetryAfter++;
          else shed.withoutRetryAfter++;
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, status, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (status >= 200 && status < 300) acceptedLatencies.push(responseTime);
    });
  });
  const after = await queueState(server.baseUrl);
  const healthy = (await fetch(`${server.baseUrl}/healthz`).catch(() => null))?.status === 200;

  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  );
  const count = (match: (code: number) => boolean) =>
    Object.entries(statuses)
      .filter(([code]) => match(Number(code)))
      .reduce((sum, [, n]) => sum + n, 0);
  const accepted = count((c) => c >= 200 && c < 300);
  const errors = {
    status429: count((c) => c === 429),
    status503: count((c) => c === 503),
    other5xx: count((c) => c >= 500 && c !== 503),
    // Other statuses, and requests that got no answer (socket errors, timeouts).
    other: count((c) => c < 200 || (c >= 300 && c < 500 && c !== 429)) + result.errors,
    timeouts: result.timeouts,
  };
  const answered = latencies.length + result.errors;
  latencies.sort((a, b) => a - b);
  acceptedLatencies.sort((a, b) => a - b);
  return {
    connections,
    durationSeconds: result.duration,
    answered,
    acceptedPerSecond: accepted / result.duration,
    completedPerSecond: (after.completed - before.completed) / result.duration,
    queuedAtEnd: after.queued,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
    },
    acceptedLatencyMs: {
      p50: percentile(acceptedLatencies, 50),
      p95: percentile(acceptedLatencies, 95),
      p99: percentile(acceptedLatencies, 99),
    },
    statuses,
    errors,
    errorRate: answered ? (answered - accepted) / answered : 0,
    shedWithRetryAfter: shed.withRetryAfter,
    shedWithoutRetryAfter: shed.withoutRetryAfter,
    peakRssBytes: peakRss,
    healthy,
  };
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)}`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

function table(results: LevelResult[]): string {
  const head = [
    'conns',
    'accepted/s',
    'completed/s',
    'queued at end',
    'p50 / p95 / p99 ms',
    '429',
    '503',
    'other 5xx',
    'other',
    'error rate',
    'Retry-After',
    'peak RSS MiB',
  ];
  const rows = results.map((r) => {
    const shedTotal = r.shedWithRetryAfter + r.shedWithoutRetryAfter;
    return [
      String(r.connections),
      r.acceptedPerSecond.toFixed(1),
      r.completedPerSecond.toFixed(2),
      String(r.queuedAtEnd),
      `${Math.round(r.latencyMs.p50)} / ${Math.round(r.latencyMs.p95)} / ${Math.round(r.latencyMs.p99)}`,
      String(r.errors.status429),
      String(r.errors.status503),
      String(r.errors.other5xx),
      String(r.errors.other),
      pct(r.errorRate),
      shedTotal === 0 ? '—' : `${r.shedWithRetryAfter}/${shedTotal}`,
      mib(r.peakRssBytes),
    ];
  });
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const results: LevelResult[] = [];
let finalHealthy = false;
try {
  const clientKey = await createKeyVia(server.baseUrl, bootstrapAdminKey(server), 'client');
  for (const connections of levels) {
    const result = await runLevel(clientKey, connections);
    results.push(result);
    process.stderr.write(
      `  ${connections} connections: ${result.acceptedPerSecond.toFixed(1)} accepted/s, ` +
        `${result.completedPerSecond.toFixed(2)} completed/s, ${result.queuedAtEnd} queued, ` +
        `${result.errors.status503} × 503, p95 ${Math.round(result.latencyMs.p95)} ms, ` +
        `peak RSS ${mib(result.peakRssBytes)} MiB, load average ${os.loadavg()[0]?.toFixed(2)}\n`,
    );
  }
  finalHealthy = (await fetch(`${server.baseUrl}/healthz`).catch(() => null))?.status === 200;
} finally {
  clearInterval(sampler);
  // Errors the server logged (a 5xx other than 503 leaves one): shown before the data goes.
  const logged = server
    .output()
    .split('\n')
    .filter((line) => /"level":"(error|fatal)"/.test(line));
  for (const line of logged.slice(0, 5)) process.stderr.write(`  server: ${line.slice(0, 600)}\n`);
  // The queue may hold minutes of work: nothing of it is wanted, so no graceful drain.
  await server.kill9();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

process.stdout.write(`${table(results)}\n\n`);
const shedding = results.find((r) => r.errors.status503 + r.errors.status429 > 0);
process.stdout.write(
  shedding
    ? `Shedding point: ${shedding.connections} connections — ${shedding.acceptedPerSecond.toFixed(1)} accepted uploads/s, ` +
        `p95 ${Math.round(shedding.latencyMs.p95)} ms, peak RSS ${mib(shedding.peakRssBytes)} MiB ` +
        `(${shedding.errors.status503} × 503, ${shedding.errors.status429} × 429)\n`
    : 'No shedding at any level.\n',
);
if (args.out) {
  const report = {
    at: new Date().toISOString(),
    cores,
    node: process.version,
    loadAverageAtEnd: os.loadavg(),
    sample: path.relative(process.cwd(), sampleDir),
    sameFile,
    durationSeconds,
    maxQueuedJobs: Number(maxQueued),
    levels: results,
    sheddingPoint: shedding?.connections ?? null,
    healthyAtEnd: finalHealthy,
  };
  fs.writeFileSync(String(args.out), `${JSON.stringify(report, null, 2)}\n`);
}

const broken = results.filter((r) => r.errors.other5xx > 0 || !r.healthy);
for (const r of broken) {
  process.stderr.write(
    `FAIL at ${r.connections} connections: ${r.errors.other5xx} answers 5xx other than 503 ` +
      `(${JSON.stringify(r.statuses)}), /healthz ${r.healthy ? 'ok' : 'failed'}\n`,
  );
}
if (!finalHealthy) process.stderr.write('FAIL: /healthz did not answer 200 after the last level\n');
process.exit(broken.length > 0 || !finalHealthy ? 1 : 0);
