import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseSuites } from './support/database-suites.js';

/**
 * Rules about the repository itself rather than the service: what its comments may cite, what
 * production code may import, and how `npm run test:pg` finds its suites.
 */
const repoRoot = path.resolve(import.meta.dirname, '..');

function filesUnder(root: string, extensions: readonly string[]): string[] {
  return fs
    .readdirSync(path.join(repoRoot, root), { recursive: true, encoding: 'utf8' })
    .map((file) => path.posix.join(root, file.split(path.sep).join('/')))
    .filter((file) => extensions.some((ext) => file.endsWith(ext)) && !file.includes('node_modules/'));
}

const CODE = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs'] as const;

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  return file.endsWith('.ts') || file.endsWith('.mts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

/** Every comment of a source file, with its line, as the TypeScript parser sees them. */
function comments(file: string): { line: number; text: string }[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const found = new Map<number, { line: number; text: string }>();
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      const line = source.getLineAndCharacterOfPosition(range.pos).line + 1;
      found.set(range.pos, { line, text: text.slice(range.pos, range.end) });
    }
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  visit(source);
  collect(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()));
  return [...found.values()];
}

/**
 * Citations of the team's shared documents, which are not in the repository: the formats research
 * (also as the bare word before a section sign), the contract's document-types file, anything under
 * ../shared. The names are spelt with character classes so that this file does not cite them itself.
 */
const OUTSIDE_DOCUMENT =
  /formats[-]research|(?<![-\w/.])research(?= §)|document[-]types[.]md|(?:\.\.\/)+shared\//;

describe('comments cite only documents inside the repository', () => {
  it('no comment in src, scripts or test cites the shared research, the shared contract or ../shared', () => {
    const offending = ['src', 'scripts', 'test']
      .flatMap((root) => filesUnder(root, CODE))
      // Parsing is for telling comments from code; files that never mention them need none.
      .filter((file) => OUTSIDE_DOCUMENT.test(fs.readFileSync(path.join(repoRoot, file), 'utf8')))
      .flatMap((file) =>
        comments(file)
          .filter((comment) => OUTSIDE_DOCUMENT.test(comment.text))
          .map((comment) => `${file}:${comment.line}`),
      );
    // node scripts/dev/cite-repo-docs.mjs rewrites them into docs/formats.md and docs/contract.md.
    expect(offending).toEqual([]);
  });

  it('no test name or Markdown page cites them either', () => {
    const markdown = ['README.md', ...filesUnder('docs', ['.md']), ...filesUnder('scripts', ['.md'])];
    const tests = ['src', 'scripts', 'test'].flatMap((root) => filesUnder(root, ['.test.ts']));
    const offending = [...markdown, ...tests].filter((file) =>
      /formats[-]research|document[-]types[.]md|\.\.\/shared\/docs/.test(
        fs.readFileSync(path.join(repoRoot, file), 'utf8'),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('the comment reader sees block, line and JSDoc comments, and not text inside strings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hygiene-'));
    try {
      const file = path.join(dir, 'sample.ts');
      fs.writeFileSync(
        file,
        [
          '/** top */',
          "const url = 'http://example.com/*not a comment*/'; // trailing",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
          'const t = `${url} // not one either`;',
          '/* block */ export { t };',
          '// last',
        ].join('\n'),
      );
      const seen = comments(path.relative(repoRoot, file)).map((c) => c.text);
      expect(seen.sort()).toEqual(['/* block */', '/** top */', '// last', '// trailing']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Module specifiers a file imports or re-exports, statically or with import(). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
}

/** Test files and test-only modules: `*.test.ts` and the one suffix for support, `*.test-support.ts`. */
const isTestOnly = (file: string) => /\.test\.tsx?$|\.test-support\.tsx?$/.test(file);

describe('production code never imports test-only code', () => {
  it('no module in src imports a *.test-support.ts module, a test, or anything under test/', () => {
    const offending = filesUnder('src', ['.ts', '.tsx'])
      .filter((file) => !isTestOnly(file))
      .flatMap((file) =>
        importsOf(file)
          .filter((specifier) => specifier.startsWith('.'))
          .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)))
          .filter((target) => target.startsWith('test/') || isTestOnly(target.replace(/\.js$/, '.ts')))
          .map((target) => `${file} imports ${target}`),
      );
    expect(offending).toEqual([]);
  });
});

describe('npm run test:pg', () => {
  let scratch: string | undefined;
  afterEach(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it('runs the config that selects suites by pattern, not a list of paths', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts;
    expect(scripts['test:pg']).toMatch(/vitest run --config vitest\.pg\.config\.ts$/);
  });

  it('selects the suites that open their database through the harness, and only those', () => {
    const selected = databaseSuites(repoRoot, ['src', 'test', 'scripts']);
    expect(selected).toEqual(
      expect.arrayContaining([
        'src/db/database.test.ts',
        'src/verifications/verifications.repository.test.ts',
        'src/jobs/pg-boss-queue.test.ts',
        'src/review/review.api.test.ts',
        'test/authorization-matrix.test.ts',
      ]),
    );
    expect(selected).not.toContain('src/audit/audit.models.test.ts');
    expect(selected).not.toContain('src/jobs/job-runner.test.ts');
  });

  it('picks up a new database-backed suite with nothing to register', () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-suites-'));
    fs.mkdirSync(path.join(scratch, 'src/things'), { recursive: true });
    const write = (file: string, text: string) => fs.writeFileSync(path.join(scratch as string, file), text);
    write(
      'src/things/things.api.test.ts',
      "import { createTestApp } from '../../test/support/test-services.js';",
    );
    write(
      'src/things/contract.test.ts',
      "import { databaseTargets } from '../../test/support/databases.js';",
    );
    write('src/things/things.models.test.ts', "import { describe } from 'vitest';");
    write('src/things/helper.ts', "import { createTestApp } from '../../test/support/test-services.js';");
    expect(databaseSuites(scratch, ['src'])).toEqual([
      'src/things/contract.test.ts',
      'src/things/things.api.test.ts',
    ]);
  });
});
