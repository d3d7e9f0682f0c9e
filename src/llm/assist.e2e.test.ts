import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  extractionReply,
  type ScriptedHandler,
  type ScriptedOpenAi,
  startScriptedOpenAi,
} from '../../test/support/scripted-openai.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

/**
 * Through the HTTP app with real OCR on a committed fixture photo, the real `openai` client and a
 * scripted OpenAI-compatible server. Slow (OCR): two uploads only.
 */
const CASE = path.resolve('fixtures/sample-01-cet-photo');
const expected = JSON.parse(fs.readFileSync(path.join(CASE, 'expected.json'), 'utf8')) as {
  documentType: string;
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

async function verifyFixture(handler: ScriptedHandler, env: Record<string, string>) {
  server = await startScriptedOpenAi(handler);
  t = await createTestApp({
    env: {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: server.baseUrl,
      LLM_MODEL: 'scripted-model',
      MAX_WAIT_SECONDS: '120',
      ...env,
    },
  });
  const res = await t.app.request('/v1/verifications', {
    method: 'POST',
    headers: { ...t.auth('client'), prefer: 'wait=120' },
    body: uploadForm({
      file: fileBlob(fs.readFileSync(path.join(CASE, 'input.jpg')), 'image/jpeg'),
      subjectId: 'u-e2e',
      applicantName: expected.applicant.name,
      applicantIdNumber: expected.applicant.idNumber,
    }),
  });
  let body = await res.json();
  for (let i = 0; i < 600 && body.status !== 'completed' && body.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    body = await (await t.app.request(`/v1/verifications/${body.id}`, { headers: t.auth('engine') })).json();
  }
  expect(body.status).toBe('completed');
  return body as {
    verdict: string;
    fields: Record<string, unknown>;
    evidence: Record<string, { source: string; text: string }>;
    reasons: { code: string; severity: string }[];
    versions: Record<string, string>;
    timingsMs: Record<string, number>;
  };
}

describe('LLM assist end to end (HTTP app, real OCR, scripted model)', () => {
  it('consults the model with the OCR text and the image, keeps only grounded values, stores prompt and model', async () => {
    const careful: ScriptedHandler = (req) =>
      req.schemaName === 'document_classification'
        ? { json: { documentType: expected.documentType, instructionsInDocument: false } }
        : extractionReply(req, expected.fields);
    const result = await verifyFixture(careful, { LLM_MODE: 'always', LLM_VISION: 'true' });

    const requests = server?.requests ?? [];
    expect(requests.map((r) => r.schemaName)).toEqual(['document_classification', 'cet_score_report_fields']);
    for (const request of requests) {
      expect(request.imageUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
      expect(request.document.length).toBeGreaterThan(20);
      expect(request.body.response_format?.json_schema?.strict).toBe(true);
    }
    expect(result.versions).toMatchObject({
      prompt: 'classify.v1+system.v1,extract.cet_score_report.v1+system.v1',
      model: 'scripted-model',
    });
    expect(typeof result.timingsMs.llm).toBe('number');
    // Every model-filled value is the true one and was found in the OCR text.
    for (const [field, item] of Object.entries(result.evidence)) {
      if (item.source !== 'llm') continue;
      expect(result.fields[field]).toEqual(expected.fields[field]);
      expect(requests[1]?.document.replace(/\s/g, '')).toContain(item.text.replace(/\s/g, ''));
    }
    expect(['verified', 'needs_review']).toContain(result.verdict);

    const metrics = await (await t?.app.request('/metrics'))?.text();
    expect(metrics).toMatch(/docverify_llm_tokens_total\{kind="prompt"\} 200/);
    expect(metrics).toMatch(/docverify_llm_requests_total\{task="extract",outcome="ok"\} 1/);
  });

  it('completes the verification with the rules alone when the model is down (LLM_UNAVAILABLE, info)', async () => {
    const result = await verifyFixture(() => ({ status: 503 }), { LLM_MODE: 'always', LLM_MAX_RETRIES: '0' });
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ code: 'LLM_UNAVAILABLE', severity: 'info' }),
    );
    expect(Object.values(result.evidence).every((e) => e.source !== 'llm')).toBe(true);
    expect(['verified', 'needs_review', 'rejected']).toContain(result.verdict);
  });
});
