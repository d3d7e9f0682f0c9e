import { afterEach, describe, expect, it } from 'vitest';
import { makeTextPng, stampPng } from '../../test/support/images.js';
import {
  type ScriptedHandler,
  type ScriptedOpenAi,
  startScriptedOpenAi,
} from '../../test/support/scripted-openai.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

/**
 * A misbehaving model server against the HTTP app: the real `openai` client, real OCR on a small
 * printed page, and LLM_MODE=always so every upload consults the model (one classification call).
 * Small deadlines keep the tests quick; no timing is asserted, only that each document still gets
 * a verdict from the rules with LLM_UNAVAILABLE.
 */
let server: ScriptedOpenAi | null = null;
let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = null;
  server = null;
});

const classification = { json: { documentType: 'unknown', instructionsInDocument: false } };

async function start(handler: ScriptedHandler, env: Record<string, string>, now?: { value: Date }) {
  server = await startScriptedOpenAi(handler);
  t = await createTestApp({
    env: {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: server.baseUrl,
      LLM_MODEL: 'scripted-model',
      LLM_MODE: 'always',
      LLM_TIMEOUT_MS: '400',
      LLM_MAX_RETRIES: '0',
      MAX_WAIT_SECONDS: '60',
      ...env,
    },
    overrides: now ? { clock: { now: () => now.value } } : {},
  });
  return { server, t };
}

let page: Buffer | null = null;
let uploads = 0;
/** Uploads a distinct copy of one small printed page and waits for its verdict. */
async function verify(app: TestApp) {
  page ??= await makeTextPng('Receipt 2024-06-01 Total 38.00');
  uploads += 1;
  const res = await app.app.request('/v1/verifications', {
    method: 'POST',
    headers: { ...app.auth('client'), prefer: 'wait=60' },
    body: uploadForm({
      file: fileBlob(stampPng(page, `upload ${uploads}`), 'image/png'),
      subjectId: `u-llm-${uploads}`,
    }),
  });
  let body = await res.json();
  for (let i = 0; i < 600 && body.status !== 'completed' && body.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    body = await (
      await app.app.request(`/v1/verifications/${body.id}`, { headers: app.auth('engine') })
    ).json();
  }
  expect(body.status).toBe('completed');
  return body as { verdict: string; reasons: { code: string; severity: string; message: string }[] };
}

const unavailable = (message: string | RegExp) =>
  expect.objectContaining({
    code: 'LLM_UNAVAILABLE',
    severity: 'info',
    message: expect.stringMatching(message),
  });

describe('LLM calls against a misbehaving model server (HTTP app)', () => {
  it('ends a call whose body trickles in (one byte per 200 ms) at the deadline', async () => {
    const { t } = await start(() => ({ ...classification, trickleMs: 200 }), {});
    const result = await verify(t);
    expect(result.reasons).toContainEqual(unavailable(/timeout/));
    expect(result.verdict).toBe('rejected');
  });

  it('refuses a reply body larger than LLM_MAX_RESPONSE_BYTES', async () => {
    const { t } = await start(() => ({ ...classification, padBytes: 4 * 1024 * 1024 }), {
      LLM_TIMEOUT_MS: '20000',
      LLM_MAX_RESPONSE_BYTES: '65536',
    });
    const result = await verify(t);
    expect(result.reasons).toContainEqual(unavailable(/too large/));
    expect(result.verdict).toBe('rejected');
  });

  it('switches the model off after LLM_BREAKER_FAILURES failures, without calling it, until the cool-down passed', async () => {
    const now = { value: new Date('2026-03-01T10:00:00Z') };
    let sleeping = true;
    const { server, t } = await start(
      () => (sleeping ? { ...classification, delayMs: 5_000 } : classification),
      { LLM_BREAKER_FAILURES: '2', LLM_BREAKER_COOLDOWN_MS: '60000' },
      now,
    );
    const breakerState = async () =>
      /docverify_llm_breaker_state\{state="(\w+)"\} 1/.exec(
        await (await t.app.request('/metrics')).text(),
      )?.[1];

    // Two documents whose model call times out: the breaker opens.
    for (let i = 0; i < 2; i++) {
      expect((await verify(t)).reasons).toContainEqual(unavailable(/timeout/));
    }
    expect(await breakerState()).toBe('open');
    const calls = server.requests.length;

    // While it is open, documents are decided by the rules without a call to the model.
    const skipped = await verify(t);
    expect(skipped.reasons).toContainEqual(unavailable(/repeated failures/));
    expect(skipped.verdict).toBe('rejected');
    expect(server.requests.length).toBe(calls);

    // After the cool-down, one trial call; the model answers again and the breaker closes.
    sleeping = false;
    now.value = new Date(now.value.getTime() + 60_000);
    const recovered = await verify(t);
    expect(server.requests.length).toBe(calls + 1);
    expect(recovered.reasons.map((r) => r.code)).not.toContain('LLM_UNAVAILABLE');
    expect(await breakerState()).toBe('closed');
  });
});
