import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentModules } from '../src/documents/registry.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from './support/test-services.js';

interface ManifestLine {
  file: string;
  subjectId: string;
  applicant?: { name?: string; idNumber?: string };
  caseId: string;
}
interface Expected {
  kind: string;
  documentType: keyof typeof documentModules | 'unknown';
  fields: Record<string, unknown>;
  verdict: string;
  acceptableVerdicts: string[];
  expectedReasons: string[];
}

const root = path.resolve(import.meta.dirname, '../fixtures');
const cases = fs
  .readFileSync(path.join(root, 'manifest.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as ManifestLine)
  .filter((c) => c.caseId.startsWith('sample-'));

/** The committed fixture samples through the real HTTP API: type, fields, verdict and reasons. */
describe('fixture samples through the HTTP API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  for (const c of cases) {
    it(`${c.caseId}`, async () => {
      const expected = JSON.parse(
        fs.readFileSync(path.join(root, c.caseId, 'expected.json'), 'utf8'),
      ) as Expected;
      const fields: Record<string, string | Blob> = {
        file: fileBlob(fs.readFileSync(path.join(root, c.file))),
        subjectId: c.subjectId,
      };
      if (c.applicant?.name) fields.applicantName = c.applicant.name;
      if (c.applicant?.idNumber) fields.applicantIdNumber = c.applicant.idNumber;
      const res = await t.app.request('/v1/verifications', {
        method: 'POST',
        headers: { ...t.auth('client'), prefer: 'wait=120' },
        body: uploadForm(fields),
      });
      expect(res.status).toBe(201);
      const result = await res.json();
      expect(result.documentType).toBe(expected.documentType);
      expect(expected.acceptableVerdicts).toContain(result.verdict);
      const codes = result.reasons.map((r: { code: string }) => r.code);
      for (const code of expected.expectedReasons) expect(codes).toContain(code);
      if (expected.kind === 'clean' && expected.documentType !== 'unknown') {
        for (const field of documentModules[expected.documentType].scoredFields) {
          expect({ field, value: result.fields[field] }).toEqual({
            field,
            value: expected.fields[field] ?? null,
          });
        }
        expect(result.verdict).toBe('verified');
      }
    });
  }
});
