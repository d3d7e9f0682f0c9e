/**
 * `npm run bench [-- --limit N --engines ppocr,tesseract --workers N --no-native]`
 *
 * Preprocessing + OCR over the fixtures (fixtures/<case>/input.* and fixtures/generated/<case>/input.*, with
 * expected.json). Prints per-stage latency p50/p95 on one worker, documents per second through the pool with
 * 1 and N workers, peak RSS, and field recall: the fraction of expected.json field values (spaces removed)
 * found anywhere in the OCR text. When the native `tesseract` CLI is installed it runs on the same
 * preprocessed images (OMP_THREAD_LIMIT=1, chi_sim+eng, --psm 11) as a baseline.
 * Without fixtures it photographs a few synthetic 12 MP documents (test/support/images.ts) instead.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import sharp from 'sharp';
import { preprocessImage } from '../src/imaging/preprocess.js';
import type { OcrEngineName } from '../src/ocr/ocr.types.js';
import { createOcrPool, type OcrPool } from '../src/ocr/pool.js';

const run = promisify(execFile);

const { values: args } = parseArgs({
  options: {
    limit: { type: 'string', default: '12' },
    engines: { type: 'string', default: 'ppocr,tesseract' },
    workers: { type: 'string', default: String(os.availableParallelism()) },
    'no-native': { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    verbose: { type: 'boolean', default: false },
    light: { type: 'boolean', default: false },
  },
});
const limit = Number(args.limit);
const engines = (args.engines ?? '').split(',').filter(Boolean) as OcrEngineName[];
const workers = Number(args.workers);
const engineOptions = { threads: Number(args.threads), light: args.light ?? false };

interface Case {
  id: string;
  bytes: Buffer;
  /** Field values to look for, spaces removed. */
  expected: string[];
}

const compact = (s: string) => s.replace(/\s+/g, '');

async function loadFixtureCases(): Promise<Case[]> {
  const cases: Case[] = [];
  for (const root of ['fixtures', 'fixtures/generated']) {
    if (!existsSync(root)) continue;
    for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(root, entry.name);
      const files = await readdir(dir);
      const input = files.find((f) => /^input\.(jpe?g|png|webp)$/i.test(f));
      if (!input || !files.includes('expected.json')) continue;
      const expected = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as {
        fields?: Record<string, unknown>;
        legible?: boolean;
      };
      if (expected.legible === false) continue;
      const values = Object.values(expected.fields ?? {})
        .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
        .map((v) => compact(String(v)))
        .filter((v) => v.length >= 2);
      if (values.length === 0) continue;
      cases.push({ id: dir, bytes: await readFile(path.join(dir, input)), expected: values });
    }
  }
  return cases;
}

/** 12 MP (3000 × 4000) phone-like photos of rendered CET reports: a stand-in until fixtures exist. */
async function syntheticCases(count: number): Promise<Case[]> {
  const { CET_ROWS, photographDocument, renderDocument } = await import('../test/support/images.js');
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const doc = await renderDocument({ width: 2400, rows: CET_ROWS, seal: true });
    const photo = await photographDocument(doc, {
      frameWidth: 3000,
      frameHeight: 4000,
      docWidthFraction: 0.8 + (i % 3) * 0.05,
      rotateDeg: ((i % 5) - 2) * 1.5,
      blurSigma: 0.6 + (i % 4) * 0.3,
      brightness: 0.85 + (i % 3) * 0.08,
      noise: 3 + (i % 3),
      jpegQuality: 88,
      seed: i + 1,
    });
    // Every fourth photo is taken sideways with no EXIF orientation: the OCR stage must turn it.
    const bytes =
      i % 4 === 3 ? await sharp(photo.image).rotate(90).jpeg({ quality: 88 }).toBuffer() : photo.image;
    cases.push({
      id: `synthetic-${i + 1}${i % 4 === 3 ? '-sideways' : ''}`,
      bytes,
      expected: CET_ROWS.flatMap(([, value]) => value.split(/\s+/))
        .map(compact)
        .filter((v) => v.length >= 2),
    });
  }
  return cases;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
};
const ms = (n: number) => `${Math.round(n)} ms`;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/** Samples the process RSS (main thread + every worker thread) while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakRss: peak };
  } finally {
    clearInterval(timer);
  }
}

const recallOf = (text: string, expected: string[]) => {
  const haystack = compact(text);
  return expected.filter((v) => haystack.includes(v)).length;
};

async function main() {
  let cases = (await loadFixtureCases()).slice(0, limit);
  const source = cases.length > 0 ? 'fixtures' : 'synthetic 12 MP photos (no fixtures found)';
  if (cases.length === 0) cases = await syntheticCases(Math.min(limit, 8));
  const totalFields = cases.reduce((n, c) => n + c.expected.length, 0);
  console.log(`# docverify OCR bench — ${cases.length} images from ${source}, ${totalFields} field values`);
  console.log(
    `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, engine options ${JSON.stringify(engineOptions)}\n`,
  );

  // Preprocessing (main thread, as in the service).
  const prepared: { id: string; image: Buffer; expected: string[]; preprocessMs: number }[] = [];
  for (const c of cases) {
    const t = performance.now();
    const p = await preprocessImage(c.bytes);
    prepared.push({ id: c.id, image: p.ocrImage, expected: c.expected, preprocessMs: performance.now() - t });
  }
  const preMs = prepared.map((p) => p.preprocessMs);
  console.log(`preprocess: p50 ${ms(percentile(preMs, 50))}, p95 ${ms(percentile(preMs, 95))}\n`);

  const rows: string[] = [];
  const baseline: Record<string, { ocrMs: number; found: number }> = {};
  for (const engine of engines) {
    // One worker: latency per document, and recall.
    const single = await withPeakRss(async () => {
      const pool = await createOcrPool({ engine, size: 1, engineOptions });
      try {
        await pool.recognizePage(prepared[0]?.image ?? Buffer.alloc(0)); // warm-up
        const ocrMs: number[] = [];
        const totalMs: number[] = [];
        let found = 0;
        let turned = 0;
        for (const p of prepared) {
          const t = performance.now();
          const page = await pool.recognizePage(p.image);
          const elapsed = performance.now() - t;
          ocrMs.push(elapsed);
          totalMs.push(elapsed + p.preprocessMs);
          found += recallOf(page.ocr.text, p.expected);
          if (page.quarterTurns !== 0) turned++;
          if (args.verbose) {
            const missing = p.expected.filter((v) => !compact(page.ocr.text).includes(v));
            console.log(
              `  ${engine} ${p.id}: ${ms(elapsed)}, ${page.ocr.lines.length} lines, turns ${page.quarterTurns}, missing ${JSON.stringify(missing)}`,
            );
          }
        }
        return { ocrMs, totalMs, found, turned, throughput: await throughput(pool, cases) };
      } finally {
        await pool.close();
      }
    });
    // N workers: end-to-end throughput (preprocess on the main thread, OCR in the pool).
    const multi = await withPeakRss(async () => {
      const pool = await createOcrPool({
        engine,
        size: workers,
        maxQueue: cases.length,
        engineOptions,
      });
      try {
        await Promise.all(prepared.slice(0, workers).map((p) => pool.recognizePage(p.image))); // warm-up
        return await throughput(pool, cases);
      } finally {
        await pool.close();
      }
    });
    const { ocrMs, totalMs, found, turned } = single.result;
    baseline[engine] = { ocrMs: ocrMs.reduce((a, b) => a + b, 0), found };
    rows.push(
      `| ${engine} | ${ms(percentile(ocrMs, 50))} / ${ms(percentile(ocrMs, 95))} | ${ms(percentile(totalMs, 50))} / ${ms(percentile(totalMs, 95))} | ${single.result.throughput.toFixed(2)} | ${multi.result.toFixed(2)} (${workers}) | ${mib(single.peakRss)} / ${mib(multi.peakRss)} | ${pct(found / totalFields)} (${found}/${totalFields}) | ${turned} |`,
    );
    console.log(`${engine}: done`);
  }

  console.log(
    '\n| engine | OCR p50 / p95 (1 worker, incl. orientation) | preprocess + OCR p50 / p95 | docs/s, 1 worker | docs/s, N workers | peak RSS 1 / N workers | field recall | pages turned |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  if (engines.length > 1) {
    console.log(
      '(peak RSS is the whole process and never shrinks: run one --engines per invocation to compare memory)',
    );
  }

  if (!args['no-native']) await nativeBaseline(prepared, totalFields, baseline);
  console.log(
    `\nload average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

/**
 * End to end: preprocess + recognizePage for every case, one more in flight than the pool has workers (so a
 * worker never waits for preprocessing, and no more 12 MP decodes are held than that).
 */
async function throughput(pool: OcrPool, cases: Case[]): Promise<number> {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      if (!c) return;
      const p = await preprocessImage(c.bytes);
      await pool.recognizePage(p.ocrImage);
    }
  };
  await Promise.all(Array.from({ length: pool.size + 1 }, lane));
  return cases.length / ((performance.now() - start) / 1000);
}

async function nativeBaseline(
  prepared: { image: Buffer; expected: string[] }[],
  totalFields: number,
  engines: Record<string, { ocrMs: number; found: number }>,
) {
  try {
    await run('tesseract', ['--version']);
  } catch {
    console.log('\nnative tesseract CLI not found: baseline skipped');
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docverify-bench-'));
  try {
    let totalMs = 0;
    let found = 0;
    const times: number[] = [];
    for (const [i, p] of prepared.entries()) {
      const file = path.join(dir, `${i}.png`);
      await writeFile(file, p.image);
      const t = performance.now();
      const { stdout } = await run('tesseract', [file, 'stdout', '-l', 'chi_sim+eng', '--psm', '11'], {
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        maxBuffer: 1 << 24,
      });
      const elapsed = performance.now() - t;
      times.push(elapsed);
      totalMs += elapsed;
      found += recallOf(stdout, p.expected);
    }
    console.log(
      `\nnative tesseract CLI (OMP_THREAD_LIMIT=1, chi_sim+eng, psm 11, no orientation step): p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}, field recall ${pct(found / totalFields)} (${found}/${totalFields})`,
    );
    for (const [engine, r] of Object.entries(engines)) {
      console.log(
        `  ${engine} vs native CLI: time ×${(r.ocrMs / totalMs).toFixed(2)}, fields found ×${found === 0 ? '∞' : (r.found / found).toFixed(2)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
