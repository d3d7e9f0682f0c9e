import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OpenAI-compatible server on 127.0.0.1 for tests and the eval: it answers
 * POST /v1/chat/completions with scripted replies, so the real `openai` client (retries, timeouts,
 * parsing) runs against it. Every request is recorded for assertions.
 */

export interface ChatMessage {
  role: string;
  content: string | { type: string; text?: string; image_url?: { url: string } }[];
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  response_format?: {
    type: string;
    json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> };
  };
}

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: ChatRequestBody;
  /** The system message. */
  system: string;
  /** The text of the last user message. */
  user: string;
  /** The data URL of an image part, if any. */
  imageUrl: string | null;
  /** `document_classification` or `<type>_fields` (from the schema name, or the system prompt in JSON mode). */
  schemaName: string | null;
  /** The <document> text of the first user message. */
  document: string;
}

export interface ScriptedReply {
  /** HTTP status; default 200. */
  status?: number;
  /** The assistant's message content (a JSON string, or anything for malformed output). */
  content?: string;
  /** Shorthand: content = JSON.stringify(json). */
  json?: unknown;
  /** Waits this long before answering (for timeouts). */
  delayMs?: number;
  headers?: Record<string, string>;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Sends the headers at once, then the body one byte every this many ms (a stalled stream). */
  trickleMs?: number;
  /** Appends this many spaces after the JSON body: still valid, but this large. */
  padBytes?: number;
}

export type ScriptedHandler = (
  request: RecordedRequest,
  index: number,
) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedOpenAi {
  /** e.g. http://127.0.0.1:PORT/v1 (what OPENAI_BASE_URL is set to). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Most requests being answered at one moment. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startScriptedOpenAi(handler: ScriptedHandler): Promise<ScriptedOpenAi> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      try {
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'not found' } }));
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
        const recorded = record(req, body);
        requests.push(recorded);
        const reply = await handler(recorded, requests.length - 1);
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (res.destroyed) return;
        const status = reply.status ?? 200;
        res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
        if (status !== 200) {
          res.end(JSON.stringify({ error: { message: `scripted ${status}`, type: 'scripted' } }));
          return;
        }
        const content = reply.content ?? JSON.stringify(reply.json ?? {});
        const usage = reply.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
        const completion = JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        });
        if (reply.trickleMs) {
          res.flushHeaders();
          for (const byte of Buffer.from(completion)) {
            if (res.destroyed) return;
            res.write(Buffer.from([byte]));
            await new Promise((resolve) => setTimeout(resolve, reply.trickleMs));
          }
          res.end();
          return;
        }
        if (reply.padBytes) {
          res.write(completion);
          const chunk = Buffer.alloc(64 * 1024, ' ');
          for (let sent = 0; sent < reply.padBytes && !res.destroyed; sent += chunk.length) {
            if (!res.write(chunk))
              await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
          }
          res.end();
          return;
        }
        res.end(completion);
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error) } }));
      } finally {
        inFlight -= 1;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function textOf(message: ChatMessage | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('\n');
}

function record(req: http.IncomingMessage, body: ChatRequestBody): RecordedRequest {
  const system = textOf(body.messages.find((m) => m.role === 'system'));
  const users = body.messages.filter((m) => m.role === 'user');
  const firstUser = users[0];
  const imagePart =
    firstUser && typeof firstUser.content !== 'string'
      ? firstUser.content.find((part) => part.type === 'image_url')
      : undefined;
  const document = /<document>\n([\s\S]*)\n<\/document>/.exec(textOf(firstUser))?.[1] ?? '';
  const schemaName =
    body.response_format?.json_schema?.name ??
    (/Task: say which kind/.test(system) ? 'document_classification' : schemaNameFromPrompt(system));
  return {
    path: req.url ?? '',
    headers: req.headers,
    body,
    system,
    user: textOf(users.at(-1)),
    imageUrl: imagePart?.image_url?.url ?? null,
    schemaName: schemaName ?? null,
    document,
  };
}

/** JSON mode carries no schema name: the task line of the extraction prompt names the type. */
function schemaNameFromPrompt(system: string): string | null {
  const types: [RegExp, string][] = [
    [/CET score report/, 'cet_score_report_fields'],
    [/graduation certificate/, 'graduation_certificate_fields'],
    [/degree certificate/, 'degree_certificate_fields'],
    [/CHSI record/, 'chsi_record_fields'],
  ];
  const task = /Task: read the fields of a ([^(]+)/.exec(system)?.[1] ?? '';
  return types.find(([pattern]) => pattern.test(task))?.[1] ?? null;
}

/** A reply for an extraction request: every field of the schema, null unless given. */
export function extractionReply(
  request: RecordedRequest,
  fields: Record<string, unknown>,
  instructionsInDocument = false,
): ScriptedReply {
  const schema = (request.body.response_format?.json_schema?.schema ?? schemaInPrompt(request.system)) as
    | { properties?: { fields?: { properties?: Record<string, unknown> } } }
    | undefined;
  const names = Object.keys(schema?.properties?.fields?.properties ?? fields);
  const all = Object.fromEntries(names.map((name) => [name, fields[name] ?? null]));
  return { json: { fields: all, instructionsInDocument } };
}

/** JSON mode: the schema travels in the system message, after "matching this JSON schema:". */
function schemaInPrompt(system: string): unknown {
  const json = /matching this JSON schema:\n(.+)$/s.exec(system)?.[1];
  return json ? JSON.parse(json) : undefined;
}
