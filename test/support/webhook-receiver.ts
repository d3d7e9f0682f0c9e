import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver answered: a status, or 'hang' when it never answered. */
  answer: number | 'hang';
  /** When the request arrived, and when the answer was written (null while it waits, or hangs). */
  receivedAt: number;
  answeredAt: number | null;
}

/**
 * A real HTTP receiver on 127.0.0.1 (port 0). `script` says how to answer the n-th request
 * (0-based): a status code, or 'hang' to never answer (the sender must time out). A slow
 * receiver (`delayMs`) records each request when it arrives and answers that much later.
 */
export async function startWebhookReceiver(
  script: (n: number) => number | 'hang' = () => 200,
  options: { delayMs?: number } = {},
) {
  const received: ReceivedWebhook[] = [];
  let answerFor = script;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = answerFor(received.length);
      const request: ReceivedWebhook = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answer,
        receivedAt: Date.now(),
        answeredAt: null,
      };
      received.push(request);
      if (answer === 'hang') return;
      const reply = () => {
        request.answeredAt = Date.now();
        // A sender killed meanwhile has closed the connection: nobody hears this answer.
        if (res.destroyed) return;
        res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
      };
      if (options.delayMs) setTimeout(reply, options.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Only the requests it acknowledged with a 2xx. */
    acknowledged: () => received.filter((r) => typeof r.answer === 'number' && r.answer < 300),
    setScript(next: (n: number) => number | 'hang') {
      answerFor = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * The receiver's check of one request, by the Standard Webhooks reference library as integrators
 * use it: a signature over id, timestamp and raw body made with this secret, and a fresh timestamp.
 */
export function signedWith(request: ReceivedWebhook, secret: string): boolean {
  try {
    new Webhook(secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}
