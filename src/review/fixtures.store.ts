import fs from 'node:fs';
import path from 'node:path';
import type { Fields } from '../documents/document-types.js';
import { ProblemError } from '../http/problems.js';
import { sha256Hex } from './review.models.js';

/** `public` cases live in `<root>/<case>/`; `private` ones (real people in the image) in `<root>/private/<case>/`, git-ignored. */
export type FixtureScope = 'public' | 'private';

export interface ExpectedCase {
  caseId: string;
  kind: string;
  variant?: string;
  subjectId: string;
  applicant: { name?: string | null; idNumber?: string | null } | null;
  documentType: string;
  fields: Fields;
  verdict: string;
  acceptableVerdicts?: string[];
  expectedReasons?: string[];
  legible?: boolean;
  private?: boolean;
  redactedFields?: string[];
  /** The verification a reviewer exported this case from: erasing its subject deletes the case. */
  sourceVerificationId?: string;
  [key: string]: unknown;
}

export interface FixtureSummary {
  scope: FixtureScope;
  caseId: string;
  expected: ExpectedCase;
  /** sha256 of expected.json as read: the optimistic-locking token of an edit. */
  version: string;
}

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

export function isCaseId(value: string): boolean {
  return CASE_ID.test(value) && value !== 'generated' && value !== 'private';
}

export type FixtureStore = ReturnType<typeof createFixtureStore>;

/**
 * The labelled fixture set on disk (FIXTURES_DIR): `<case>/input.<ext>` + `expected.json`, listed
 * in `manifest.jsonl` (paths relative to the manifest) so `npm run eval` picks them up. Case ids
 * are checked against a strict pattern before any path is built from them.
 */
export function createFixtureStore(root: string) {
  const dirOf = (scope: FixtureScope) => (scope === 'private' ? path.join(root, 'private') : root);
  const caseDir = (scope: FixtureScope, caseId: string) => {
    if (!isCaseId(caseId)) throw new ProblemError('NOT_FOUND', `No fixture case ${caseId}.`);
    return path.join(dirOf(scope), caseId);
  };

  const read = (scope: FixtureScope, caseId: string): FixtureSummary | null => {
    const file = path.join(caseDir(scope, caseId), 'expected.json');
    if (!fs.existsSync(file)) return null;
    const text = fs.readFileSync(file, 'utf8');
    return { scope, caseId, expected: JSON.parse(text) as ExpectedCase, version: sha256Hex(text) };
  };

  return {
    root,

    /** `<root>/*\/expected.json` and `<root>/private/*\/expected.json` (the generated set is not edited here). */
    list(): FixtureSummary[] {
      const out: FixtureSummary[] = [];
      for (const scope of ['public', 'private'] as const) {
        const dir = dirOf(scope);
        if (!fs.existsSync(dir)) continue;
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          if (!entry.isDirectory() || !isCaseId(entry.name)) continue;
          const summary = read(scope, entry.name);
          if (summary) out.push(summary);
        }
      }
      return out.sort((a, b) => a.scope.localeCompare(b.scope) || a.caseId.localeCompare(b.caseId));
    },

    read,

    exists(caseId: string): boolean {
      return (['public', 'private'] as const).some((scope) => fs.existsSync(caseDir(scope, caseId)));
    },

    /**
     * Replaces expected.json when it is still the version the reviewer loaded (sha256 of the file);
     * otherwise 409 VERSION_CONFLICT. Written to a temp file and renamed, so a reader never sees half.
     */
    update(scope: FixtureScope, caseId: string, expectedVersion: string, next: ExpectedCase): FixtureSummary {
      const current = read(scope, caseId);
      if (!current) throw new ProblemError('NOT_FOUND', `No fixture case ${caseId}.`);
      if (current.version !== expectedVersion) {
        throw new ProblemError(
          'VERSION_CONFLICT',
          `Fixture ${caseId} was changed after you loaded it; reload it and redo your change.`,
        );
      }
      writeAtomic(path.join(caseDir(scope, caseId), 'expected.json'), `${JSON.stringify(next, null, 2)}\n`);
      const saved = read(scope, caseId);
      if (!saved) throw new Error(`fixture ${caseId} vanished`);
      return saved;
    },

    /** A new case: its folder, input file and expected.json, and one line appended to its manifest. */
    create(input: {
      scope: FixtureScope;
      caseId: string;
      inputExt: string;
      inputBytes: Buffer;
      expected: ExpectedCase;
      manifestLine: Record<string, unknown>;
    }): { dir: string; manifest: string } {
      if (this.exists(input.caseId)) {
        throw new ProblemError('FIXTURE_EXISTS', `Fixture case ${input.caseId} exists already.`);
      }
      const dir = caseDir(input.scope, input.caseId);
      fs.mkdirSync(dir, { recursive: true });
      const inputName = `input.${input.inputExt}`;
      fs.writeFileSync(path.join(dir, inputName), input.inputBytes);
      writeAtomic(path.join(dir, 'expected.json'), `${JSON.stringify(input.expected, null, 2)}\n`);
      const manifest = path.join(dirOf(input.scope), 'manifest.jsonl');
      const line = { file: `${input.caseId}/${inputName}`, ...input.manifestLine, caseId: input.caseId };
      const existing = fs.existsSync(manifest) ? fs.readFileSync(manifest, 'utf8') : '';
      const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
      fs.appendFileSync(manifest, `${separator}${JSON.stringify(line)}\n`);
      return { dir, manifest };
    },

    /**
     * Deletes the cases exported from these verifications (PIPL erasure), public and private: their
     * folders and their manifest lines. A case names its source in `sourceVerificationId`; cases
     * exported before that field existed are found by the case id the export derives from the
     * verification id. Returns the deleted case ids.
     */
    deleteExportsOf(verificationIds: readonly string[]): string[] {
      const ids = new Set(verificationIds);
      const legacyCaseIds = new Set(verificationIds.map(reviewedCaseId));
      const deleted: string[] = [];
      for (const scope of ['public', 'private'] as const) {
        const gone = new Set<string>();
        for (const fixture of this.list().filter((f) => f.scope === scope)) {
          const source = fixture.expected.sourceVerificationId;
          const fromSubject =
            source === undefined
              ? fixture.expected.kind === 'reviewed' && legacyCaseIds.has(fixture.caseId)
              : ids.has(source);
          if (!fromSubject) continue;
          fs.rmSync(caseDir(scope, fixture.caseId), { recursive: true, force: true });
          gone.add(fixture.caseId);
        }
        if (gone.size === 0) continue;
        removeManifestLines(path.join(dirOf(scope), 'manifest.jsonl'), gone);
        deleted.push(...gone);
      }
      return deleted;
    },
  };
}

/** The case id an export gives a verification: stable, so a second export is refused as a duplicate. */
export function reviewedCaseId(verificationId: string): string {
  return `reviewed-${verificationId
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-16)
    .toLowerCase()}`;
}

/** Rewrites a manifest without the lines of these cases; lines it cannot read stay as they are. */
function removeManifestLines(manifest: string, caseIds: ReadonlySet<string>) {
  if (!fs.existsSync(manifest)) return;
  const lines = fs.readFileSync(manifest, 'utf8').split('\n');
  const kept = lines.filter((line) => {
    if (line.trim() === '') return true;
    try {
      const caseId = (JSON.parse(line) as { caseId?: unknown }).caseId;
      return !(typeof caseId === 'string' && caseIds.has(caseId));
    } catch {
      return true;
    }
  });
  if (kept.length !== lines.length) writeAtomic(manifest, kept.join('\n'));
}

function writeAtomic(file: string, text: string) {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
