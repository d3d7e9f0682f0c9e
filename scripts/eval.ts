/**
 * `npm run eval`: runs the batch pipeline over the labelled fixtures and scores it: document-type
 * accuracy, field exact-match per type and per case kind, verdict accuracy, false accepts and the
 * false reject rate on clean cases. Exits 1 when a score falls below the committed floor
 * (fixtures/eval-floor.json).
 *
 *   npm run eval -- [--set samples|generated|all] [--limit N] [--out results.jsonl] [--no-floor]
 *                   [--llm careful|adversarial|live] [--llm-mode assist|always]
 *
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

const FRAUD_KINDS = new Set(['tampered', 'mismatch', 'duplicate', 'instruction', 'unknown']);

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'all' },
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

/** Manifest paths are relative to their own folder; the eval writes a temp manifest elsewhere. */
function rebase(line: string, dir: string): string {
  const entry = JSON.parse(line) as { file: string };
  return JSON.stringify({ ...entry, file: path.resolve(dir, entry.file) });
}

// ---- scoring ----
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const pct = (v: number | null) => (v === null ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

// Type accuracy over photos a person can read: an unreadable photo is asked to be retaken, not typed.
const legible = results.filter((r) => r.expected.legible !== false);
const typeCorrect = legible.filter((r) => r.result.documentType === r.expected.documentType).length;
const verdictExact = results.filter((r) => r.result.verdict === r.expected.verdict).length;
const verdictAcceptable = results.filter((r) =>
  (r.expected.acceptableVerdicts ?? [r.expected.verdict]).includes(r.result.verdict ?? ''),
).length;
const falseAccepts = results.filter(
  (r) =>
    r.result.verdict === 'verified' &&
    (FRAUD_KINDS.has(r.expected.kind) || r.expected.verdict === 'rejected'),
);
// Clean documents the contract verifies: one read with no identity known for its subject is not one.
const clean = results.filter((r) => r.expected.kind === 'clean' && r.expected.verdict === 'verified');
const cleanNotVerified = clean.filter((r) => r.result.verdict !== 'verified');

type Tally = { match: number; total: number };
const fieldTally = new Map<string, Tally>();
const add = (key: string, ok: boolean) => {
  const t = fieldTally.get(key) ?? { match: 0, total: 0 };
  t.total += 1;
  if (ok) t.match += 1;
  fieldTally.set(key, t);
};
const missed = new Map<string, number>();
for (const { expected, result } of results) {
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
    if (!ok)
      missed.set(
        `${expected.documentType}.${field}`,
        (missed.get(`${expected.documentType}.${field}`) ?? 0) + 1,
      );
  }
}
const score = (key: string) => {
  const t = fieldTally.get(key);
  return t ? ratio(t.match, t.total) : null;
};

const latencies = results
  .map((r) => r.result.timingsMs?.total)
  .filter((v): v is number => typeof v === 'number')
  .sort((a, b) => a - b);
const quantile = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;

const summary = {
  cases: results.length,
  documentTypeAccuracy: ratio(typeCorrect, legible.length),
  fieldExactMatch: {
    overall: score('overall'),
    clean: score('kind:clean'),
    hard: score('kind:hard'),
    byType: Object.fromEntries(Object.keys(documentModules).map((t) => [t, score(`type:${t}`)])),
  },
  verdictAccuracy: ratio(verdictExact, results.length),
  verdictAcceptable: ratio(verdictAcceptable, results.length),
  falseAccepts: falseAccepts.length,
  cleanNotVerifiedRate: ratio(cleanNotVerified.length, clean.length),
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

const print = (label: string, value: string) => process.stdout.write(`${label.padEnd(38)} ${value}\n`);
process.stdout.write(
  `\ndocverify eval: ${results.length} cases, ${llm ? `LLM ${llm} (${llmEnv.LLM_MODE})` : 'rules alone'}\n`,
);
if (summary.llm)
  print(
    'LLM: cases consulted / fields filled',
    `${summary.llm.casesConsulted} / ${summary.llm.fieldsFilled}`,
  );
if (summary.llm)
  print(
    'LLM: ungrounded / invalid / unavailable',
    `${summary.llm.ungrounded} / ${summary.llm.invalidOutput} / ${summary.llm.unavailable}`,
  );
print('document type accuracy (legible)', pct(summary.documentTypeAccuracy));
print('field exact-match, overall', pct(summary.fieldExactMatch.overall));
print('field exact-match, clean photos', pct(summary.fieldExactMatch.clean));
print('field exact-match, hard photos', pct(summary.fieldExactMatch.hard));
for (const [type, v] of Object.entries(summary.fieldExactMatch.byType)) print(`  ${type}`, pct(v));
print('verdict accuracy (exact)', pct(summary.verdictAccuracy));
print('verdict acceptable', pct(summary.verdictAcceptable));
print('false accepts', String(summary.falseAccepts));
print('clean documents not verified', pct(summary.cleanNotVerifiedRate));
print('latency p50 / p95 (ms)', `${summary.latencyMs.p50} / ${summary.latencyMs.p95}`);
const kinds = [...new Set(results.map((r) => r.expected.kind))].sort();
process.stdout.write('\nby case kind: cases, verdict exact, verdict acceptable\n');
for (const kind of kinds) {
  const rs = results.filter((r) => r.expected.kind === kind);
  const exact = rs.filter((r) => r.result.verdict === r.expected.verdict).length;
  const ok = rs.filter((r) =>
    (r.expected.acceptableVerdicts ?? [r.expected.verdict]).includes(r.result.verdict ?? ''),
  ).length;
  print(
    `  ${kind}`,
    `${String(rs.length).padStart(4)}  ${pct(ratio(exact, rs.length))}  ${pct(ratio(ok, rs.length))}`,
  );
}
if (missed.size) {
  process.stdout.write('\nmost missed fields\n');
  for (const [field, n] of [...missed].sort((a, b) => b[1] - a[1]).slice(0, 12))
    print(`  ${field}`, String(n));
}
for (const r of falseAccepts)
  process.stdout.write(
    `FALSE ACCEPT: ${r.expected.caseId} (${r.expected.kind} ${r.expected.variant ?? ''})\n`,
  );

fs.mkdirSync('test-artifacts', { recursive: true });
fs.writeFileSync(
  llm ? `test-artifacts/eval-summary.llm-${llm}.json` : 'test-artifacts/eval-summary.json',
  `${JSON.stringify(summary, null, 2)}\n`,
);

// ---- floor ----
if (!values['no-floor'] && fs.existsSync(values.floor)) {
  const floor = JSON.parse(fs.readFileSync(values.floor, 'utf8')) as Record<string, number>;
  const failures: string[] = [];
  const check = (name: string, actual: number | null, min: number | undefined, higherIsBetter = true) => {
    if (min === undefined || actual === null) return;
    if (higherIsBetter ? actual < min : actual > min)
      failures.push(`${name} ${actual.toFixed(3)} vs floor ${min}`);
  };
  check('documentTypeAccuracy', summary.documentTypeAccuracy, floor.documentTypeAccuracy);
  check('fieldExactMatchClean', summary.fieldExactMatch.clean, floor.fieldExactMatchClean);
  check('fieldExactMatchHard', summary.fieldExactMatch.hard, floor.fieldExactMatchHard);
  check('verdictAccuracy', summary.verdictAccuracy, floor.verdictAccuracy);
  check('falseAccepts', summary.falseAccepts, floor.maxFalseAccepts, false);
  check('cleanNotVerifiedRate', summary.cleanNotVerifiedRate, floor.maxCleanNotVerifiedRate, false);
  if (failures.length) {
    process.stdout.write(`\nBELOW THE FLOOR (${values.floor}):\n  ${failures.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`\nall scores at or above the floor (${values.floor})\n`);
}
process.exit(0);
