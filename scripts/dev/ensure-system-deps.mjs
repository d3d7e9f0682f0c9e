#!/usr/bin/env node
/**
 * What the test suite needs from the operating system, beside npm: Debian's Chromium at
 * /usr/bin/chromium (the reviewer pages run in it) and the CJK fonts the test images and the fixture
 * generator draw in: the Noto families, and the arphic and WenQuanYi ones the layout families pick
 * from (scripts/fixtures/layout.ts, FONTS). A missing one would not fail: Chromium would fall back to
 * another font and the eval would score a different fixture set. With `--promtool`,
 * also `promtool` (Debian's `prometheus`), which checks a live /metrics scrape.
 *
 * Run by `npm test` (pretest) and by `.ci/run`. When something is missing and this runs as root on
 * a Debian-like system, it installs the packages with apt-get; otherwise it prints the command to
 * run and exits 1. Plain Node with no dependencies: it runs before `npm ci` in CI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const withPromtool = process.argv.includes('--promtool');

const has = (command, args = ['--version']) =>
  spawnSync(command, args, { stdio: 'ignore' }).error === undefined;

function fontFamilies() {
  const list = spawnSync('fc-list', [':', 'family'], { encoding: 'utf8' });
  return list.error ? null : list.stdout;
}

/** Each requirement: what it is, how to tell it is there, and the Debian packages that bring it. */
const requirements = [
  {
    what: 'Chromium at /usr/bin/chromium',
    present: () => fs.existsSync('/usr/bin/chromium'),
    packages: ['chromium'],
  },
  {
    what: 'fc-list (fontconfig), to find the fonts',
    present: () => fontFamilies() !== null,
    packages: ['fontconfig'],
  },
  {
    what: 'the fonts Noto Sans CJK SC and Noto Serif CJK SC',
    present: () => {
      const families = fontFamilies() ?? '';
      return /Noto Sans CJK SC/i.test(families) && /Noto Serif CJK SC/i.test(families);
    },
    packages: ['fonts-noto-cjk'],
  },
  ...[
    { family: 'AR PL UKai CN', pkg: 'fonts-arphic-ukai' },
    { family: 'AR PL UMing CN', pkg: 'fonts-arphic-uming' },
    { family: 'WenQuanYi Micro Hei', pkg: 'fonts-wqy-microhei' },
    { family: 'WenQuanYi Zen Hei', pkg: 'fonts-wqy-zenhei' },
  ].map(({ family, pkg }) => ({
    what: `the font ${family}`,
    present: () => (fontFamilies() ?? '').toLowerCase().includes(family.toLowerCase()),
    packages: [pkg],
  })),
  ...(withPromtool
    ? [{ what: 'promtool (Prometheus)', present: () => has('promtool'), packages: ['prometheus'] }]
    : []),
];

const missing = () => requirements.filter((r) => !r.present());

function report(items) {
  for (const item of items)
    console.error(`  missing: ${item.what} (Debian package ${item.packages.join(', ')})`);
}

let lacking = missing();
if (lacking.length === 0) process.exit(0);

const packages = [...new Set(lacking.flatMap((r) => r.packages))];
const install = ['install', '-y', '--no-install-recommends', ...packages];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (isRoot && has('apt-get', ['--version'])) {
  console.error(`Installing from Debian for the tests: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['-qq', ...install],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (run.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed (exit ${run.status})`);
      process.exit(1);
    }
  }
  lacking = missing();
  if (lacking.length === 0) process.exit(0);
  console.error('Still missing after apt-get install:');
  report(lacking);
  process.exit(1);
}

console.error('The tests need system packages that are not installed:');
report(lacking);
console.error(`On Debian or Ubuntu, as root:\n  apt-get update && apt-get ${install.join(' ')}`);
process.exit(1);
