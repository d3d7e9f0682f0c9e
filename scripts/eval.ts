/**
 * `npm run eval`: runs the batch pipeline over the labelled fixtures and scores it, the development
 * and held-out layout families side by side (docs/evaluation.md): clean documents verified,
 * genuine documents rejected, false accepts, greyscale copies verified, field exact-match per type,
 * per field and per capture, verdicts per case kind. Exits 1 when a split's score falls below its
 * committed floor (fixtures/eval-floor.json; CI's gate is the held-out split).
 *
 *   npm run eval -- [--set samples|generated|all] [--split dev|heldout|all] [--limit N]
 *                   [--out results.jsonl] [--no-floor] [--llm careful|adversarial|live]
 *                   [--llm-mode assist|always]
 *
 * --split runs only that split's cases (a subject's cases and a duplicate's original share a split,
 * so the stream is judged as in a full run). Cases without a split (the committed samples,
 * reviewer exports) count as development cases.
 * --llm runs the same cases with the LLM assist: careful and adversarial are scripted local models
 * (scripts/eval-llm.ts); live uses the configured OPENAI_* endpoint (not run in CI). Compare with a
 * run without --llm (the rules alone).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBatch } from '../src/batch.js';
import { loadConfig } from '../src/config.js';
import { documentModules } from '../src/documents/registry.js';
import { buildServices } from '../src/services.js';
import { type ScriptedModelKind, startScriptedModel } from './eval-llm.js';

interface Expected {
  caseId: string;
  kind: string;
  variant?: string;
  family?: string;
  split?: string;
  capture?: string;
  documentType: string;
  fields: Record<string, unknown>;
  verdict: string;
  acceptableVerdicts?: string[];
  legible?: boolean;
  redactedFields?: string[];
}

interface Result {
  file: string;
  documentType?: string | null;
  verdict?: string | null;
  fields?: Record<string, unknown> | null;
  timingsMs?: Record<string, number> | null;
}

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'all' },
    split: { type: 'string', default: 'all' },
    limit: { type: 'string' },
    out: { type: 'string' },
    'no-floor': { type: 'boolean', default: false },
    floor: { type: 'string', default: 'fixtures/eval-floor.json' },
    llm: { type: 'string' },
    'llm-mode': { type: 'string', default: 'assist' },
  },
});

const root = path.resolve('fixtures');
// `private`: cases reviewers exported whose image shows a real person (git-ignored; absent in CI).
const sets = {
  samples: root,
  generated: path.join(root, 'generated'),
  private: path.join(root, 'private'),
} as const;
const chosen =
  values.set === 'all'
    ? (['samples', 'generated', 'private'] as const)
    : ([values.set as keyof typeof sets] satisfies (keyof typeof sets)[]);

if (!['dev', 'heldout', 'all'].includes(values.split ?? 'all')) throw new Error('--split dev|heldout|all');

// The LLM assist under evaluation: a scripted local model, the configured endpoint, or none.
const llm = values.llm;
if (llm && !['careful', 'adversarial', 'live'].includes(llm))
  throw new Error('--llm careful|adversarial|live');
const scriptedModel =
  llm === 'careful' || llm === 'adversarial' ? await startScriptedModel(llm as ScriptedModelKind) : null;
const llmEnv: Record<string, string> = llm
  ? {
      LLM_MODE: values['llm-mode'] ?? 'assist',
      ...(scriptedModel
        ? { OPENAI_API_KEY: 'scripted', OPENAI_BASE_URL: scriptedModel.baseUrl, LLM_MODEL: `scripted-${llm}` }
        : {}),
    }
  : { LLM_MODE: 'off' };

const results: { expected: Expected; result: Result }[] = [];
const outLines: string[] = [];
for (const set of chosen) {
  const dir = sets[set];
  const manifest = path.join(dir, 'manifest.jsonl');
  if (!fs.existsSync(manifest)) {
    process.stderr.write(`eval: no ${path.relative(process.cwd(), manifest)}; skipping the ${set} set\n`);
    continue;
  }
  let lines = fs.readFileSync(manifest, 'utf8').trim().split('\n');
  if (values.split !== 'all') lines = lines.filter((l) => splitOf(readExpected(dir, l)) === values.split);
  if (values.limit) lines = lines.slice(0, Number(values.limit));
  const limited = path.join(os.tmpdir(), `docverify-eval-${process.pid}-${set}.jsonl`);
  fs.writeFileSync(limited, `${lines.map((l) => rebase(l, dir)).join('\n')}\n`);
  // A fresh store per set: duplicates are judged within one stream of submissions.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-eval-'));
  const services = await buildServices(
    loadConfig({ ...process.env, ...llmEnv, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
  );
  // runBatch processes the lines one at a time, in order: the scripted model is told which case is next.
  const caseDirs = lines.map((l) =>
    path.dirname(path.resolve(dir, (JSON.parse(l) as { file: string }).file)),
  );
  let next = 0;
  scriptedModel?.setCase(caseDirs[0] ?? null);
  try {
    await runBatch(services, limited, {
      write: (line) => {
        next += 1;
        scriptedModel?.setCase(caseDirs[next] ?? null);
        outLines.push(line);
        const result = JSON.parse(line) as Result;
        const caseDir = path.dirname(path.resolve(dir, result.file));
        const expected = JSON.parse(fs.readFileSync(path.join(caseDir, 'expected.json'), 'utf8')) as Expected;
        results.push({ expected, result });
      },
      progress: (text) => process.stderr.write(`${text}\n`),
    });
  } finally {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(limited, { force: true });
  }
}

await scriptedModel?.close();

if (values.out) {
  fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
  fs.writeFileSync(values.out, `${outLines.join('\n')}\n`);
}

function readExpected(dir: string, line: string): Expected {
  const caseDir = path.dirname(path.resolve(dir, (JSON.parse(line) as { file: string }).file));
  return JSON.parse(fs.readFileSync(path.join(caseDir, 'expected.json'), 'utf8')) as Expected;
}

/** Cases made before the layout families (samples, reviewer exports) count as development cases. */
function splitOf(e: Expected): string {
  return e.split ?? 'dev';
}

/** Manifest paths are relative to their own folder; the eval writes a temp manifest elsewhere. */
function rebase(line: string, dir: string): string {
  const entry = JSON.parse(line) as { file: string };
  return JSON.stringify({ ...entry, file: path.resolve(dir, entry.file) });
}

// ---- scoring ----
type Scored = { expected: Expected; result: Result };
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '    -  ' : `${(v * 100).toFixed(1).padStart(6)}%`;

/** Copies lenders receive: a greyscale copy or a black-and-white photocopy, photographed. */
const GREY_CAPTURES = new Set(['greyscale-copy', 'photocopy']);
const acceptable = (e: Expected) => e.acceptableVerdicts ?? [e.verdict];
const isClean = (r: Scored) => r.expected.kind === 'clean' && r.expected.verdict === 'verified';
/**
 * A case verified that the contract says must not be: tampered, mismatched, duplicated, instructed,
 * unsupported, specimen, a 学籍 report of a student still 在籍, or read with no identity known. Hard
 * photos are left out: an unreadable photo read right is not an accept of something false.
 */
const isFalseAccept = (r: Scored) =>
  r.result.verdict === 'verified' &&
  !acceptable(r.expected).includes('verified') &&
  r.expected.kind !== 'hard';
/** A genuine clean document rejected (an OCR misreading must ask for review, never reject). */
const isGenuineRejected = (r: Scored) =>
  r.expected.kind === 'clean' &&
  !acceptable(r.expected).includes('rejected') &&
  r.result.verdict === 'rejected';

type Tally = { match: number; total: number };

function fieldTallies(rs: Scored[]): Map<string, Tally> {
  const tally = new Map<string, Tally>();
  const add = (key: string, ok: boolean) => {
    const t = tally.get(key) ?? { match: 0, total: 0 };
    t.total += 1;
    if (ok) t.match += 1;
    tally.set(key, t);
  };
  for (const { expected, result } of rs) {
    const module = documentModules[expected.documentType as keyof typeof documentModules];
    if (!module || expected.legible === false) continue;
    const group = expected.kind === 'clean' ? 'clean' : expected.kind === 'hard' ? 'hard' : 'other';
    for (const field of module.scoredFields) {
      // Reviewer-exported cases replace the person's name and ID in expected.json: not comparable with the image.
      if (expected.redactedFields?.includes(field)) continue;
      const want = expected.fields[field];
      if (want === null || want === undefined) continue;
      const ok = JSON.stringify(result.fields?.[field] ?? null) === JSON.stringify(want);
      add('overall', ok);
      add(`type:${expected.documentType}`, ok);
      add(`kind:${group}`, ok);
      add(`field:${expected.documentType}.${field}`, ok);
      add(`capture:${expected.capture ?? 'unrecorded'}`, ok);
    }
  }
  return tally;
}

function summarize(rs: Scored[]) {
  const tally = fieldTallies(rs);
  const score = (key: string) => {
    const t = tally.get(key);
    return t ? ratio(t.match, t.total) : null;
  };
  const legible = rs.filter((r) => r.expected.legible !== false);
  const clean = rs.filter(isClean);
  const cleanVerified = clean.filter((r) => r.result.verdict === 'verified').length;
  const grey = clean.filter((r) => GREY_CAPTURES.has(r.expected.capture ?? ''));
  const captures = [...new Set(rs.map((r) => r.expected.capture ?? 'unrecorded'))].sort();
  const kinds = [...new Set(rs.map((r) => r.expected.kind))].sort();
  const types = [...new Set(rs.map((r) => r.expected.documentType))].sort();
  return {
    cases: rs.length,
    documentTypeAccuracy: ratio(
      legible.filter((r) => r.result.documentType === r.expected.documentType).length,
      legible.length,
    ),
    cleanCases: clean.length,
    cleanVerifiedRate: ratio(cleanVerified, clean.length),
    cleanNotVerifiedRate: ratio(clean.length - cleanVerified, clean.length),
    greyscaleCopyCases: grey.length,
    greyscaleCopyVerifiedRate: ratio(grey.filter((r) => r.result.verdict === 'verified').length, grey.length),
    genuineRejected: rs.filter(isGenuineRejected).length,
    falseAccepts: rs.filter(isFalseAccept).length,
    fieldExactMatch: {
      overall: score('overall'),
      clean: score('kind:clean'),
      hard: score('kind:hard'),
      byType: Object.fromEntries(Object.keys(documentModules).map((t) => [t, score(`type:${t}`)])),
      byField: Object.fromEntries(
        [...tally.keys()]
          .filter((k) => k.startsWith('field:'))
          .sort()
          .map((k) => [k.slice(6), score(k)]),
      ),
    },
    verdictAccuracy: ratio(rs.filter((r) => r.result.verdict === r.expected.verdict).length, rs.length),
    verdictAcceptable: ratio(
      rs.filter((r) => acceptable(r.expected).includes(r.result.verdict ?? '')).length,
      rs.length,
    ),
    byType: Object.fromEntries(
      types.map((t) => {
        const c = clean.filter((r) => r.expected.documentType === t);
        return [
          t,
          {
            clean: c.length,
            cleanVerifiedRate: ratio(c.filter((r) => r.result.verdict === 'verified').length, c.length),
          },
        ];
      }),
    ),
    byCapture: Object.fromEntries(
      captures.map((cap) => {
        const c = clean.filter((r) => (r.expected.capture ?? 'unrecorded') === cap);
        return [
          cap,
          {
            cases: rs.filter((r) => (r.expected.capture ?? 'unrecorded') === cap).length,
            clean: c.length,
            cleanVerifiedRate: ratio(c.filter((r) => r.result.verdict === 'verified').length, c.length),
            fieldExactMatch: score(`capture:${cap}`),
          },
        ];
      }),
    ),
    byKind: Object.fromEntries(
      kinds.map((k) => {
        const ks = rs.filter((r) => r.expected.kind === k);
        return [
          k,
          {
            cases: ks.length,
            verdictExact: ratio(ks.filter((r) => r.result.verdict === r.expected.verdict).length, ks.length),
            verdictAcceptable: ratio(
              ks.filter((r) => acceptable(r.expected).includes(r.result.verdict ?? '')).length,
              ks.length,
            ),
          },
        ];
      }),
    ),
  };
}
type Summary = ReturnType<typeof summarize>;

const groups: Record<string, Scored[]> = {
  dev: results.filter((r) => splitOf(r.expected) === 'dev'),
  heldout: results.filter((r) => splitOf(r.expected) === 'heldout'),
  all: results,
};
const splits = Object.fromEntries(Object.entries(groups).map(([k, rs]) => [k, summarize(rs)])) as Record<
  'dev' | 'heldout' | 'all',
  Summary
>;

const latencies = results
  .map((r) => r.result.timingsMs?.total)
  .filter((v): v is number => typeof v === 'number')
  .sort((a, b) => a - b);
const quantile = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;

const summary = {
  cases: results.length,
  splits,
  latencyMs: { p50: quantile(0.5), p95: quantile(0.95) },
  llm: llm ? { model: llm, mode: llmEnv.LLM_MODE, ...llmCounts(outLines) } : null,
};

/** What the LLM assist did over the run: fields it filled, and its info reasons. */
function llmCounts(lines: string[]) {
  const counts = { fieldsFilled: 0, ungrounded: 0, invalidOutput: 0, unavailable: 0, casesConsulted: 0 };
  for (const line of lines) {
    const r = JSON.parse(line) as {
      evidence?: Record<string, { source: string }> | null;
      reasons?: { code: string }[];
      versions?: Record<string, string> | null;
    };
    counts.fieldsFilled += Object.values(r.evidence ?? {}).filter((e) => e.source === 'llm').length;
    for (const { code } of r.reasons ?? []) {
      if (code === 'LLM_UNGROUNDED_VALUE') counts.ungrounded += 1;
      if (code === 'LLM_INVALID_OUTPUT') counts.invalidOutput += 1;
      if (code === 'LLM_UNAVAILABLE') counts.unavailable += 1;
    }
    if (r.versions?.model && r.versions.model !== 'none') counts.casesConsulted += 1;
  }
  return counts;
}

// ---- report: the splits side by side ----
const cols = ['dev', 'heldout', 'all'] as const;
const out = (text: string) => process.stdout.write(`${text}\n`);
const row = (label: string, cells: string[]) =>
  out(`${label.padEnd(44)}${cells.map((c) => c.padStart(12)).join('')}`);
const pctRow = (label: string, pick: (s: Summary) => number | null | undefined) =>
  row(
    label,
    cols.map((c) => pct(pick(splits[c]))),
  );
const numRow = (label: string, pick: (s: Summary) => number) =>
  row(
    label,
    cols.map((c) => String(pick(splits[c]))),
  );

out(`\ndocverify eval: ${results.length} cases, ${llm ? `LLM ${llm} (${llmEnv.LLM_MODE})` : 'rules alone'}`);
if (summary.llm) {
  out(`LLM: cases consulted / fields filled ${summary.llm.casesConsulted} / ${summary.llm.fieldsFilled}`);
  out(
    `LLM: ungrounded / invalid / unavailable ${summary.llm.ungrounded} / ${summary.llm.invalidOutput} / ${summary.llm.unavailable}`,
  );
}
row('', [...cols]);
numRow('cases', (s) => s.cases);
pctRow('clean documents verified', (s) => s.cleanVerifiedRate);
numRow('  clean cases (expected verified)', (s) => s.cleanCases);
pctRow('greyscale copies verified (clean)', (s) => s.greyscaleCopyVerifiedRate);
numRow('  greyscale-copy and photocopy clean cases', (s) => s.greyscaleCopyCases);
numRow('genuine documents rejected', (s) => s.genuineRejected);
numRow('false accepts', (s) => s.falseAccepts);
pctRow('document type accuracy (legible)', (s) => s.documentTypeAccuracy);
pctRow('field exact-match, overall', (s) => s.fieldExactMatch.overall);
pctRow('field exact-match, clean', (s) => s.fieldExactMatch.clean);
pctRow('field exact-match, hard', (s) => s.fieldExactMatch.hard);
pctRow('verdict accuracy (exact)', (s) => s.verdictAccuracy);
pctRow('verdict acceptable', (s) => s.verdictAcceptable);
out(`latency p50 / p95 (ms): ${summary.latencyMs.p50} / ${summary.latencyMs.p95}`);

out('\nby type: clean verified / fields exact');
for (const type of Object.keys(documentModules)) {
  pctRow(`  ${type} clean verified`, (s) => s.byType[type]?.cleanVerifiedRate);
  pctRow(`  ${type} fields`, (s) => s.fieldExactMatch.byType[type]);
}
out('\nby field: exact-match');
const fieldNames = [...new Set(cols.flatMap((c) => Object.keys(splits[c].fieldExactMatch.byField)))].sort();
for (const f of fieldNames) pctRow(`  ${f}`, (s) => s.fieldExactMatch.byField[f]);
out('\nby capture: clean verified / fields exact');
const captureNames = [...new Set(cols.flatMap((c) => Object.keys(splits[c].byCapture)))].sort();
for (const cap of captureNames) {
  pctRow(`  ${cap} clean verified`, (s) => s.byCapture[cap]?.cleanVerifiedRate);
  pctRow(`  ${cap} fields`, (s) => s.byCapture[cap]?.fieldExactMatch);
}
out('\nby case kind: verdict exact / acceptable');
const kindNames = [...new Set(results.map((r) => r.expected.kind))].sort();
for (const k of kindNames) {
  pctRow(`  ${k} exact`, (s) => s.byKind[k]?.verdictExact);
  pctRow(`  ${k} acceptable`, (s) => s.byKind[k]?.verdictAcceptable);
}
for (const r of results.filter(isFalseAccept))
  out(
    `FALSE ACCEPT: ${r.expected.caseId} (${splitOf(r.expected)} ${r.expected.kind} ${r.expected.variant ?? ''})`,
  );
for (const r of results.filter(isGenuineRejected))
  out(
    `GENUINE REJECTED: ${r.expected.caseId} (${splitOf(r.expected)} ${r.expected.family ?? ''} ${r.expected.variant ?? ''})`,
  );

fs.mkdirSync('test-artifacts', { recursive: true });
fs.writeFileSync(
  llm ? `test-artifacts/eval-summary.llm-${llm}.json` : 'test-artifacts/eval-summary.json',
  `${JSON.stringify(summary, null, 2)}\n`,
);

// ---- floor: per split; a split is checked when the run scored cases of it ----
interface Floor {
  documentTypeAccuracy?: number;
  fieldExactMatchClean?: number;
  fieldExactMatchHard?: number;
  verdictAcceptable?: number;
  cleanVerifiedRate?: number;
  greyscaleCopyVerifiedRate?: number;
  maxFalseAccepts?: number;
  maxGenuineRejected?: number;
}
if (!values['no-floor'] && fs.existsSync(values.floor)) {
  const floors = JSON.parse(fs.readFileSync(values.floor, 'utf8')) as Partial<
    Record<'dev' | 'heldout', Floor>
  >;
  const failures: string[] = [];
  for (const split of ['heldout', 'dev'] as const) {
    const floor = floors[split];
    const s = splits[split];
    if (!floor || s.cases === 0) continue;
    const check = (name: string, actual: number | null, min: number | undefined, higherIsBetter = true) => {
      if (min === undefined || actual === null) return;
      if (higherIsBetter ? actual < min : actual > min)
        failures.push(`${split}: ${name} ${actual.toFixed(3)} vs floor ${min}`);
    };
    check('documentTypeAccuracy', s.documentTypeAccuracy, floor.documentTypeAccuracy);
    check('fieldExactMatchClean', s.fieldExactMatch.clean, floor.fieldExactMatchClean);
    check('fieldExactMatchHard', s.fieldExactMatch.hard, floor.fieldExactMatchHard);
    check('verdictAcceptable', s.verdictAcceptable, floor.verdictAcceptable);
    check('cleanVerifiedRate', s.cleanVerifiedRate, floor.cleanVerifiedRate);
    check('greyscaleCopyVerifiedRate', s.greyscaleCopyVerifiedRate, floor.greyscaleCopyVerifiedRate);
    check('falseAccepts', s.falseAccepts, floor.maxFalseAccepts, false);
    check('genuineRejected', s.genuineRejected, floor.maxGenuineRejected, false);
  }
  if (failures.length) {
    out(`\nBELOW THE FLOOR (${values.floor}):\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  out(`\nall scores at or above the floor (${values.floor})`);
}
process.exit(0);
