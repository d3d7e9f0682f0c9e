import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import {
  extractionReply,
  type ScriptedOpenAi,
  startScriptedOpenAi,
} from '../../test/support/scripted-openai.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

/**
 * Attacks on the grounding of model values, through the HTTP app with real OCR on a committed
 * fixture photo, the real `openai` client and a scripted OpenAI-compatible server.
 */
const CASE = path.resolve('fixtures/sample-02-grad-photo');
const expected = JSON.parse(fs.readFileSync(path.join(CASE, 'expected.json'), 'utf8')) as {
  fields: Record<string, unknown>;
  applicant: { name: string; idNumber: string };
};

let server: ScriptedOpenAi | null = null;
let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = null;
  server = null;
});

/**
 * The diploma photo with the name after 学生 painted over in the paper's colour, and a note in the
 * left margin that names the applicant: the name is printed nowhere a diploma prints it.
 */
async function diplomaWithNameInMarginNote(): Promise<Buffer> {
  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
    <rect x="494" y="396" width="86" height="48" fill="#f1ede3"/>
    <text x="180" y="640" font-family="Noto Sans CJK SC" font-size="30" fill="#222">注：学生姓名为${expected.applicant.name}</text>
  </svg>`;
  return sharp(path.join(CASE, 'input.jpg'))
    .composite([{ input: Buffer.from(overlay) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('LLM assist grounding attacks (HTTP app, real OCR, scripted model)', () => {
  it('does not take a covered name from a margin note, even when the model reads it there', async () => {
    // The model answers the applicant's true fields, name included (read from the note).
    server = await startScriptedOpenAi((req) => extractionReply(req, expected.fields));
    t = await createTestApp({
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: server.baseUrl,
        LLM_MODEL: 'scripted-model',
        LLM_MODE: 'assist',
        MAX_WAIT_SECONDS: '120',
      },
    });
    const res = await t.app.request('/v1/verifications', {
      method: 'POST',
      headers: { ...t.auth('client'), prefer: 'wait=120' },
      body: uploadForm({
        file: fileBlob(await diplomaWithNameInMarginNote(), 'image/jpeg'),
        subjectId: 'u-margin-note',
        applicantName: expected.applicant.name,
        applicantIdNumber: expected.applicant.idNumber,
      }),
    });
    let body = await res.json();
    for (let i = 0; i < 600 && body.status !== 'completed' && body.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      body = await (
        await t.app.request(`/v1/verifications/${body.id}`, { headers: t.auth('engine') })
      ).json();
    }
    expect(body.status).toBe('completed');
    expect(body.documentType).toBe('graduation_certificate');
    // The model was consulted for the missing name and answered it.
    expect(server.requests.map((r) => r.schemaName)).toContain('graduation_certificate_fields');

    expect(body.fields.name).toBeNull();
    expect(body.evidence.name).toBeUndefined();
    expect(body.reasons).toContainEqual(
      expect.objectContaining({ code: 'LLM_UNGROUNDED_VALUE', field: 'name', severity: 'info' }),
    );
    expect(body.verdict).not.toBe('verified');
  });
});
