#!/usr/bin/env node
/**
 * Rewrites citations of the team's shared documents, which a reader of this repository cannot
 * open, into the repository's own summaries of them:
 *   the formats research (any path, with or without .md) → docs/formats.md (section and rule ids
 *   are the same: §1.4, G2, Z8 …), and the word research alone before a section sign likewise;
 *   the contract's document-types file (any path) → docs/contract.md (same section names).
 * Idempotent: a second run changes nothing.
 *
 *   node scripts/dev/cite-repo-docs.mjs [--check] [path …]   (default: src scripts test)
 *
 * With --check it writes nothing, lists what it would change and exits 1 if anything would.
 */
import fs from 'node:fs';
import path from 'node:path';

// The names are spelt with character classes so that this file does not cite them itself.
const REWRITES = [
  [/(?:(?:\.\.\/)*shared\/docs\/)?formats[-]research(?:[.]md)?/g, 'docs/formats.md'],
  [/(?<![-\w/.])research(?= §)/g, 'docs/formats.md'],
  [/(?:(?:\.\.\/)*shared\/docs\/)?document[-]types[.]md/g, 'docs/contract.md'],
];
const EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.md']);

export function rewriteCitations(text) {
  return REWRITES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

function* files(entry) {
  const stat = fs.statSync(entry);
  if (stat.isFile()) {
    if (EXTENSIONS.has(path.extname(entry))) yield entry;
    return;
  }
  for (const name of fs.readdirSync(entry).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    yield* files(path.join(entry, name));
  }
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const roots = args.filter((a) => a !== '--check');
let changed = 0;
for (const root of roots.length > 0 ? roots : ['src', 'scripts', 'test']) {
  for (const file of files(root)) {
    const before = fs.readFileSync(file, 'utf8');
    const after = rewriteCitations(before);
    if (after === before) continue;
    changed += 1;
    const lines = before.split('\n');
    const rewritten = after.split('\n');
    for (const [i, line] of lines.entries()) {
      if (line !== rewritten[i]) console.log(`${file}:${i + 1}: ${rewritten[i]?.trim()}`);
    }
    if (!check) fs.writeFileSync(file, after);
  }
}
if (check && changed > 0) {
  console.error(`${changed} file(s) cite documents outside the repository; run without --check to rewrite`);
  process.exit(1);
}
