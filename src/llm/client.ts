import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Metrics } from '../observability/metrics.js';
import type { Clock } from '../platform/clock.js';
import { boundedFetch, LlmCallCutShort } from './bounded-fetch.js';
import { createCircuitBreaker } from './breaker.js';
import type { JsonSchema } from './schema.js';

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

export type LlmFailure = 'unavailable' | 'invalid_output';

export interface StructuredRequest<T> {
  /** `classify` or `extract`: a metrics label. */
  task: string;
  /** Part of the cache key: a new prompt version never reuses an old answer. */
  promptVersion: string;
  system: string;
  /** The delimited document text. */
  user: string;
  /** sha256 of the OCR text: with the prompt version and the model, the cache key. */
  contentHash: string;
  /** PNG of the preprocessed page; sent only when the client was built with vision. */
  image?: Buffer | null;
  schemaName: string;
  jsonSchema: JsonSchema;
  schema: z.ZodType<T>;
}

export type StructuredResult<T> =
  | { ok: true; value: T; usage: LlmUsage; cached: boolean }
  | { ok: false; failure: LlmFailure; detail: string; usage: LlmUsage };

/**
 * The LLM port: one structured call, answered with a zod-valid value or a typed failure. It
 * never throws for a model problem (timeout, outage, bad output, budget): the caller falls back
 * to the rules.
 */
export interface LlmClient {
  readonly model: string;
  readonly mode: 'assist' | 'always';
  readonly vision: boolean;
  structured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>>;
  /** Forgets every cached reply (a subject's erasure: replies hold the fields the model read). */
  clearCache(): void;
}

export interface LlmClientOptions {
  apiKey: string | null;
  baseUrl: string | null;
  model: string;
  mode: 'assist' | 'always';
  vision: boolean;
  /** Deadline of one structured call as a whole: connect, headers, body, retries, repair turn, parse. */
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  /** Prompt + completion tokens per UTC day; 0 = unlimited. */
  dailyTokenBudget: number;
  cacheSize: number;
  responseFormat: 'json_schema' | 'json_object';
  /** Largest reply body read; a larger one fails the call as unavailable. */
  maxResponseBytes: number;
  /** Consecutive unavailable calls that switch the model off for breakerCooldownMs; 0 = never. */
  breakerFailures: number;
  breakerCooldownMs: number;
  clock: Clock;
  metrics?: Pick<Metrics, 'llmTokens' | 'llmRequests' | 'llmBreakerState'>;
}

export function llmClientOptions(
  config: Config,
  deps: { clock: Clock; metrics?: LlmClientOptions['metrics'] },
): LlmClientOptions {
  const { llm } = config;
  if (llm.mode === 'off') throw new Error('the LLM client is built only when LLM_MODE is not off');
  return { ...llm, mode: llm.mode, ...deps };
}

/**
 * The `openai` client against any OpenAI-compatible endpoint (OpenAI, Azure OpenAI v1, DashScope
 * compatible mode, vLLM, Ollama, llama.cpp server). Retries with backoff on 408/409/429/5xx and
 * connection errors are the client's own (maxRetries, honouring Retry-After); on top of it: a
 * concurrency limit, a daily token budget, an in-memory LRU cache, one repair turn for a reply
 * that does not parse or validate, one deadline and a reply-size cap per call, and a circuit
 * breaker that stops calling a failing model for a while.
 */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const baseURL = options.baseUrl ?? undefined;
  const openai = new OpenAI({
    // Local servers (llama.cpp, vLLM, Ollama) need no key, but the client insists on one.
    apiKey: options.apiKey ?? 'unused',
    baseURL,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    // Azure OpenAI accepts its key in this header; elsewhere it is ignored.
    defaultHeaders:
      baseURL && /\.azure\.com/i.test(baseURL) && options.apiKey ? { 'api-key': options.apiKey } : undefined,
  });
  const limit = createSemaphore(options.concurrency);
  const cache = createLruCache<unknown>(options.cacheSize);
  const budget = createDailyBudget(options.dailyTokenBudget, options.clock);
  const metrics = options.metrics;
  const showBreakerState = (state: string) => {
    for (const each of ['closed', 'open', 'half_open'])
      metrics?.llmBreakerState.set({ state: each }, each === state ? 1 : 0);
  };
  const breaker = createCircuitBreaker({
    failures: options.breakerFailures,
    cooldownMs: options.breakerCooldownMs,
    clock: options.clock,
    onChange: showBreakerState,
  });
  showBreakerState(breaker.state);

  /** Metrics only: tokens go into the budget as each completion returns. */
  function record(task: string, outcome: string, usage?: LlmUsage) {
    metrics?.llmRequests.inc({ task, outcome });
    if (usage) {
      if (usage.promptTokens) metrics?.llmTokens.inc({ kind: 'prompt' }, usage.promptTokens);
      if (usage.completionTokens) metrics?.llmTokens.inc({ kind: 'completion' }, usage.completionTokens);
    }
  }

  async function structured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const usage: LlmUsage = { promptTokens: 0, completionTokens: 0 };
    const key = createHash('sha256')
      .update(
        [request.contentHash, request.promptVersion, options.model, options.vision ? 'vision' : 'text'].join(
          '\0',
        ),
      )
      .digest('hex');
    const hit = cache.get(key);
    if (hit !== undefined) {
      const parsed = request.schema.safeParse(hit);
      if (parsed.success) {
        record(request.task, 'cached');
        return { ok: true, value: parsed.data, usage, cached: true };
      }
    }
    if (budget.exhausted()) {
      record(request.task, 'budget_exhausted');
      return { ok: false, failure: 'unavailable', detail: 'the daily token budget is spent', usage };
    }

    const exchange = async (client: OpenAI, signal: AbortSignal): Promise<StructuredResult<T>> => {
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: systemMessage(request, options.responseFormat) },
        { role: 'user', content: userContent(request, options.vision) },
      ];
      for (let attempt = 0; attempt < 2; attempt++) {
        let content: string;
        try {
          const create = client.chat.completions.create(
            {
              model: options.model,
              messages,
              temperature: 0,
              response_format:
                options.responseFormat === 'json_schema'
                  ? {
                      type: 'json_schema',
                      json_schema: { name: request.schemaName, strict: true, schema: request.jsonSchema },
                    }
                  : { type: 'json_object' },
            },
            { signal },
          );
          const completion = await untilAborted(create, signal);
          usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
          usage.completionTokens += completion.usage?.completion_tokens ?? 0;
          budget.spend((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
          content = completion.choices[0]?.message.content ?? '';
        } catch (error) {
          record(request.task, 'unavailable', usage);
          const detail =
            signal.reason instanceof LlmCallCutShort ? signal.reason.detail : describeError(error);
          return { ok: false, failure: 'unavailable', detail, usage };
        }
        const checked = checkReply(content, request.schema);
        if (checked.ok) {
          cache.set(key, checked.value);
          record(request.task, attempt === 0 ? 'ok' : 'repaired', usage);
          return { ok: true, value: checked.value, usage, cached: false };
        }
        if (attempt === 1) {
          record(request.task, 'invalid_output', usage);
          return { ok: false, failure: 'invalid_output', detail: checked.error, usage };
        }
        messages.push(
          { role: 'assistant', content },
          {
            role: 'user',
            content: `Your reply was rejected: ${checked.error}\nReply again with only one JSON object that matches the schema.`,
          },
        );
      }
      // Unreachable: the loop returns on its second turn.
      return { ok: false, failure: 'invalid_output', detail: 'no reply', usage };
    };
    return limit(() => guarded(request.task, usage, exchange));
  }

  /**
   * One call to the model, under the circuit breaker, with one deadline for all of it (the openai
   * client's own timeout ends once the headers arrive, and restarts with each retry) and a cap on
   * the reply's size.
   */
  async function guarded<T>(
    task: string,
    usage: LlmUsage,
    exchange: (client: OpenAI, signal: AbortSignal) => Promise<StructuredResult<T>>,
  ): Promise<StructuredResult<T>> {
    if (!breaker.allowCall()) {
      record(task, 'breaker_open');
      const detail = 'the model is switched off for a while after repeated failures';
      return { ok: false, failure: 'unavailable', detail, usage };
    }
    const call = new AbortController();
    const deadline = setTimeout(() => call.abort(new LlmCallCutShort('timeout')), options.timeoutMs);
    try {
      const client = openai.withOptions({ fetch: boundedFetch(options.maxResponseBytes, call) });
      const result = await exchange(client, call.signal);
      if (result.ok || result.failure === 'invalid_output') breaker.succeeded();
      else breaker.failed();
      return result;
    } finally {
      clearTimeout(deadline);
    }
  }

  return {
    model: options.model,
    mode: options.mode,
    vision: options.vision,
    structured,
    clearCache: () => cache.clear(),
  };
}

function systemMessage(request: StructuredRequest<unknown>, format: 'json_schema' | 'json_object'): string {
  if (format === 'json_schema') return request.system;
  // Without structured outputs the schema travels in the (trusted) system message.
  return `${request.system}\n\nThe reply must be a JSON object matching this JSON schema:\n${JSON.stringify(request.jsonSchema)}`;
}

function userContent(request: StructuredRequest<unknown>, vision: boolean) {
  if (!vision || !request.image) return request.user;
  return [
    { type: 'text' as const, text: request.user },
    {
      type: 'image_url' as const,
      image_url: {
        url: `data:image/png;base64,${request.image.toString('base64')}`,
        detail: 'high' as const,
      },
    },
  ];
}

function checkReply<T>(
  content: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    // Some local servers wrap JSON in a Markdown fence even in JSON mode.
    json = JSON.parse(
      content
        .trim()
        .replace(/^```(?:json)?\s*/i, '')
        .replace(/\s*```$/, ''),
    );
  } catch (error) {
    return { ok: false, error: `the reply is not JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 10)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, error: `the reply does not match the schema (${issues})` };
}

/**
 * The call's result, or its signal's reason as soon as it aborts: the openai client notices an
 * abort only between steps, and may be sleeping out a Retry-After meanwhile.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function describeError(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof OpenAI.APIError) return `${error.status ?? 'connection'} ${error.name}`;
  return error instanceof Error ? error.name : 'error';
}

/** At most `size` tasks at once; the rest wait in arrival order. */
export function createSemaphore(size: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

/** An in-memory LRU (lost on restart, per process): enough for re-submitted photos. */
export function createLruCache<V>(capacity: number) {
  const map = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const value = map.get(key);
      if (value === undefined) return undefined;
      map.delete(key);
      map.set(key, value);
      return value;
    },
    set(key: string, value: V) {
      if (capacity <= 0) return;
      map.delete(key);
      map.set(key, value);
      while (map.size > capacity) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
    },
    clear() {
      map.clear();
    },
    get size() {
      return map.size;
    },
  };
}

/** Tokens spent per UTC day (in memory, per process); 0 = unlimited. */
export function createDailyBudget(limit: number, clock: Clock) {
  let day = '';
  let spent = 0;
  const roll = () => {
    const today = clock.now().toISOString().slice(0, 10);
    if (today !== day) {
      day = today;
      spent = 0;
    }
  };
  return {
    spend(tokens: number) {
      roll();
      spent += tokens;
    },
    exhausted(): boolean {
      roll();
      return limit > 0 && spent >= limit;
    },
    get spent() {
      roll();
      return spent;
    },
  };
}
