/**
 * Debugging aid for the rule-based extractors: caches the real reading stage's output (OCR pages or the
 * PDF text layer) per fixture case, then scores the pipeline's judge (src/pipeline/judge.ts: classify →
 * extract → validate → duplicates → contract → decide, the model off) from the cache.
 *
 *   npx tsx scripts/ocr-dump.ts [--limit N] [--only substring]          read and cache (skips cached cases)
 *   npx tsx scripts/ocr-dump.ts --reread [--only substring]             redo only the targeted re-read of cached cases
 *   npx tsx scripts/ocr-dump.ts --score [--only substring] [--verbose]  score from the cache only (fast)
 *   npx tsx scripts/ocr-dump.ts --show <caseId> [--first]               print a cached case's lines (re-read unless --first)
 *
 * Cache: /tmp/ocr-cache/<caseId>.json, and the OCR image of each photo page as <caseId>.p<N>.png, from
 * which --reread redoes the targeted re-read (src/pipeline/reread/) after a change to it, without
 * preprocessing or reading the page again (override with --cache DIR).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Fields, SupportedDocumentType } from '../src/documents/document-types.js';
import { LOW_FIELD_CONFIDENCE } from '../src/documents/field-checks.js';
import { documentModuleFor, documentModules } from '../src/documents/registry.js';
import { createPdfReader } from '../src/imaging/pdf-reader.js';
import { createAssistSession } from '../src/llm/assist.js';
import type { Box, OcrResult } from '../src/ocr/ocr.types.js';
import { createOcrPool, type OcrPool } from '../src/ocr/pool.js';
import { choosePage, NOTHING_READ } from '../src/pipeline/classification.js';
import { type JudgedPage, judge } from '../src/pipeline/judge.js';
import type { SeenBefore } from '../src/pipeline/pipeline.types.js';
import { readDocument } from '../src/pipeline/read-document.js';
import { rereadPage } from '../src/pipeline/reread/index.js';
import { systemClock } from '../src/platform/clock.js';
import type { Reason } from '../src/verdicts/reasons.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    only: { type: 'string' },
    score: { type: 'boolean', default: false },
    show: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    cache: { type: 'string', default: '/tmp/ocr-cache' },
    json: { type: 'string' },
    reread: { type: 'boolean', default: false },
    first: { type: 'boolean', default: false },
  },
});

interface Expected {
  caseId: string;
  kind: string;
  variant?: string;
  documentType: string;
  fields: Record<string, unknown>;
  verdict: string;
  acceptableVerdicts?: string[];
  applicant?: { name?: string; idNumber?: string } | null;
  subjectId?: string;
  legible?: boolean;
}

interface CachedCase {
  caseId: string;
  input: string;
  /** sha256 of the input file: the generator may rewrite a case under the same id. */
  sha256: string;
  /** `paperBox`: the paper on a photo page's OCR image, for the duplicate fingerprint (absent in older caches). */
  pages: { ocr: OcrResult; fromPdfText: boolean; paperBox?: Box }[];
  /** The chosen page after the targeted re-read, as run.ts reads it (absent in caches of older versions). */
  reread?: { pageIndex: number; ocr: OcrResult };
  qualityReasons: Reason[];
  editingSoftware: string | null;
  timingsMs: { preprocess: number; ocr: number };
}

const cacheDir = path.resolve(values.cache);
const root = path.resolve('fixtures');

function listCases(): { caseId: string; dir: string; input: string }[] {
  const out: { caseId: string; dir: string; input: string }[] = [];
  for (const base of [root, path.join(root, 'generated')]) {
    if (!fs.existsSync(base)) continue;
    for (const name of fs.readdirSync(base).sort()) {
      const dir = path.join(base, name);
      if (!fs.statSync(dir).isDirectory()) continue;
      const input = fs.readdirSync(dir).find((f) => /^input\.(jpe?g|png|pdf)$/i.test(f));
      if (!input || !fs.existsSync(path.join(dir, 'expected.json'))) continue;
      out.push({ caseId: name, dir, input: path.join(dir, input) });
    }
  }
  return out.filter((c) => !values.only || c.caseId.includes(values.only));
}

function mimeOf(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.pdf') return 'application/pdf';
  if (ext === '.png') return 'image/png';
  return 'image/jpeg';
}

async function dump(): Promise<void> {
  fs.mkdirSync(cacheDir, { recursive: true });
  let cases = listCases().filter((c) => loadCached(c) === null);
  if (values.limit) cases = cases.slice(0, Number(values.limit));
  if (!cases.length) {
    process.stderr.write('ocr-dump: every selected case is cached\n');
    return;
  }
  const pool = await createOcrPool({ size: 1, timeoutMs: 120_000 });
  const pdf = createPdfReader({
    maxPages: 5,
    maxPixels: 40e6,
    maxOperatorsPerPage: 100_000,
    readTimeoutMs: 120_000,
    inspectTimeoutMs: 500,
    memoryMb: 256,
  });
  try {
    for (const [i, c] of cases.entries()) {
      const started = performance.now();
      try {
        const bytes = fs.readFileSync(c.input);
        const read = await readDocument(bytes, mimeOf(c.input), {
          ocr: pool,
          pdf,
          maxInputPixels: 40e6,
        });
        const cached: CachedCase = {
          caseId: c.caseId,
          input: path.relative(process.cwd(), c.input),
          sha256: createHash('sha256').update(bytes).digest('hex'),
          pages: read.pages.map((p) => ({
            ocr: p.ocr,
            fromPdfText: p.transform === null,
            ...(p.prepared ? { paperBox: p.prepared.paperBox } : {}),
          })),
          qualityReasons: read.qualityReasons,
          editingSoftware: read.editingSoftware,
          timingsMs: read.timingsMs,
        };
        for (const [index, page] of read.pages.entries())
          if (page.prepared) fs.writeFileSync(imageFile(c.caseId, index), page.prepared.ocrImage);
        await addReread(cached, pool);
        writeCached(cached);
        process.stderr.write(
          `[${i + 1}/${cases.length}] ${c.caseId}: ${read.pages.length} page(s), ${read.qualityReasons.length} quality reason(s), ${Math.round(performance.now() - started)} ms\n`,
        );
      } catch (error) {
        process.stderr.write(`[${i + 1}/${cases.length}] ${c.caseId}: FAILED ${String(error)}\n`);
      }
    }
  } finally {
    await pool.close();
    await pdf.close();
  }
}

function imageFile(caseId: string, pageIndex: number): string {
  return path.join(cacheDir, `${caseId}.p${pageIndex}.png`);
}

function writeCached(cached: CachedCase): void {
  const file = path.join(cacheDir, `${cached.caseId}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(cached));
  fs.renameSync(`${file}.tmp`, file);
}

/** The page run.ts would choose (the most confidently classified one), re-read as run.ts does it. */
async function addReread(cached: CachedCase, pool: OcrPool): Promise<void> {
  delete cached.reread;
  if (cached.qualityReasons.length) return;
  const pageIndex = bestPageIndex(cached);
  const page = cached.pages[pageIndex];
  const image = imageFile(cached.caseId, pageIndex);
  if (!page || page.fromPdfText || !fs.existsSync(image)) return;
  const reread = await rereadPage({ ocr: page.ocr, prepared: { ocrImage: fs.readFileSync(image) } }, pool);
  if (reread.ocr !== page.ocr) cached.reread = { pageIndex, ocr: reread.ocr };
}

/** --reread: the targeted re-read again, from the cached OCR image (after a change to reread.ts). */
async function redoRereads(): Promise<void> {
  const cases = listCases()
    .map((c) => loadCached(c))
    .filter((c): c is CachedCase => c !== null);
  const pool = await createOcrPool({ size: 1, timeoutMs: 120_000 });
  try {
    for (const [i, cached] of cases.entries()) {
      const before = JSON.stringify(cached.reread?.ocr.text ?? null);
      await addReread(cached, pool);
      writeCached(cached);
      const after = JSON.stringify(cached.reread?.ocr.text ?? null);
      process.stderr.write(
        `[${i + 1}/${cases.length}] ${cached.caseId}${before === after ? '' : ': changed'}\n`,
      );
    }
  } finally {
    await pool.close();
  }
}

/** The page run.ts chooses: classified as first read (src/pipeline/classification.ts). */
function bestPageIndex(cached: CachedCase): number {
  return (
    choosePage(
      cached.pages.map((page, index) => ({ ...page, index })),
      null,
    ).page?.index ?? 0
  );
}

/** The cached reading of a case, or null when there is none or its input changed since. */
function loadCached(c: { caseId: string; input: string }): CachedCase | null {
  const file = path.join(cacheDir, `${c.caseId}.json`);
  if (!fs.existsSync(file) || !fs.existsSync(c.input)) return null;
  const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as CachedCase;
  const sha256 = createHash('sha256').update(fs.readFileSync(c.input)).digest('hex');
  return cached.sha256 === sha256 ? cached : null;
}

function show(caseId: string): void {
  const cached = JSON.parse(fs.readFileSync(path.join(cacheDir, `${caseId}.json`), 'utf8')) as CachedCase;
  const pages = cached.pages.map((p, i) =>
    !values.first && cached.reread?.pageIndex === i ? { ...p, ocr: cached.reread.ocr } : p,
  );
  if (cached.reread && !values.first)
    process.stdout.write(`(page ${cached.reread.pageIndex + 1} after re-read)\n`);
  for (const [i, page] of pages.entries()) {
    process.stdout.write(`--- page ${i + 1} (${page.ocr.engine}, ${page.ocr.width}x${page.ocr.height})\n`);
    for (const line of page.ocr.lines) {
      const [x, y, w, h] = line.box.map((v) => Math.round(v));
      process.stdout.write(
        `${String(x).padStart(5)} ${String(y).padStart(5)} ${String(w).padStart(5)} ${String(h).padStart(4)} ${line.confidence.toFixed(2)}  ${line.text}\n`,
      );
    }
  }
  if (cached.qualityReasons.length)
    process.stdout.write(`quality: ${cached.qualityReasons.map((r) => r.code).join(', ')}\n`);
}

/** Normalised haystack for "is the value in the OCR text at all?" (spaces and punctuation dropped). */
function squash(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s·.:：,，、()（）\-_/]/g, '')
    .toUpperCase();
}

/** How the expected value would look printed, for the OCR-lost vs extractor-missed split. */
function printedForms(field: string, want: unknown): string[] {
  const s = String(want);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const [y, m, d] = s.split('-');
    return [`${y}年${Number(m)}月${Number(d)}日`, `${y}${m}${d}`, s, cnDate(s)];
  }
  if (/^\d{4}-\d{2}$/.test(s)) {
    const [y, m] = s.split('-');
    return [`${y}年${Number(m)}月`, `${y}年${m}月`, `${y}${m}`, s, cnDate(s)];
  }
  if (field === 'level') return [s === 'CET4' ? '四级' : '六级', s === 'CET4' ? 'CET-4' : 'CET-6', s];
  return [s];
}

const CN = '〇一二三四五六七八九';
function cnDate(s: string): string {
  const [y = '', m = '', d] = s.split('-');
  const num = (n: number) =>
    n < 10
      ? (CN[n] ?? '')
      : n < 20
        ? `十${n % 10 ? CN[n % 10] : ''}`
        : `${CN[Math.floor(n / 10)]}十${n % 10 ? CN[n % 10] : ''}`;
  return `${[...y].map((c) => CN[Number(c)]).join('')}年${num(Number(m))}月${d ? `${num(Number(d))}日` : ''}`;
}

async function score(): Promise<void> {
  const cases = listCases();
  type Tally = { match: number; total: number; ocrLost: number };
  const tally = new Map<string, Tally>();
  const add = (key: string, ok: boolean, lost: boolean) => {
    const t = tally.get(key) ?? { match: 0, total: 0, ocrLost: 0 };
    t.total += 1;
    if (ok) t.match += 1;
    else if (lost) t.ocrLost += 1;
    tally.set(key, t);
  };
  const caseCounts = new Map<string, number>();
  const mismatches: string[] = [];
  const falseVerified: string[] = [];
  const verdictRows: string[] = [];
  const typeErrors: string[] = [];
  const jsonOut: unknown[] = [];
  let missingCache = 0;
  for (const c of cases) {
    const cached = loadCached(c);
    let expected: Expected;
    try {
      expected = JSON.parse(fs.readFileSync(path.join(c.dir, 'expected.json'), 'utf8')) as Expected;
    } catch {
      expected = null as unknown as Expected;
    }
    if (cached === null || expected === null) {
      missingCache += 1;
      continue;
    }
    const run = await runCase(cached, expected);
    jsonOut.push({ caseId: c.caseId, ...run });
    const acceptable = expected.acceptableVerdicts ?? [expected.verdict];
    const verdictOk = acceptable.includes(run.verdict);
    // '!' not acceptable, '~' acceptable but not the exact verdict expected
    verdictRows.push(
      `${verdictOk ? (run.verdict === expected.verdict ? ' ' : '~') : '!'} ${c.caseId.padEnd(32)} ${run.documentType.padEnd(22)} ${run.verdict.padEnd(13)} want ${acceptable.join('|').padEnd(24)} ${run.reasons.join(',')}`,
    );
    if (run.documentType !== expected.documentType)
      typeErrors.push(`${c.caseId}: got ${run.documentType}, want ${expected.documentType}`);
    if (
      run.verdict === 'verified' &&
      (!['clean', 'hard'].includes(expected.kind) || expected.verdict !== 'verified')
    )
      falseVerified.push(`${c.caseId} (${expected.kind}, want ${acceptable.join('|')})`);

    const module = documentModules[expected.documentType as keyof typeof documentModules];
    if (!module || expected.legible === false) continue;
    const group = expected.kind === 'clean' ? 'clean' : expected.kind === 'hard' ? 'hard' : 'other';
    caseCounts.set(
      `${expected.documentType}/${group}`,
      (caseCounts.get(`${expected.documentType}/${group}`) ?? 0) + 1,
    );
    const hay = squash(run.text);
    for (const field of module.scoredFields) {
      const want = expected.fields[field];
      if (want === null || want === undefined) continue;
      const got = run.fields[field] ?? null;
      const ok = JSON.stringify(got) === JSON.stringify(want);
      const inText = printedForms(field, want).some((f) => hay.includes(squash(f)));
      add(`${expected.documentType}/${group}`, ok, !inText);
      add(`all/${group}`, ok, !inText);
      add(`field:${expected.documentType}.${field}/${group}`, ok, !inText);
      if (!ok)
        mismatches.push(
          `${inText ? 'EXTRACTOR' : 'OCR-LOST '} ${c.caseId.padEnd(30)} ${field.padEnd(24)} got ${JSON.stringify(got)} want ${JSON.stringify(want)}`,
        );
    }
  }
  const pct = (t: Tally | undefined) =>
    t
      ? `${((100 * t.match) / t.total).toFixed(1).padStart(5)}%  (${t.match}/${t.total}; ${t.ocrLost} OCR-lost, ${t.total - t.match - t.ocrLost} extractor; ${((100 * t.match) / Math.max(1, t.total - t.ocrLost)).toFixed(1)}% where OCR has it)`
      : '-';
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (values.verbose) {
    out('verdicts:');
    for (const row of verdictRows) out(row);
  }
  out(`\nmismatches (${mismatches.length}):`);
  for (const m of mismatches.sort()) out(`  ${m}`);
  out('\nper field:');
  for (const [k, t] of [...tally].filter(([k]) => k.startsWith('field:')).sort())
    if (t.match < t.total) out(`  ${k.slice(6).padEnd(50)} ${pct(t)}`);
  out('\nfield exact-match (legible cases):');
  for (const group of ['clean', 'hard', 'other']) {
    for (const type of [...Object.keys(documentModules), 'all']) {
      const key = `${type}/${group}`;
      if (!tally.has(key)) continue;
      const n =
        type === 'all'
          ? [...caseCounts].filter(([k]) => k.endsWith(`/${group}`)).reduce((a, [, v]) => a + v, 0)
          : caseCounts.get(key);
      out(`  ${key.padEnd(32)} ${String(n).padStart(3)} cases  ${pct(tally.get(key))}`);
    }
  }
  out(`\ndocument type errors (${typeErrors.length}):`);
  for (const e of typeErrors) out(`  ${e}`);
  out(
    `\nverdict exact: ${verdictRows.filter((r) => r.startsWith(' ')).length}/${verdictRows.length}, acceptable: ${verdictRows.filter((r) => !r.startsWith('!')).length}/${verdictRows.length}`,
  );
  out(`FALSE VERIFIED (${falseVerified.length}): ${falseVerified.join('; ') || 'none'}`);
  if (missingCache) out(`(${missingCache} case(s) not cached yet)`);
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(jsonOut, null, 1));
}

/** The cases judged so far, per fixture set, as the verifications repository answers the duplicate stage. */
const seenCases = new Map<
  string,
  { id: string; subjectId: string; sha256: string; documentKey: string | null; hash: string | null }[]
>();

function seenIn(set: string): SeenBefore {
  const seen = seenCases.get(set) ?? [];
  seenCases.set(set, seen);
  return {
    async findCopies(input) {
      return seen
        .filter(
          (s) =>
            s.id !== input.excludeId &&
            (s.sha256 === input.fileSha256 ||
              (input.documentKey !== null && s.documentKey === input.documentKey)),
        )
        .map((s) => ({ subjectId: s.subjectId, sameFile: s.sha256 === input.fileSha256 }));
    },
    async listPerceptualHashes(excludeId) {
      return seen.flatMap((s) =>
        s.id !== excludeId && s.hash ? [{ subjectId: s.subjectId, hash: s.hash }] : [],
      );
    },
  };
}

/** A cached page as judge reads it: its text after the re-read, and its OCR image for a photo. */
function judgedPage(cached: CachedCase, index: number): JudgedPage | null {
  const page = cached.pages[index];
  if (!page) return null;
  const ocr = cached.reread?.pageIndex === index ? cached.reread.ocr : page.ocr;
  const image = imageFile(cached.caseId, index);
  if (page.fromPdfText || !fs.existsSync(image)) return { ocr, transform: null, prepared: null };
  const paperBox = page.paperBox ?? [0, 0, page.ocr.width, page.ocr.height];
  return { ocr, transform: null, prepared: { ocrImage: fs.readFileSync(image), paperBox } };
}

/** One cached case through the pipeline's judge, as run.ts runs it after the read (the model off). */
async function runCase(cached: CachedCase, expected: Expected) {
  const chosen = cached.qualityReasons.length
    ? { page: null, classification: NOTHING_READ }
    : choosePage(
        cached.pages.map((page, index) => ({ ...page, index })),
        null,
      );
  const page = chosen.page ? judgedPage(cached, chosen.page.index) : null;
  const seenBefore = seenIn(path.dirname(path.dirname(cached.input)));
  const subjectId = expected.subjectId ?? '';
  const { outcome, classification, fieldConfidences } = await judge(
    {
      verificationId: cached.caseId,
      subjectId,
      sha256: cached.sha256,
      applicant: expected.applicant ?? null,
      documentTypeHint: null,
      qualityReasons: cached.qualityReasons,
      editingSoftware: cached.editingSoftware,
      page,
      ruledClassification: chosen.classification,
    },
    {
      clock: systemClock,
      assist: createAssistSession(null),
      seenBefore,
      ocrEngine: page?.ocr.engine ?? 'none',
    },
  );
  seenCases.get(path.dirname(path.dirname(cached.input)))?.push({
    id: cached.caseId,
    subjectId,
    sha256: cached.sha256,
    documentKey: outcome.documentKey,
    hash: outcome.perceptualHash,
  });
  const reasons = outcome.reasons.map((r) => `${r.code}${r.field ? `:${r.field}` : ''}`);
  if (outcome.documentType === 'unknown' || !page) {
    const text = cached.pages.map((p) => p.ocr.text).join('\n');
    return {
      text,
      documentType: outcome.documentType,
      fields: outcome.fields,
      verdict: outcome.verdict,
      reasons,
    };
  }
  const module = documentModuleFor(outcome.documentType as SupportedDocumentType);
  return {
    text: page.ocr.text,
    documentType: outcome.documentType as string,
    fields: outcome.fields,
    verdict: outcome.verdict,
    reasons: [
      ...reasons,
      `(class ${classification.confidence.toFixed(2)}, min field ${fieldConfidences.length ? Math.min(...fieldConfidences).toFixed(2) : '-'}${lowFields(outcome, module.scoredFields)})`,
    ],
  };
}

function lowFields(
  reading: { fields: Fields; evidence: Record<string, { confidence: number }> },
  fields: readonly string[],
): string {
  const low = fields.filter(
    (f) => reading.fields[f] !== null && (reading.evidence[f]?.confidence ?? 1) < LOW_FIELD_CONFIDENCE,
  );
  return low.length ? ` low: ${low.join(' ')}` : '';
}

if (values.show) show(values.show);
else if (values.score) await score();
else if (values.reread) await redoRereads();
else await dump();
